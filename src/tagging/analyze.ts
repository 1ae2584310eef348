import sharp from 'sharp';
import { GOOGLE_FORMATS, MAX_DECODE_PIXELS, META_FORMATS, type ChannelRules } from './rules.js';
import { nearestShade } from './shades.js';
import { faintMarks } from './faint-marks.js';
import { flagsOf } from './text-flags.js';
import type { TextReader } from './text-reader.js';
import { unsafe, type SafetyScores } from './safety.js';

/** One rule checked against an image: which channel asks it, whether it passed, and why. */
export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

export interface Tag {
  name: string;
  value: string;
  confidence?: number;
}

export interface Analysis {
  format: string;
  width: number;
  height: number;
  bytes: number;
  checks: Check[];
  tags: Tag[];
  /** What OCR read on the image, when it was read. */
  text?: string;
  /**
   * For near-duplicates: a 64-bit difference hash (hex, to find candidates
   * fast), a 32x32 greyscale thumbnail (base64, to confirm them) and the
   * product's mean colour (a shade swap is not a duplicate).
   */
  fingerprint?: { dhash: string; thumb?: string; rgb: [number, number, number] };
}

/** Why an image could not be analysed at all. */
export class ImageError extends Error {
  constructor(readonly code: 'not_an_image' | 'corrupt' | 'too_many_pixels', message: string) {
    super(message);
  }
}

/** Edges wider than this many pixels at the 512-pixel working size are blurred (calibrated on generated packshots, bench/tagging-quality.ts). */
const BLUR_EDGE_PX = 4;
/** Less grey-level difference than this between product and background leaves no edge to judge. */
const MIN_CONTRAST = 20;
const WORK = 256;

/**
 * Everything about a product image that needs no learned model: its format,
 * pixel size and file size against Google's and Meta's rules, whether its
 * background is white or plain, whether it is blurred (the Laplacian's peak
 * over the gradient's at the strongest edges), the product's colour (on the pixels that differ from the
 * background, named by the nearest shade in CIEDE2000) and a fingerprint for
 * near-duplicates; with a TextReader, promotional text and watermarks read by
 * OCR (a second read, of the faint marks alone levelled, when the first finds
 * no watermark: see faintMarks); with `safety` (the vision pool's scores, asked for once the image is known to decode), adult content. A transparent PNG is judged on white, as the channels show
 * it; a CMYK JPEG is converted to sRGB; an animated GIF is judged on its
 * first frame and flagged.
 */
