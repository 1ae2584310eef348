import type { Brand, PriceTier } from './brands.js';
import { GIFT_SET, type ProductType } from './product-types.js';
import type { Random } from './random.js';
import { isColourFamily, SHADES, type Shade } from './shades.js';
import type { DemoItem } from './types.js';

/** Where in a type's price range each tier shops: budget brands overlap mid ones, as on a real shelf. */
const TIER_BAND: Record<PriceTier, [number, number]> = { budget: [0, 0.3], mid: [0.15, 0.6], premium: [0.45, 1] };
const OUT_OF_STOCK = 0.08;

/** The part of an item that depends on where Rouge serves the demo. */
export function links(baseUrl: string, id: string): Pick<DemoItem, 'link' | 'imageLink'> {
  return { link: `${baseUrl}/demo/products/${id}`, imageLink: `${baseUrl}/demo/images/${id}.png` };
}

/**
 * A shelf price in whole rupees, ending in 9 as Indian beauty prices do
 * (249, 1299), within the type's range and Rouge's 99 to 4,999 demo bounds.
 */
export function shelfPrice(rng: Random, type: ProductType, tier: PriceTier): number {
  const [lo, hi] = TIER_BAND[tier];
  const f = lo + (hi - lo) * rng.next();
  const raw = type.rupees[0] + (type.rupees[1] - type.rupees[0]) * f;
  const step = raw < 500 ? 50 : 100;
  return Math.min(4999, Math.max(99, Math.round(raw / step) * step - 1));
}

/** One regular item of a type by a brand. */
export function makeItem(rng: Random, id: string, type: ProductType, brand: Brand, baseUrl: string): DemoItem {
  const shade = rng.pick(SHADES[type.shades]);
  const finish = type.finishes.length > 0 ? rng.pick(type.finishes) : '';
  const line = type.lines.length > 0 ? rng.pick(type.lines) : '';
  const size = rng.pick(type.sizes);
  const sized = `${size}${type.unit}`;
  const gender = type.gendered ? rng.pick(['men', 'men', 'women', 'women', 'women', 'unisex'] as const) : undefined;
  const isColour = isColourFamily(type.shades);
  const title = gender
    ? `${shade.name} ${gender === 'unisex' ? `Unisex ${type.name}` : `${type.name} for ${gender === 'men' ? 'Men' : 'Women'}`} - ${finish} ${sized} by ${brand.name}`
    : `${[line, finish, type.name].filter(Boolean).join(' ')} - ${shade.name} ${sized} by ${brand.name}`;
  const vegan = rng.chance(0.3);
  const attributes: DemoItem['attributes'] = {
    [isColour ? 'shade' : 'variant']: shade.name,
    [isColour ? 'shadeFamily' : 'benefit']: shade.family,
    colorHex: shade.hex,
    [type.unit === 'g' ? 'sizeG' : 'sizeMl']: size,
    vegan,
    crueltyFree: vegan || rng.chance(0.5),
  };
  if (finish) attributes.finish = finish;
  if (gender) attributes.gender = gender;
  const spf = /SPF (\d+)/.exec(`${shade.name} ${finish}`);
  if (spf) attributes.spf = Number(spf[1]);
  return {
    id,
    title,
    description: `${type.blurb} ${describe(shade, finish, sized, isColour, gender)}${vegan ? ' Vegan and cruelty-free.' : ''}`,
    brand: brand.name,
    categoryPath: [...type.categoryPath],
    price: { amount: shelfPrice(rng, type, brand.tier) * 100, currency: 'INR' },
    availability: rng.chance(OUT_OF_STOCK) ? 'out_of_stock' : 'in_stock',
    ...links(baseUrl, id),
    condition: 'new',
    attributes,
  };
}

function describe(shade: Shade, finish: string, sized: string, isColour: boolean, gender: string | undefined): string {
  if (gender) return `${shade.name} is a ${shade.family} scent${gender === 'unisex' ? ' for everyone' : ` for ${gender}`}, ${finish.toLowerCase()}, ${sized}.`;
  if (isColour) return `Shade ${shade.name}${finish ? ` in a ${finish.toLowerCase()} finish` : ''}, ${sized}.`;
  return `${shade.name} formula${finish ? `, ${finish.toLowerCase()}` : ''}, ${sized}.`;
}

/** A gift set holding the named types: its title names them all ("Lipstick & Kajal Gift Set"). */
export function makeGiftSet(rng: Random, id: string, contents: readonly ProductType[], brand: Brand, baseUrl: string): DemoItem {
  const names = contents.map((t) => t.name);
  const joined = names.length === 2 ? `${names[0]} & ${names[1]}` : `${names.slice(0, -1).join(', ')} & ${names[names.length - 1]}`;
  const edition = rng.pick(SHADES.gift);
  const kind = names.length > 2 ? 'Kit' : 'Gift Set';
  // Priced near the sum of its parts, rounded to a price ending in 99.
  const parts = contents.reduce((sum, t) => sum + shelfPrice(rng, t, brand.tier), 0);
  const rupees = Math.min(4999, Math.max(799, Math.round(parts / 100) * 100 - 1));
  return {
    id,
    title: `${joined} ${kind} - ${edition.name} by ${brand.name}`,
    description: `${GIFT_SET.blurb} Holds ${names.map((n) => `a ${n.toLowerCase()}`).join(' and ')} from ${brand.name}, in its ${edition.name} box.`,
    brand: brand.name,
    categoryPath: [...GIFT_SET.categoryPath],
    price: { amount: rupees * 100, currency: 'INR' },
    availability: rng.chance(OUT_OF_STOCK) ? 'out_of_stock' : 'in_stock',
    ...links(baseUrl, id),
    condition: 'new',
    attributes: { edition: edition.name, colorHex: edition.hex, contains: names.join(', ').toLowerCase(), pieces: contents.length },
  };
}
