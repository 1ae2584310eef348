/**
 * Generated product images for the tagging benches, each with its truth: a
 * packshot (a product shape in a colour, on white) and the variants the
 * analyzers must catch: a promotional overlay, a watermark, blur, a coloured
 * background, low resolution, a near-duplicate (resized and recompressed),
 * and the same packshot in another shade (which is not a duplicate).
 */
import sharp from 'sharp';
import { SHADES } from '../../src/tagging/shades.js';

export type Flag = 'promo' | 'watermark' | 'blur' | 'background' | 'lowres' | 'duplicate';
export interface Sample {
  id: string;
  bytes: Buffer;
  flags: Set<Flag>;
  family: string;
  /** For duplicates: the sample it copies. */
  of?: string;
}

const PROMOS = ['SALE', '50% OFF', 'FREE SHIPPING', 'BUY 1 GET 1', 'DEAL OF THE DAY', '-20%', 'LIMITED OFFER', 'SAVE 30%', 'BEST SELLER', 'NEW ARRIVAL'];
const MARKS = ['© studio.com', 'SAMPLE', 'www.beautyshots.in', '© Lumen Photo', 'PREVIEW', 'shutterstock'];
const BACKGROUNDS = ['#f8c8dc', '#cfe8ff', '#fff1b8', '#d8f3dc', '#e5e5e5', '#2b2d42', '#ffd6a5', '#b8c0ff'];

/** A small seeded PRNG: the same samples on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Product geometry per sample, so distinct products do not look alike by chance: position and proportions. */
let geometry: () => number = () => 0.5;

function svg(size: number, bg: string, colour: string, shape: number, overlay = '', geo: readonly number[] = [geometry(), geometry(), geometry()]): Buffer {
  const c = size * (0.42 + geo[0]! * 0.16);
  const w = 0.2 + geo[1]! * 0.16;
  const h = 0.5 + geo[2]! * 0.2;
  const product = [
    `<rect x="${c - size * w / 2}" y="${size * (1 - h) / 2}" width="${size * w}" height="${size * h}" rx="${size * 0.03}" fill="${colour}"/>`,
    `<ellipse cx="${c}" cy="${size / 2}" rx="${size * w}" ry="${size * h / 2}" fill="${colour}"/>`,
    `<rect x="${c - size * w}" y="${size * 0.3}" width="${size * w * 2}" height="${size * h * 0.7}" rx="${size * 0.08}" fill="${colour}"/><rect x="${c - size * 0.06}" y="${size * 0.18}" width="${size * 0.12}" height="${size * 0.12}" fill="#222"/>`,
    `<path d="M ${c - size * w} ${size * 0.8} L ${c} ${size * (0.8 - h)} L ${c + size * w} ${size * 0.8} Z" fill="${colour}"/>`,
  ][shape % 4];
  return Buffer.from(`<svg width="${size}" height="${size}" xmlns="http://www.w3.org/2000/svg"><rect width="${size}" height="${size}" fill="${bg}"/>${product}${overlay}</svg>`);
}

