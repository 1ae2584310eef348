import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { generateCatalog } from './catalog.js';
import { demoImagePng } from './image.js';

const items = generateCatalog({ baseUrl: 'http://localhost:8080', items: 300 });
const lipstick = items.find((i) => i.categoryPath[2] === 'Lipstick')!;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('demoImagePng', () => {
  it('renders a 1024 x 1024 PNG', async () => {
    const png = await demoImagePng(lipstick);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
  });

  it('renders the same bytes for the same item and different ones for another', async () => {
    const [a, b, other] = await Promise.all([demoImagePng(lipstick), demoImagePng(lipstick), demoImagePng(items.find((i) => i.categoryPath[0] === 'Hair Care')!)]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(other)).toBe(false);
  });

  it('paints the product in its shade on a white background', async () => {
    const { data, info } = await sharp(await demoImagePng(lipstick, 256)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([256, 256]);
    const pixel = (x: number, y: number) => `#${[0, 1, 2].map((c) => (data[(y * info.width + x) * 3 + c] as number).toString(16).padStart(2, '0')).join('')}`;
    expect(pixel(2, 2)).toBe('#ffffff');
    let shadePixels = 0;
    for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) if (pixel(x, y) === lipstick.attributes.colorHex) shadePixels++;
    expect(shadePixels).toBeGreaterThan(200);
  });

  it('draws an item of any category, and a brand with markup as text', async () => {
    const odd = { id: 'X-1', title: 'Thing', brand: '<b>&"Odd"</b>', categoryPath: ['Garden'], attributes: { colorHex: 'red" onload="x' } };
    const { width, height } = await sharp(await demoImagePng(odd)).metadata();
    expect([width, height]).toEqual([1024, 1024]);
  });

  it('refuses a size outside 16 to 4096 pixels', async () => {
    await expect(demoImagePng(lipstick, 0)).rejects.toThrow(RangeError);
  });
});
