/** Hamming distance between two 64-bit hex hashes. */
function hamming(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

/**
 * Near-duplicate thresholds: candidates are pairs whose difference hashes
 * differ in at most 12 of 64 bits; they are duplicates when their 32x32
 * thumbnails differ by at most 12 grey levels on average where either shows
 * something, and their products' colours by at most 40 (sum of channel differences).
 */
export const MAX_HASH_BITS = 12;
export const MAX_THUMB_DIFFERENCE = 12;
export const MAX_COLOUR_DISTANCE = 40;

/** Background-white in a thumbnail: pixels this light on both sides are left out of the comparison. */
const PAPER = 240;

/**
 * Mean absolute difference of two base64 thumbnails of the same size, over
 * the pixels where either shows something: on a packshot most pixels are
 * white on both, and counting them would make any two products alike.
 */
function thumbDifference(a: string, b: string): number {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  if (x.length !== y.length || x.length === 0) return Infinity;
  let d = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i]! >= PAPER && y[i]! >= PAPER) continue;
    d += Math.abs(x[i]! - y[i]!);
    n++;
  }
  return n === 0 ? 0 : d / n;
}

/**
 * Groups near-duplicate images: the same picture resized, recompressed or
 * lightly cropped has a close difference hash and nearly the same thumbnail,
 * but so does the same packshot in another shade, which is not a duplicate,
 * so the product's colour must be close too. Returns, per item, the other items it duplicates.
 */
export function nearDuplicates(images: ReadonlyArray<{ item: string; dhash: string; thumb?: string; rgb: readonly [number, number, number] }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      const a = images[i]!;
      const b = images[j]!;
      const colour = Math.abs(a.rgb[0] - b.rgb[0]) + Math.abs(a.rgb[1] - b.rgb[1]) + Math.abs(a.rgb[2] - b.rgb[2]);
      if (colour > MAX_COLOUR_DISTANCE || hamming(a.dhash, b.dhash) > MAX_HASH_BITS) continue;
      if (a.thumb === undefined || b.thumb === undefined || thumbDifference(a.thumb, b.thumb) > MAX_THUMB_DIFFERENCE) continue;
      out.set(a.item, [...(out.get(a.item) ?? []), b.item]);
      out.set(b.item, [...(out.get(b.item) ?? []), a.item]);
    }
  }
  return out;
}
