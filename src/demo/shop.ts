import { COMPLEMENTS, typeByKey } from './product-types.js';
import type { DemoItem } from './types.js';

/**
 * Items of one leaf category (a "type": Lipstick, Shampoo), in popularity
 * order: index 0 is the bestseller. Grouping by category path rather than by
 * the demo's own type table keeps events working for any catalogue handed in.
 */
export interface Shelf {
  path: string[];
  /** Item indices, most popular first. */
  items: number[];
  /** The same items per brand, in the same order, so a brand's bestseller is also popular overall. */
  byBrand: Map<string, number[]>;
  /** Shelves in the same parent category (Lipstick's: Lip Liner, Lip Gloss...). */
  siblings: number[];
  /** Shelves whose items go in the same cart (Lipstick's: Lip Liner). */
  complements: number[];
}

/** The catalogue arranged the way sessions browse it. */
export interface Shop {
  items: readonly DemoItem[];
  shelves: Shelf[];
  /** Relative traffic of each shelf: bigger shelves get more visits, but less than in proportion. */
  traffic: number[];
}

/** Arranges items into shelves; popularity order is a seeded shuffle, so it is the same for the same seed. */
export function arrangeShop(items: readonly DemoItem[], shuffle: <T>(values: T[]) => T[]): Shop {
  const index = new Map<string, number>();
  const shelves: Shelf[] = [];
  const order = shuffle(items.map((_, i) => i));
  for (const i of order) {
    const item = items[i] as DemoItem;
    const key = item.categoryPath.join(' > ');
    let s = index.get(key);
    if (s === undefined) {
      index.set(key, (s = shelves.length));
      shelves.push({ path: item.categoryPath, items: [], byBrand: new Map(), siblings: [], complements: [] });
    }
    const shelf = shelves[s] as Shelf;
    shelf.items.push(i);
    const mine = shelf.byBrand.get(item.brand);
    if (mine) mine.push(i);
    else shelf.byBrand.set(item.brand, [i]);
  }
  const parent = (p: string[]) => p.slice(0, -1).join(' > ');
  shelves.forEach((shelf, s) => {
    shelf.siblings = shelves.map((_, t) => t).filter((t) => t !== s && parent((shelves[t] as Shelf).path) === parent(shelf.path));
  });
  for (const [from, to] of COMPLEMENTS) {
    const a = index.get(typeByKey(from).categoryPath.join(' > '));
    const b = index.get(typeByKey(to).categoryPath.join(' > '));
    if (a !== undefined && b !== undefined) (shelves[a] as Shelf).complements.push(b);
  }
  return { items, shelves, traffic: shelves.map((s) => Math.sqrt(s.items.length)) };
}
