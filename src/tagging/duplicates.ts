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

/** Near-duplicate thresholds: at most 6 of 64 hash bits differ, and the products' colours are within 40 (sum of channel differences). */
export const MAX_HASH_BITS = 6;
export const MAX_COLOUR_DISTANCE = 40;

/**
 * Groups near-duplicate images: the same picture resized, recompressed or
 * lightly cropped has a close difference hash, but so does the same packshot
 * in another shade, which is not a duplicate, so the product's colour must be
 * close too. Returns, per item, the other items it duplicates.
 */
export function nearDuplicates(images: ReadonlyArray<{ item: string; dhash: string; rgb: readonly [number, number, number] }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      const a = images[i]!;
      const b = images[j]!;
      const colour = Math.abs(a.rgb[0] - b.rgb[0]) + Math.abs(a.rgb[1] - b.rgb[1]) + Math.abs(a.rgb[2] - b.rgb[2]);
      if (colour > MAX_COLOUR_DISTANCE || hamming(a.dhash, b.dhash) > MAX_HASH_BITS) continue;
      out.set(a.item, [...(out.get(a.item) ?? []), b.item]);
      out.set(b.item, [...(out.get(b.item) ?? []), a.item]);
    }
  }
  return out;
}
