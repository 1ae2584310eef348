import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { faintMarks } from './faint-marks.js';

/** A packshot with a stock agency's mark across it: black at 40% opacity, turned 25 degrees anticlockwise. */
async function diagonalMark(product: string, text: string): Promise<Buffer> {
  const mark = text ? `<text x="130" y="470" font-size="76" font-family="DejaVu Sans, sans-serif" fill="#000" fill-opacity="0.4" transform="rotate(-25 400 400)">${text}</text>` : '';
  const svg = `<svg width="800" height="800" xmlns="http://www.w3.org/2000/svg"><rect width="800" height="800" fill="white"/><ellipse cx="400" cy="400" rx="170" ry="260" fill="${product}"/>${mark}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/** The picture as analyzeImage hands it over: greyscale, 512 px across. */
async function grey(bytes: Buffer): Promise<[Buffer, number]> {
  const { data, info } = await sharp(bytes).resize(512, 512, { fit: 'inside' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return [data, info.width];
}

describe('faintMarks', () => {
  it('finds a light diagonal mark across a product, and the angle that levels it', async () => {
    const marks = await faintMarks(...(await grey(await diagonalMark('#1f4fbf', 'PREVIEW'))));
    expect(marks).toBeDefined();
    expect(marks!.angle).toBeGreaterThanOrEqual(22);
    expect(marks!.angle).toBeLessThanOrEqual(28);
    // Levelled and cropped to the line of text: much wider than high.
    const { width, height } = await sharp(marks!.png).metadata();
    expect(width! / height!).toBeGreaterThan(3);
  });

  it('turns the other way for a mark that falls to the right', async () => {
    const svg = `<svg width="800" height="800" xmlns="http://www.w3.org/2000/svg"><rect width="800" height="800" fill="white"/><rect x="250" y="150" width="300" height="500" fill="#e0a030"/><text x="120" y="420" font-size="76" font-family="DejaVu Sans, sans-serif" fill="#000" fill-opacity="0.35" transform="rotate(30 400 400)">SAMPLE</text></svg>`;
    const marks = await faintMarks(...(await grey(await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer())));
    expect(marks!.angle).toBeGreaterThanOrEqual(-33);
    expect(marks!.angle).toBeLessThanOrEqual(-27);
  });

  it('finds nothing on a clean packshot: a product edge is not a mark', async () => {
    expect(await faintMarks(...(await grey(await diagonalMark('#c1121f', ''))))).toBeUndefined();
    expect(await faintMarks(...(await grey(await diagonalMark('#141414', ''))))).toBeUndefined();
  });
});
