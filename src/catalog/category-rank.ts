import type { SearchResult } from 'minisearch';
import { CATEGORY_SEPARATOR } from './items.js';

/** A category keeps up with the best one when its score is at least this share of the best: below it, it is another product type. */
const CATEGORY_RATIO = 0.5;

/** What ranking needs from a project's index: each item's category, and each category's size and path. */
export interface CategoryCensus {
  readonly categoryOf: ReadonlyMap<string, string>;
  readonly sizes: ReadonlyMap<string, number>;
  readonly paths: ReadonlyMap<string, string[]>;
}

/** A matched category as `catalog:search` and `matchCategories` show it. */
export interface CategoryMatch {
  path: string[];
  /** Relative: the best category scores 1. */
  score: number;
  matchedItems: number;
}

/** The ranked categories, and (unless asked not to) the ids of their matched items, best first. */
export interface RankedCategories {
  categories: CategoryMatch[];
  ids: string[];
}

/**
 * Turns item hits into categories. A category's score multiplies three things
 * the catalogue shows, none of which needs to know what its words mean:
 *
 * - quality: the mean of its three best item scores (a word in the category
 *   path or the title weighs more than one in a description);
 * - share: sqrt of the share of its items that matched, between 0.5 and 1, so
 *   a category where a word is incidental (a few descriptions mention it)
 *   loses to one that is about it;
 * - mass: 1 + ln(matched items), the sublinear count of classic tf weighting,
 *   so the category holding most of the query's products outweighs a small one
 *   that mentions them more often. Share alone let 60 gift boxes whose titles
 *   each name a product beat the 1,800 products of that name in a category
 *   holding other products too; linear mass would let hundreds of incidental
 *   mentions beat a small category named by the word, whose items' quality
 *   is several times theirs. The log keeps both cases right.
 *
 * Categories under half the best score are dropped. Items are ordered by their
 * score times their category's relative score, so a runner-up category's items
 * (the gift boxes) follow the best category's unless they match much better.
 */
export function rankCategories(census: CategoryCensus, hits: SearchResult[], withIds = true): RankedCategories {
  const byCategory = new Map<string, Array<{ id: string; score: number }>>();
  for (const h of hits) {
    const id = String(h.id);
    const c = census.categoryOf.get(id);
    if (c === undefined) continue;
    let entry = byCategory.get(c);
    if (!entry) byCategory.set(c, (entry = []));
    entry.push({ id, score: h.score });
  }
  if (byCategory.size === 0) return { categories: [], ids: [] };
  const scored = [...byCategory].map(([category, matched]) => {
    // Hits arrive best first, so the first three are the category's best.
    const top = matched.slice(0, 3);
    const quality = top.reduce((a, b) => a + b.score, 0) / top.length;
    const share = Math.min(1, matched.length / (census.sizes.get(category) ?? matched.length));
    const mass = 1 + Math.log(matched.length);
    return { category, score: quality * (0.5 + 0.5 * Math.sqrt(share)) * mass, matched };
  }).sort((a, b) => b.score - a.score || a.category.localeCompare(b.category));
  const best = scored[0]!.score;
  const kept = scored.filter((s) => s.score >= CATEGORY_RATIO * best);
  const ids = withIds
    ? kept.flatMap((k) => k.matched.map((m) => ({ id: m.id, rank: m.score * (k.score / best) })))
      .sort((a, b) => b.rank - a.rank || (a.id < b.id ? -1 : 1)).map((x) => x.id)
    : [];
  return {
    categories: kept.map((k) => ({
      path: census.paths.get(k.category) ?? k.category.split(CATEGORY_SEPARATOR),
      score: Math.round((k.score / best) * 10_000) / 10_000,
      matchedItems: k.matched.length,
    })),
    ids,
  };
}
