import sharp from 'sharp';

/** The local background is the closing over a square this wide: wider than a letter's stroke (3 to 6 px at 512 px), narrower than a product. */
const WINDOW = 15;
/** A pixel darker than its background by this share (1 - 1/GAIN) or more is drawn black. */
const GAIN = 2.5;
/** Under this grey level a background holds too few levels to tell a mark from JPEG noise. */
const FLOOR = 12;
/** A pixel drawn lighter than this is left white. */
const FAINT = 208;
/** A pixel this far from white in the mark image is part of a stroke. */
const STROKE = 160;
/** A background changing by more than this many grey levels across three pixels is a product's edge. */
const EDGE = 60;
/** A row along the slant with this share of the fullest row's stroke pixels is part of the lines of text. */
const BAND = 0.25;
/** White kept around the lines of text, in pixels: Tesseract reads a word touching the picture's edge badly. */
const MARGIN = 16;
/** Fewer stroke pixels than this (a packshot's outline gives a few hundred) is no mark worth reading. */
const MIN_STROKES = 400;
/** Most stroke pixels the slant is measured on (a busy picture holds hundreds of thousands). */
const SLANT_POINTS = 20_000;

/** A picture's faint marks, ready for OCR. */
export interface FaintMarks {
  /** PNG, greyscale: the marks black on white, turned so their lines run level. */
  png: Buffer;
  /** Degrees the picture was turned, clockwise, to level the marks. */
  angle: number;
  /** How many stroke pixels the mark image holds. */
  strokes: number;
}

/**
 * A picture's semi-transparent dark overlays (a stock agency's diagonal mark,
 * a photographer's stamp) drawn black on white and levelled, for OCR: the
 * ordinary read misses them where they cross the product, and when they are
 * rotated. `grey` is the picture in greyscale, one byte a pixel, about 500 px
 * across. Each pixel is divided by its local background, the picture with
 * every dark feature thinner than a stroke closed over: a mark laid at some
 * opacity darkens whatever it crosses by the same share, so over a red
 * lipstick and over the white backdrop it comes out alike, while the
 * product's flat colour disappears. The lines' slant is the angle whose
 * projection piles the stroke pixels into the sharpest rows. Undefined when
 * there is too little to read. A light mark is not drawn: a closing's mirror
 * (an opening) turns the gaps between a dark mark's letters into light
 * strokes, and a median, which has neither bias, costs four times as much.
 */