export async function analyzeImage(bytes: Buffer, rules: ChannelRules, reader?: TextReader, safety?: () => Promise<SafetyScores>): Promise<Analysis> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ImageError('not_an_image', `not an image sharp can read (${(e as Error).message.slice(0, 120)})`);
  }
  const format = meta.format ?? 'unknown';
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const megapixels = (width * height) / 1e6;
  const checks: Check[] = [
    { name: 'google.format', passed: GOOGLE_FORMATS.has(format), detail: `${format}; Merchant Center takes JPEG, WebP, PNG, GIF, BMP and TIFF` },
    { name: 'google.min_size', passed: Math.min(width, height) >= rules.googleMinSide, detail: `${width}x${height}; at least ${rules.googleMinSide}x${rules.googleMinSide}` },
    { name: 'google.max_megapixels', passed: megapixels <= rules.googleMaxMegapixels, detail: `${megapixels.toFixed(1)} MP; at most ${rules.googleMaxMegapixels}` },
    { name: 'google.max_file_size', passed: bytes.length <= rules.googleMaxBytes, detail: `${bytes.length} bytes; at most ${rules.googleMaxBytes}` },
    { name: 'meta.format', passed: META_FORMATS.has(format), detail: `${format}; Meta takes JPEG and PNG` },
    { name: 'meta.min_size', passed: Math.min(width, height) >= rules.metaMinSide, detail: `${width}x${height}; at least ${rules.metaMinSide}x${rules.metaMinSide}` },
    { name: 'meta.recommended_size', passed: Math.min(width, height) >= rules.metaRecommendedSide, detail: `${width}x${height}; ${rules.metaRecommendedSide}x${rules.metaRecommendedSide} recommended` },
    { name: 'single_frame', passed: (meta.pages ?? 1) <= 1, detail: (meta.pages ?? 1) > 1 ? `animated: ${meta.pages} frames; a product image is a still` : 'one frame' },
  ];
  const tags: Tag[] = [{ name: 'orientation', value: width === height ? 'square' : width > height ? 'landscape' : 'portrait' }];
  if (width * height > MAX_DECODE_PIXELS) {
    throw new ImageError('too_many_pixels', `${width}x${height} (${megapixels.toFixed(0)} MP) is past the ${MAX_DECODE_PIXELS / 1e6} MP Rouge decodes; the channels refuse it too (at most ${rules.googleMaxMegapixels} MP)`);
  }
  let pixels: Buffer;
  let grey: Buffer;
  let greyWidth = 512;
  try {
    // The first frame, upright, on white (transparency shows white on the channels), in sRGB whatever it was stored in.
    const base = () => sharp(bytes, { limitInputPixels: false, pages: 1 }).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
    pixels = await base().resize(WORK, WORK, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    grey = await base().resize(512, 512, { fit: 'inside' }).greyscale().raw().toBuffer({ resolveWithObject: true }).then(({ data, info }) => { greyWidth = info.width; return data; });
  } catch (e) {
    throw new ImageError('corrupt', `the image could not be decoded (${(e as Error).message.slice(0, 120)}): truncated or damaged`);
  }
  const bg = background(pixels);
  checks.push({ name: 'background.white_or_plain', passed: bg.kind !== 'busy', detail: `${bg.kind} background (border spread ${bg.spread.toFixed(1)})` });
  tags.push({ name: 'background', value: bg.kind });
  const fg = foreground(pixels, bg.rgb);
  const contrast = fg ? Math.abs(luma(fg.rgb) - luma(bg.rgb)) : 0;
  const slope = steepestSlope(grey, greyWidth);
  // Without contrast between product and background there is no edge to judge focus by.
  const edgeWidth = contrast < MIN_CONTRAST ? 0 : contrast / Math.max(slope, 0.5);
  const blurry = edgeWidth > BLUR_EDGE_PX;
  checks.push({ name: 'sharp_focus', passed: !blurry, detail: contrast < MIN_CONTRAST ? 'too little contrast between product and background to judge' : `edges ${edgeWidth.toFixed(1)} px wide at 512 px; over ${BLUR_EDGE_PX} is blurred` });
  let rgb: [number, number, number] = bg.rgb;
  if (fg) {
    rgb = fg.rgb;
    const shade = nearestShade(...fg.rgb);
    tags.push({ name: 'colour_family', value: shade.family, confidence: confidence(shade.distance) }, { name: 'shade', value: shade.name, confidence: confidence(shade.distance) });
  }
  let text: string | undefined;
  let overlay = false;
  if (reader) {
    const read = await reader.read(bytes);
    let f = flagsOf(read.text, read.confidence);
    if (!f.watermark) {
      // A light mark across the product, or turned on the diagonal, is lost in the plain read: read the faint marks alone, levelled.
      const marks = await faintMarks(grey, greyWidth);
      const m = marks && (await reader.recognize(marks.png).then((r) => flagsOf(r.text, r.confidence)));
      if (m?.watermark) f = { ...f, hasText: true, watermark: true, words: `${f.words} ${m.words}`.trim().slice(0, 200) };
    }
    text = f.words;
    overlay = f.hasText;
    checks.push(
      { name: 'google.no_promotional_overlay', passed: !f.promotional, detail: f.promotional ? `promotional text: "${f.words.slice(0, 80)}"` : 'no promotional text' },
      { name: 'google.no_watermark', passed: !f.watermark, detail: f.watermark ? `a watermark: "${f.words.slice(0, 80)}"` : 'no watermark' },
      { name: 'meta.no_text', passed: !f.hasText, detail: f.hasText ? `text on the image: "${f.words.slice(0, 80)}"` : 'no text' },
    );
    tags.push({ name: 'text_overlay', value: f.hasText ? 'yes' : 'no' }, { name: 'promotional_text', value: f.promotional ? 'yes' : 'no' }, { name: 'watermark', value: f.watermark ? 'yes' : 'no' });
  }
  if (safety) {
    const s = await safety();
    const bad = unsafe(s);
    checks.push({ name: 'safe_content', passed: !bad, detail: `adult ${(s.porn + s.hentai).toFixed(2)}, suggestive ${s.sexy.toFixed(2)} (nsfwjs); neither channel takes adult content` });
    tags.push({ name: 'safe_content', value: bad ? 'no' : s.sexy >= 0.6 ? 'suggestive' : 'yes', confidence: Math.round(Math.max(s.porn + s.hentai, 1 - s.porn - s.hentai) * 100) / 100 });
  }
  const quality = !checks.find((c) => c.name === 'google.min_size')!.passed ? 'low-res' : blurry ? 'blurry' : overlay ? 'text-overlay' : 'ok';
  tags.push({ name: 'image_quality', value: quality });
  return { format, width, height, bytes: bytes.length, checks, tags, ...(text !== undefined ? { text } : {}), fingerprint: { dhash: await dhash(bytes), thumb: await thumbnail(bytes), rgb } };
}

