import { typeOfPath } from './product-types.js';
import type { Random } from './random.js';
import { isColourFamily, SHADES } from './shades.js';
import type { DemoItem } from './types.js';

/** A search a shopper types, and which of the shelf's items they then look at. */
export interface Search {
  query: string;
  /** Items the query asks for; views after the search keep to them when the shelf has any. */
  wants?: (item: DemoItem) => boolean;
}

/**
 * A query as people type it: the type word ("lipstick"), with a colour
 * ("red lipstick"), a finish ("matte lipstick"), a brand, a gender ("perfume
 * for men") or a budget ("shampoo under 500"), in lower case.
 */
export function searchFor(path: readonly string[], brand: string | undefined, rng: Random): Search {
  const type = typeOfPath(path);
  const leaf = (path[path.length - 1] ?? '').toLowerCase();
  if (!type) return { query: leaf };
  const word = type.queries && rng.chance(0.2) ? rng.pick(type.queries) : type.name.toLowerCase();
  const kinds = [
    0.35, // plain
    0.2, // colour ("red lipstick") or variant ("neem & tulsi face wash")
    type.finishes.length > 1 ? 0.12 : 0, // finish
    brand ? 0.15 : 0, // brand
    type.gendered ? 0.3 : 0, // for men / women
    0.05, // budget
  ];
  switch (rng.weighted(kinds)) {
    case 1: {
      const shade = rng.pick(SHADES[type.shades]);
      if (isColourFamily(type.shades)) return { query: `${shade.family} ${word}`, wants: (i) => i.attributes.shadeFamily === shade.family };
      return { query: `${shade.name.toLowerCase()} ${word}`, wants: (i) => i.attributes.variant === shade.name };
    }
    case 2: {
      const finish = rng.pick(type.finishes);
      return { query: `${finish.toLowerCase()} ${word}`, wants: (i) => i.attributes.finish === finish };
    }
    case 3:
      return { query: rng.chance(0.5) ? (brand as string).toLowerCase() : `${(brand as string).toLowerCase()} ${word}`, wants: (i) => i.brand === brand };
    case 4: {
      const gender = rng.pick(['men', 'women'] as const);
      return { query: `${word} for ${gender}`, wants: (i) => i.attributes.gender === gender || i.attributes.gender === 'unisex' };
    }
    case 5: {
      const budget = rng.pick([300, 500, 1000]);
      return { query: `${word} under ${budget}`, wants: (i) => i.price.amount <= budget * 100 };
    }
    default:
      return { query: word };
  }
}
