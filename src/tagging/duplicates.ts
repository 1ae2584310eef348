/**
 * Near-duplicate thresholds: candidates are pairs whose products' colours
 * differ by at most 40 (sum of channel differences) and whose difference
 * hashes differ in at most 12 of 64 bits; they are duplicates when their
 * 32x32 thumbnails differ by at most 12 grey levels on average where either
 * shows something.
 */
export const MAX_HASH_BITS = 12;
export const MAX_THUMB_DIFFERENCE = 12;
export const MAX_COLOUR_DISTANCE = 40;
/** Background-white in a thumbnail: pixels this light on both sides are left out of the comparison. */
const PAPER = 240;
/** Colour cells this wide: two colours within MAX_COLOUR_DISTANCE are in the same or a neighbouring cell. */
const CELL = MAX_COLOUR_DISTANCE + 1;
/** Images compared before the loop yields, so a worker's lease renewals and signals keep running. */
const YIELD_EVERY = 200;

export interface Fingerprinted {
  item: string;
  dhash: string;
  thumb?: string;
  rgb: readonly [number, number, number];
}

interface Prepared {
  item: string;
  hi: number;
  lo: number;
  thumb: Buffer | undefined;
  rgb: readonly [number, number, number];
}

function bits32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * Mean absolute difference of two thumbnails of the same size, over the
 * pixels where either shows something: on a packshot most pixels are white on
 * both, and counting them would make any two products alike.
 */
function thumbDifference(x: Buffer, y: Buffer): number {
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

const cellOf = (rgb: readonly number[]) => rgb.map((c) => Math.floor(c / CELL));
const key = (c: readonly number[]) => `${c[0]}|${c[1]}|${c[2]}`;

/**
 * Near-duplicate images: the same picture resized, recompressed or lightly
 * cropped has a close difference hash and nearly the same thumbnail, but so
 * does the same packshot in another shade, which is not a duplicate, so the
 * product's colour must be close too. Images are filed by colour cell, and
 * each of `focus` (default: all) is compared only with the images in its own
 * and the neighbouring cells; the loop yields now and then, so a large
 * catalogue does not block the process. Returns, per item, the items it duplicates.
 */
export async function nearDuplicates(images: readonly Fingerprinted[], focus?: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const prepared: Prepared[] = images.map((m) => ({
    item: m.item, hi: parseInt(m.dhash.slice(0, 8), 16) | 0, lo: parseInt(m.dhash.slice(8, 16), 16) | 0,
    thumb: m.thumb === undefined ? undefined : Buffer.from(m.thumb, 'base64'), rgb: m.rgb,
  }));
  const cells = new Map<string, Prepared[]>();
  for (const p of prepared) {
    const k = key(cellOf(p.rgb));
    const list = cells.get(k);
    if (list) list.push(p);
    else cells.set(k, [p]);
  }
  const out = new Map<string, string[]>();
  let compared = 0;
  for (const a of prepared) {
    if (focus && !focus.has(a.item)) continue;
    if (++compared % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
    const [cr, cg, cb] = cellOf(a.rgb) as [number, number, number];
    const found: string[] = [];
    for (let dr = -1; dr <= 1; dr++) for (let dg = -1; dg <= 1; dg++) for (let db = -1; db <= 1; db++) {
      for (const b of cells.get(key([cr + dr, cg + dg, cb + db])) ?? []) {
        if (b === a) continue;
        const colour = Math.abs(a.rgb[0] - b.rgb[0]) + Math.abs(a.rgb[1] - b.rgb[1]) + Math.abs(a.rgb[2] - b.rgb[2]);
        if (colour > MAX_COLOUR_DISTANCE) continue;
        if (bits32(a.hi ^ b.hi) + bits32(a.lo ^ b.lo) > MAX_HASH_BITS) continue;
        if (!a.thumb || !b.thumb || thumbDifference(a.thumb, b.thumb) > MAX_THUMB_DIFFERENCE) continue;
        found.push(b.item);
      }
    }
    if (found.length > 0) out.set(a.item, found);
  }
  return out;
}