/** A shade near its palette colour is named with confidence; a far one is a guess. */
function confidence(distance: number): number {
  return Math.round(Math.max(0.05, 1 - distance / 40) * 100) / 100;
}

/** The border ring's mean colour and spread: white, plain (one colour) or busy. */
function background(p: Buffer): { kind: 'white' | 'plain' | 'busy'; rgb: [number, number, number]; spread: number } {
  const ring = Math.max(2, Math.round(WORK * 0.04));
  let n = 0;
  const sum = [0, 0, 0];
  const sq = [0, 0, 0];
  for (let y = 0; y < WORK; y++) {
    for (let x = 0; x < WORK; x++) {
      if (x >= ring && x < WORK - ring && y >= ring && y < WORK - ring) continue;
      const i = (y * WORK + x) * 3;
      for (let c = 0; c < 3; c++) {
        sum[c]! += p[i + c]!;
        sq[c]! += p[i + c]! ** 2;
      }
      n++;
    }
  }
  const mean = sum.map((s) => s / n) as [number, number, number];
  const spread = Math.sqrt(sq.reduce((acc, s, c) => acc + s / n - mean[c]! ** 2, 0) / 3);
  const white = mean.every((m) => m > 235) && spread < 12;
  return { kind: white ? 'white' : spread < 12 ? 'plain' : 'busy', rgb: mean.map(Math.round) as [number, number, number], spread };
}

/** The mean colour of pixels clearly unlike the background: the product. */
function foreground(p: Buffer, bg: [number, number, number]): { rgb: [number, number, number]; share: number } | undefined {
  const sum = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < p.length; i += 3) {
    const d = Math.abs(p[i]! - bg[0]) + Math.abs(p[i + 1]! - bg[1]) + Math.abs(p[i + 2]! - bg[2]);
    if (d < 60) continue;
    sum[0]! += p[i]!;
    sum[1]! += p[i + 1]!;
    sum[2]! += p[i + 2]!;
    n++;
  }
  if (n < (p.length / 3) * 0.01) return undefined;
  return { rgb: sum.map((s) => Math.round(s / n)) as [number, number, number], share: n / (p.length / 3) };
}

/**
 * The steepest slope of the image's edges (grey levels per pixel at the
 * 512-pixel working size), at the 99.9th percentile so a few noisy pixels do
 * not decide. Divided into the contrast between product and background it
 * gives the edges' width in pixels: about 2 when sharp, growing with blur
 * (2.5 sigma). The usual variance of the Laplacian also counts how many
 * edges there are, so a plain packshot, one product on white, reads as blurred.
 */
function steepestSlope(g: Buffer, width: number): number {
  const height = Math.floor(g.length / width);
  const slopes: number[] = [];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const gx = (g[i + 1]! - g[i - 1]!) / 2;
      const gy = (g[i + width]! - g[i - width]!) / 2;
      const m = Math.sqrt(gx * gx + gy * gy);
      if (m >= 1) slopes.push(m);
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  return slopes[Math.floor(slopes.length * 0.999)]!;
}

const luma = (c: readonly [number, number, number]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];

/** A 32x32 greyscale thumbnail, base64: two pictures of the same thing differ little pixel by pixel. */
async function thumbnail(bytes: Buffer): Promise<string> {
  return (await sharp(bytes, { limitInputPixels: false, pages: 1 }).flatten({ background: '#ffffff' }).greyscale().resize(32, 32, { fit: 'fill' }).raw().toBuffer()).toString('base64');
}

/** The 64-bit difference hash of a 9x8 greyscale thumbnail, as hex. */
async function dhash(bytes: Buffer): Promise<string> {
  const g = await sharp(bytes, { limitInputPixels: false, pages: 1 }).flatten({ background: '#ffffff' }).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let bits = 0n;
  // A margin of a few grey levels: on a flat background, JPEG noise would otherwise decide half the bits.
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) bits = (bits << 1n) | (g[y * 9 + x]! > g[y * 9 + x + 1]! + 3 ? 1n : 0n);
  return bits.toString(16).padStart(16, '0');
}
