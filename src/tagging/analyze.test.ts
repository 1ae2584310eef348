import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeImage, ImageError } from './analyze.js';
import { DEFAULT_RULES } from './rules.js';
import { flagsOf } from './text-flags.js';
import { TextReader } from './text-reader.js';
import { unsafe } from './safety.js';
import { VisionPool } from './vision/pool.js';

/** A packshot: a product-coloured bar on a background, as the generated bench images are. */
async function packshot(opts: { size?: number; bg?: string; product?: string; blur?: number; format?: 'png' | 'jpeg' | 'webp'; alpha?: boolean } = {}): Promise<Buffer> {
  const size = opts.size ?? 800;
  const bar = await sharp({ create: { width: Math.round(size * 0.3), height: Math.round(size * 0.6), channels: 3, background: opts.product ?? '#c1121f' } }).png().toBuffer();
  let img = sharp({ create: { width: size, height: size, channels: opts.alpha ? 4 : 3, background: opts.alpha ? { r: 0, g: 0, b: 0, alpha: 0 } : opts.bg ?? '#ffffff' } })
    .composite([{ input: bar, gravity: 'centre' }]);
  if (opts.blur) img = sharp(await img.png().toBuffer()).blur(opts.blur);
  return opts.format === 'jpeg' ? img.jpeg().toBuffer() : opts.format === 'webp' ? img.webp().toBuffer() : img.png().toBuffer();
}

const check = (a: { checks: Array<{ name: string; passed: boolean }> }, name: string) => a.checks.find((c) => c.name === name)?.passed;
const tag = (a: { tags: Array<{ name: string; value: string }> }, name: string) => a.tags.find((t) => t.name === name)?.value;

describe('analyzeImage', () => {
  it('passes a sharp white-background packshot of a red lipstick, and names its colour from the product, not the background', async () => {
    const a = await analyzeImage(await packshot(), DEFAULT_RULES);
    expect(a).toMatchObject({ format: 'png', width: 800, height: 800 });
    expect(a.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['meta.recommended_size']);
    expect(tag(a, 'background')).toBe('white');
    expect(tag(a, 'colour_family')).toBe('red');
    expect(tag(a, 'image_quality')).toBe('ok');
    expect(a.fingerprint?.dhash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('flags low resolution, blur and a busy or coloured background', async () => {
    const small = await analyzeImage(await packshot({ size: 300 }), DEFAULT_RULES);
    expect(check(small, 'google.min_size')).toBe(false);
    expect(check(small, 'meta.min_size')).toBe(false);
    expect(tag(small, 'image_quality')).toBe('low-res');
    const blurred = await analyzeImage(await packshot({ blur: 12 }), DEFAULT_RULES);
    expect(check(blurred, 'sharp_focus')).toBe(false);
    expect(tag(blurred, 'image_quality')).toBe('blurry');
    const pink = await analyzeImage(await packshot({ bg: '#f8c8dc', product: '#1f2f5c' }), DEFAULT_RULES);
    expect(tag(pink, 'background')).toBe('plain');
    expect(tag(pink, 'colour_family')).toBe('blue');
  });

  it('reads a transparent PNG on white, a CMYK JPEG in sRGB and an animated GIF by its first frame', async () => {
    const clear = await analyzeImage(await packshot({ alpha: true }), DEFAULT_RULES);
    expect(tag(clear, 'background')).toBe('white');
    const cmyk = await analyzeImage(await sharp(await packshot({ format: 'jpeg' })).toColourspace('cmyk').jpeg().toBuffer(), DEFAULT_RULES);
    expect(tag(cmyk, 'colour_family')).toBe('red');
    const gif = await sharp([await packshot({ size: 600 }), await packshot({ size: 600, product: '#1f4fbf' })], { join: { animated: true } }).gif().toBuffer();
    const animated = await analyzeImage(gif, DEFAULT_RULES);
    expect(animated.format).toBe('gif');
    expect(check(animated, 'single_frame')).toBe(false);
    expect(check(animated, 'meta.format')).toBe(false);
  });

  it('refuses a non-image, a truncated or corrupt image and a 20,000 x 20,000 image with a clear error, without decoding the giant', async () => {
    const code = async (b: Buffer) => analyzeImage(b, DEFAULT_RULES).then(() => 'analysed', (e: unknown) => (e instanceof ImageError ? e.code : String(e)));
    expect(await code(Buffer.from('<html><body>Not found</body></html>'))).toBe('not_an_image');
    const jpeg = await packshot({ format: 'jpeg' });
    expect(await code(jpeg.subarray(0, Math.floor(jpeg.length / 3)))).toBe('corrupt');
    // A PNG whose header claims 20,000 x 20,000 (400 MP) with a scrap of data: the header alone is read.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20_000, 0);
    ihdr.writeUInt32BE(20_000, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      return Buffer.concat([len, Buffer.from(type), data, Buffer.alloc(4)]);
    };
    const giant = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1000))), chunk('IEND', Buffer.alloc(0))]);
    expect(await code(giant)).toBe('too_many_pixels');
  });
});

