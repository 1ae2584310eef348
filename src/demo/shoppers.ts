import type { Random } from './random.js';
import type { Shop } from './shop.js';

/** What one shopper likes; kept in flat arrays so that 100,000 shoppers cost a few megabytes. */
export interface Shoppers {
  count: number;
  /** Signed-in shoppers send a userId; the others are known by their session only. */
  signedIn: Uint8Array;
  /** Up to three favourite shelves each (-1: none), the first the strongest. */
  favourites: Int32Array;
  /** Up to two preferred brands each, as indices into `brands` (-1: none). */
  loyalty: Int32Array;
  brands: string[];
}

export const FAVOURITES = 3;
export const LOYALTIES = 2;
const SIGNED_IN = 0.4;

/**
 * Makes shoppers with tastes: one to three favourite types, and one or two
 * brands they prefer, chosen among the brands that make their first favourite
 * so that loyalty can show in what they browse.
 */
export function makeShoppers(shop: Shop, count: number, rng: Random): Shoppers {
  const brands = [...new Set(shop.items.map((i) => i.brand))].sort();
  const brandIndex = new Map(brands.map((b, i) => [b, i]));
  const signedIn = new Uint8Array(count);
  const favourites = new Int32Array(count * FAVOURITES).fill(-1);
  const loyalty = new Int32Array(count * LOYALTIES).fill(-1);
  for (let u = 0; u < count; u++) {
    signedIn[u] = rng.chance(SIGNED_IN) ? 1 : 0;
    const n = 1 + rng.weighted([0.45, 0.35, 0.2]);
    for (let f = 0; f < n && shop.shelves.length > 0; f++) favourites[u * FAVOURITES + f] = rng.weighted(shop.traffic);
    const first = shop.shelves[favourites[u * FAVOURITES] as number];
    if (!first) continue;
    const makers = [...first.byBrand.entries()];
    const loyal = rng.chance(0.6) ? 1 : 2;
    for (let l = 0; l < loyal; l++) {
      const [brand] = makers[rng.weighted(makers.map(([, ids]) => ids.length))] as [string, number[]];
      loyalty[u * LOYALTIES + l] = brandIndex.get(brand) as number;
    }
  }
  return { count, signedIn, favourites, loyalty, brands };
}