/** `perFlag` images of each kind plus as many clean packshots, 1000x1000 unless low-res. */
export async function generate(perFlag: number, seed = 7): Promise<Sample[]> {
  const r = rng(seed);
  geometry = rng(seed + 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: Sample[] = [];
  const cleanGeo: number[][] = [];
  const shade = () => pick(SHADES.filter((s) => !['white', 'silver', 'grey'].includes(s.family)));
  const jpeg = (b: Buffer, q = 90) => sharp(b).jpeg({ quality: q }).toBuffer();
  for (let i = 0; i < perFlag; i++) {
    const s = shade();
    cleanGeo.push([geometry(), geometry(), geometry()]);
    out.push({ id: `clean-${i}`, bytes: await jpeg(svg(1000, '#ffffff', s.hex, i, '', cleanGeo[i])), flags: new Set(), family: s.family });
  }
  for (let i = 0; i < perFlag; i++) {
    const s = shade();
    const size = 56 + Math.floor(r() * 30);
    const text = `<text x="${40 + r() * 60}" y="${170 + r() * 40}" font-size="${size}" font-family="DejaVu Sans, sans-serif" font-weight="bold" fill="${pick(['#e01010', '#111', '#ff6a00', '#1040c0'])}">${pick(PROMOS)}</text>`;
    out.push({ id: `promo-${i}`, bytes: await jpeg(svg(1000, '#ffffff', s.hex, i, text)), flags: new Set(['promo']), family: s.family });
  }
  for (let i = 0; i < perFlag; i++) {
    const s = shade();
    // Half are a photographer's or agency's stamp in a corner, half a light diagonal mark across the product.
    const text = i % 2 === 0
      ? `<text x="${560 - r() * 60}" y="${940 - r() * 30}" font-size="${34 + Math.floor(r() * 12)}" font-family="DejaVu Sans, sans-serif" fill="#000" fill-opacity="${(0.45 + r() * 0.3).toFixed(2)}">${pick(MARKS)}</text>`
      : `<text x="${120 + r() * 80}" y="${560 + r() * 80}" font-size="${64 + Math.floor(r() * 30)}" font-family="DejaVu Sans, sans-serif" fill="#000" fill-opacity="${(0.3 + r() * 0.3).toFixed(2)}" transform="rotate(${-35 + r() * 20} 500 500)">${pick(MARKS)}</text>`;
    out.push({ id: `mark-${i}`, bytes: await jpeg(svg(1000, '#ffffff', s.hex, i, text)), flags: new Set(['watermark']), family: s.family });
  }
  for (let i = 0; i < perFlag; i++) {
    const s = shade();
    out.push({ id: `blur-${i}`, bytes: await sharp(svg(1000, '#ffffff', s.hex, i)).blur(6 + r() * 10).jpeg({ quality: 90 }).toBuffer(), flags: new Set(['blur']), family: s.family });
  }
  for (let i = 0; i < perFlag; i++) {
    const s = shade();
    const bg = pick(BACKGROUNDS);
    // A coloured, and half the time textured, backdrop: neither white nor plain is a studio packshot.
    const texture = i % 2 ? `<g fill-opacity="0.5">${Array.from({ length: 30 }, () => `<circle cx="${r() * 1000}" cy="${r() * 1000}" r="${20 + r() * 60}" fill="${pick(BACKGROUNDS)}"/>`).join('')}</g>` : '';
    const b = svg(1000, bg, s.hex, i).toString().replace('</svg>', '').replace(/(<rect width="1000" height="1000" fill="[^"]+"\/>)/, `$1${texture}`) + '</svg>';
    out.push({ id: `background-${i}`, bytes: await jpeg(Buffer.from(b)), flags: new Set(['background']), family: s.family });
  }
  for (let i = 0; i < perFlag; i++) {
    const s = shade();
    const size = 150 + Math.floor(r() * 300);
    out.push({ id: `lowres-${i}`, bytes: await jpeg(svg(size, '#ffffff', s.hex, i)), flags: new Set(['lowres']), family: s.family });
  }
  // Duplicates of the clean packshots (resized, recompressed, slightly cropped); the same packshot in another shade is not one.
  for (let i = 0; i < perFlag; i++) {
    const src = out[i]!;
    const size = 800 + Math.floor(r() * 200);
    const copy = await sharp(src.bytes).extract({ left: 10, top: 10, width: 980, height: 980 }).resize(size, size).jpeg({ quality: 70 + Math.floor(r() * 20) }).toBuffer();
    // Both of a pair are duplicates: each is the other's.
    src.flags.add('duplicate');
    out.push({ id: `duplicate-${i}`, bytes: copy, flags: new Set(['duplicate']), family: src.family, of: src.id });
    let other = shade();
    while (other.family === src.family) other = shade();
    out.push({ id: `shade-swap-${i}`, bytes: await jpeg(svg(1000, '#ffffff', other.hex, i, '', cleanGeo[i])), flags: new Set(), family: other.family });
  }
  return out;
}
