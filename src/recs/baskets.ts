import { ListBuilder, emptyLists, type NeighbourLists } from './neighbours.js';

/** Baskets larger than this are a bulk order, not a statement about what goes together. */
const MAX_BASKET = 50;

/**
 * Bought-together neighbours: how often two items share a basket, cosine
 * normalised by how many baskets each is in, so a best seller is not
 * everyone's companion.
 */
export function buildBasketLists(baskets: number[][], n: number, keep: number): NeighbourLists {
  if (baskets.length === 0) return emptyLists(n);
  const count = new Float64Array(n);
  const of: number[][] = Array.from({ length: n }, () => []);
  baskets.forEach((b, k) => {
    if (b.length < 2 || b.length > MAX_BASKET) return;
    for (const i of new Set(b)) {
      count[i]!++;
      of[i]!.push(k);
    }
  });
  const builder = new ListBuilder(n, keep);
  for (let a = 0; a < n; a++) {
    for (const k of of[a]!) for (const b of new Set(baskets[k]!)) builder.add(b, 1);
    builder.commit(a, (b, v) => v / Math.sqrt(count[a]! * count[b]!), true);
  }
  return builder.finish();
}