/** A packshot with text drawn over it, as SVG: a promotional banner, or a photographer's stamp in a corner. */
async function withText(kind: 'promo' | 'watermark'): Promise<Buffer> {
  const text = kind === 'promo'
    ? '<text x="60" y="130" font-size="96" font-family="DejaVu Sans, sans-serif" font-weight="bold" fill="#e01010">SALE -50%</text>'
    : '<text x="420" y="760" font-size="40" font-family="DejaVu Sans, sans-serif" fill="#000" fill-opacity="0.5">© studio.com</text>';
  const svg = `<svg width="800" height="800" xmlns="http://www.w3.org/2000/svg"><rect width="800" height="800" fill="white"/><rect x="280" y="160" width="240" height="480" fill="#c1121f"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).jpeg().toBuffer();
}

/** A packshot with a stock agency's mark across it: black at 40% opacity, turned 25 degrees, as the bench's diagonal marks are. */
async function diagonalMark(product: string, text: string): Promise<Buffer> {
  const mark = text ? `<text x="130" y="470" font-size="76" font-family="DejaVu Sans, sans-serif" fill="#000" fill-opacity="0.4" transform="rotate(-25 400 400)">${text}</text>` : '';
  const svg = `<svg width="800" height="800" xmlns="http://www.w3.org/2000/svg"><rect width="800" height="800" fill="white"/><ellipse cx="400" cy="400" rx="170" ry="260" fill="${product}"/>${mark}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

describe('promotional text and watermarks (OCR)', () => {
  const reader = new TextReader(1);
  afterAll(() => reader.close());

  it('reads a promotional overlay and a watermark, and nothing on a clean packshot', async () => {
    const promo = await analyzeImage(await withText('promo'), DEFAULT_RULES, reader);
    expect(check(promo, 'google.no_promotional_overlay')).toBe(false);
    expect(check(promo, 'meta.no_text')).toBe(false);
    expect(tag(promo, 'image_quality')).toBe('text-overlay');
    const mark = await analyzeImage(await withText('watermark'), DEFAULT_RULES, reader);
    expect(check(mark, 'google.no_watermark')).toBe(false);
    const clean = await analyzeImage(await packshot(), DEFAULT_RULES, reader);
    expect(clean.checks.filter((c) => c.name.includes('text') || c.name.includes('watermark') || c.name.includes('promotional')).every((c) => c.passed)).toBe(true);
    expect(tag(clean, 'text_overlay')).toBe('no');
  }, 60_000);

  it('reads a light diagonal mark across the product, and still nothing on a clean packshot', async () => {
    const mark = await analyzeImage(await diagonalMark('#c1121f', 'shutterstock'), DEFAULT_RULES, reader);
    expect(check(mark, 'google.no_watermark')).toBe(false);
    expect(tag(mark, 'watermark')).toBe('yes');
    expect(mark.text).toMatch(/shutterstock/i);
    const clean = await analyzeImage(await diagonalMark('#c1121f', ''), DEFAULT_RULES, reader);
    expect(check(clean, 'google.no_watermark')).toBe(true);
    expect(tag(clean, 'text_overlay')).toBe('no');
  }, 60_000);

  it('calls words promotional or a watermark by what they say, and ignores OCR noise', () => {
    expect(flagsOf('FREE SHIPPING', 90)).toMatchObject({ hasText: true, promotional: true, watermark: false });
    expect(flagsOf('Buy 1 Get 1', 88)).toMatchObject({ promotional: true });
    expect(flagsOf('₹499 only', 85)).toMatchObject({ promotional: true });
    expect(flagsOf('www.example.com', 80)).toMatchObject({ watermark: true });
    expect(flagsOf('Velvet Matte', 85)).toMatchObject({ hasText: true, promotional: false, watermark: false });
    expect(flagsOf('| l ,', 40)).toMatchObject({ hasText: false });
    expect(flagsOf('SALE', 20)).toMatchObject({ hasText: false, promotional: false });
    // A photographer's credit, the sign read apart from the name; a ring read as a sign alone is no text.
    expect(flagsOf('© Lumen Photo', 90)).toMatchObject({ hasText: true, watermark: true });
    expect(flagsOf('"© Lumen Photo', 90)).toMatchObject({ watermark: true });
    expect(flagsOf('2 ©', 90)).toMatchObject({ hasText: false, watermark: false });
    expect(flagsOf('_shutterstock', 80)).toMatchObject({ watermark: true });
  });
});

describe('safe content (nsfwjs, on the vision threads)', () => {
  it('scores a plain packshot as safe, with the check and tag recorded', async () => {
    const pool = new VisionPool(1);
    const bytes = await packshot();
    const a = await analyzeImage(bytes, DEFAULT_RULES, undefined, async () => (await pool.see(bytes)).safety).finally(() => pool.close());
    expect(check(a, 'safe_content')).toBe(true);
    expect(tag(a, 'safe_content')).toBe('yes');
    expect(unsafe({ drawing: 0, hentai: 0.3, neutral: 0.1, porn: 0.3, sexy: 0.3 })).toBe(true);
    expect(unsafe({ drawing: 0.1, hentai: 0, neutral: 0.2, porn: 0.05, sexy: 0.65 })).toBe(false);
  }, 60_000);
});