export async function faintMarks(grey: Uint8Array, width: number): Promise<FaintMarks | undefined> {
  const height = Math.floor(grey.length / width);
  const local = closing(grey, width);
  const marks = Buffer.alloc(grey.length, 255);
  const xs: number[] = [];
  const ys: number[] = [];
  const edges: number[] = [];
  for (let i = width; i < grey.length - width; i++) {
    const p = grey[i]!;
    const b = local[i]!;
    if (p >= b || b < FLOOR) continue;
    // Along a product's edge the background itself changes: what differs there is antialiasing and JPEG ringing, not a mark.
    if (Math.abs(local[i + 1]! - local[i - 1]!) + Math.abs(local[i + width]! - local[i - width]!) > EDGE) {
      edges.push(i);
      continue;
    }
    // A mark multiplies what is under it by (1 - opacity).
    const v = Math.max(0, Math.round(255 * (1 - (1 - p / b) * GAIN)));
    // A shade off the background's is left white: it is what the closing missed of a product's shape, not ink.
    if (v < FAINT) marks[i] = v;
    if (v < STROKE) {
      xs.push(i % width);
      ys.push((i - (i % width)) / width);
    }
  }
  // Where a mark crosses the product's edge, the skipped pixels cut its letters: bridge a cut with ink on both sides.
  for (const i of edges) {
    const across = Math.max(Math.min(marks[i - 1]!, marks[i - 2] ?? 255), Math.min(marks[i + 1]!, marks[i + 2] ?? 255));
    const down = Math.max(Math.min(marks[i - width]!, marks[i - 2 * width] ?? 255), Math.min(marks[i + width]!, marks[i + 2 * width] ?? 255));
    const v = Math.min(across, down);
    if (v < STROKE) marks[i] = v;
  }
  if (xs.length < MIN_STROKES) return undefined;
  // The slant's search is 91 projections of every point: a sample of a busy picture's points tells the same.
  const step = Math.ceil(xs.length / SLANT_POINTS);
  const deg = step > 1 ? slant(xs.filter((_, i) => i % step === 0), ys.filter((_, i) => i % step === 0), width + height) : slant(xs, ys, width + height);
  const level = levelled(marks, width, xs, ys, deg);
  const png = await sharp(level.data, { raw: { width: level.width, height: level.height, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();
  return { png, angle: -deg, strokes: xs.length };
}

/**
 * The band of the mark image that holds the lines of text, turned level: the
 * rows (along the slant) with at least BAND of the fullest row's stroke
 * pixels, from the first to the last, and the stroke pixels' extent along
 * them, with a margin. A product's corner or edge off the lines is left out,
 * where OCR would read it as a letter stuck to the word; and there is less to read.
 */
function levelled(marks: Uint8Array, width: number, xs: readonly number[], ys: readonly number[], deg: number): { data: Buffer; width: number; height: number } {
  const height = Math.floor(marks.length / width);
  const t = (deg * Math.PI) / 180;
  const sin = Math.sin(t);
  const cos = Math.cos(t);
  // r across the lines, a along them; rows 2 px high, offset to stay positive.
  const span = width + height;
  const rows = new Uint32Array(span + 2);
  for (let i = 0; i < xs.length; i++) rows[Math.floor((ys[i]! * cos - xs[i]! * sin + span) / 2)]!++;
  const peak = rows.reduce((m, n) => Math.max(m, n), 0);
  let first = rows.length;
  let last = -1;
  rows.forEach((n, k) => {
    if (n < peak * BAND) return;
    first = Math.min(first, k);
    last = Math.max(last, k);
  });
  const r0 = first * 2 - span - MARGIN;
  const r1 = last * 2 + 2 - span + MARGIN;
  let a0 = Infinity;
  let a1 = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const r = ys[i]! * cos - xs[i]! * sin;
    if (r < r0 || r > r1) continue;
    const a = xs[i]! * cos + ys[i]! * sin;
    a0 = Math.min(a0, a);
    a1 = Math.max(a1, a);
  }
  a0 -= MARGIN;
  a1 += MARGIN;
  const w = Math.max(1, Math.ceil(a1 - a0));
  const h = Math.max(1, Math.ceil(r1 - r0));
  const out = Buffer.alloc(w * h, 255);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const a = a0 + u;
      const r = r0 + v;
      // Back to the picture (x along, y down), bilinear between the four pixels around.
      const x = a * cos - r * sin;
      const y = a * sin + r * cos;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height) continue;
      const fx = x - x0;
      const fy = y - y0;
      const i = y0 * width + x0;
      const top = marks[i]! * (1 - fx) + marks[i + 1]! * fx;
      const bottom = marks[i + width]! * (1 - fx) + marks[i + width + 1]! * fx;
      out[v * w + u] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * The picture with every dark feature thinner than WINDOW filled in from
 * around it, larger shapes' edges kept: the maximum over a WINDOW-wide square,
 * then the minimum, each by rows then columns, each line in three passes
 * whatever the window (van Herk and Gil-Werman).
 */
function closing(grey: Uint8Array, width: number): Uint8Array {
  const height = Math.floor(grey.length / width);
  const a = new Uint8Array(grey.length);
  const b = new Uint8Array(grey.length);
  const g = new Uint8Array(Math.max(width, height) + WINDOW);
  const h = new Uint8Array(g.length);
  for (const max of [true, false]) {
    const src = max ? grey : b;
    for (let y = 0; y < height; y++) sweep(src, a, y * width, 1, width, max, g, h);
    for (let x = 0; x < width; x++) sweep(a, b, x, width, height, max, g, h);
  }
  return b;
}

/** One line's running maximum (or minimum) over WINDOW, into dst; g and h are scratch. */
function sweep(src: Uint8Array, dst: Uint8Array, start: number, step: number, n: number, max: boolean, g: Uint8Array, h: Uint8Array): void {
  const r = (WINDOW - 1) / 2;
  const len = n + 2 * r;
  // Past the picture's edge counts as nothing: black for a maximum, white for a minimum. Taking the
  // minimum as the maximum of the complement keeps one loop, without a branch per pixel.
  const flip = max ? 0 : 255;
  g.fill(0, 0, r);
  g.fill(0, n + r, len);
  for (let i = 0; i < n; i++) g[i + r] = src[start + i * step]! ^ flip;
  h.set(g.subarray(0, len));
  for (let i = 1; i < len; i++) if (i % WINDOW !== 0 && g[i - 1]! > g[i]!) g[i] = g[i - 1]!;
  for (let i = len - 2; i >= 0; i--) if (i % WINDOW !== WINDOW - 1 && h[i + 1]! > h[i]!) h[i] = h[i + 1]!;
  for (let j = 0; j < n; j++) {
    const u = h[j]!;
    const w = g[j + WINDOW - 1]!;
    dst[start + j * step] = (u > w ? u : w) ^ flip;
  }
}

/**
 * The slant of the lines the points lie on, in whole degrees within ±45,
 * clockwise positive as sharp turns a picture: a projection-profile search, scoring each
 * angle by the sum of squares of the rows' counts, which is highest when the
 * letters' baselines and tops fall in the fewest rows.
 */
function slant(xs: readonly number[], ys: readonly number[], span: number): number {
  const rows = new Float64Array(Math.ceil(span * 1.5) + 2);
  let best = 0;
  let bestScore = -1;
  for (let deg = -45; deg <= 45; deg++) {
    const t = (deg * Math.PI) / 180;
    const sin = Math.sin(t);
    const cos = Math.cos(t);
    rows.fill(0);
    // Rows two pixels high; the offset keeps every index positive.
    for (let i = 0; i < xs.length; i++) rows[Math.floor((ys[i]! * cos - xs[i]! * sin + span) / 2)]!++;
    let score = 0;
    for (const r of rows) score += r * r;
    if (score > bestScore) {
      bestScore = score;
      best = deg;
    }
  }
  return best;
}
