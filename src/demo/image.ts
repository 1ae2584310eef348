import sharp from 'sharp';
import { itemColour } from './colour.js';
import { typeOfPath, type Shape } from './product-types.js';
import { SHAPES } from './shapes.js';
import type { DemoItem } from './types.js';

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
// DejaVu first: it is what Debian images have; librsvg falls back through the list otherwise.
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** The packshot as SVG, 1024 units square, rendered at `size` pixels. */
export function demoImageSvg(item: Pick<DemoItem, 'id' | 'title' | 'brand' | 'categoryPath' | 'attributes'>, size = 1024): string {
  const type = typeOfPath(item.categoryPath);
  const shape: Shape = type?.shape ?? 'bottle';
  const colour = itemColour(item.id, item.attributes);
  const label = [type?.name ?? item.categoryPath[item.categoryPath.length - 1], item.attributes.shade ?? item.attributes.variant ?? item.attributes.edition]
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .join(' · ')
    .slice(0, 60);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 1024 1024">
  <defs><radialGradient id="sheen" cx="0.35" cy="0.3" r="0.8"><stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>
  <rect width="1024" height="1024" fill="#ffffff"/>
  <ellipse cx="512" cy="826" rx="270" ry="20" fill="#000" opacity="0.08"/>
  ${SHAPES[shape](colour)}
  <text x="512" y="915" font-family="${FONT}" font-size="60" font-weight="bold" letter-spacing="6" text-anchor="middle" fill="#222">${escapeXml(item.brand.toUpperCase().slice(0, 28))}</text>
  <text x="512" y="975" font-family="${FONT}" font-size="32" text-anchor="middle" fill="#777">${escapeXml(label)}</text>
</svg>`;
}

/**
 * A product packshot for a demo item: a PNG, `size` pixels square (default
 * 1024), a shape for its type (lipstick bullet, pump bottle, compact...) in its
 * shade's colour on white, with the brand name. The same item gives the same
 * bytes on one machine; text is drawn with the fonts installed, so another
 * machine's fonts may change the pixels of the lettering.
 *
 * @example
 * reply.type('image/png').send(await demoImagePng(item));
 */
export async function demoImagePng(item: Pick<DemoItem, 'id' | 'title' | 'brand' | 'categoryPath' | 'attributes'>, size = 1024): Promise<Buffer> {
  if (!Number.isInteger(size) || size < 16 || size > 4096) throw new RangeError(`image size must be a whole number of pixels from 16 to 4096, got ${size}`);
  // Flat colours compress well at a low level; level 6 (the default) costs more time than it saves bytes here.
  return sharp(Buffer.from(demoImageSvg(item, size))).png({ compressionLevel: 3, adaptiveFiltering: false }).toBuffer();
}
