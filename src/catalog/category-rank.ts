import { CATEGORY_SEPARATOR } from './items.js';
import type { Scored } from './scored.js';

/** A category keeps up with the best one when its score is at least this share of the best: below it, it is another product type. */
const CATEGORY_RATIO = 0.5;

/** What ranking needs from a project's index: each hit's item and category (numbered), and each category's size and path. */
export interface CategoryCensus {
  groupOfSlot(slot: number): number;
  categoryOfGroup(group: number): string;
  idOfSlot(slot: number): string;
  readonly sizes: ReadonlyMap<string, number>;
  readonly paths: ReadonlyMap<string, string[]>;
}

/** A category's matched items while ranking: how many, the best three scores, and (for the ids) which hits. */
interface Group {
  group: number;
  count: number;
  top: [number, number, number];
  hits: number[] | undefined;
  score: number;
}

/** Keeps the three largest scores, largest first. */
function keepTop(top: [number, number, number], score: number): void {
  if (score > top[0]) [top[0], top[1], top[2]] = [score, top[0], top[1]];
  else if (score > top[1]) [top[1], top[2]] = [score, top[1]];
  else if (score > top[2]) top[2] = score;
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
export function rankCategories(census: CategoryCensus, hits: Scored, withIds = true): RankedCategories {
  // Indexed by group number (a few hundred categories): a common word's hits are tens of thousands.
  const byGroup: Array<Group | undefined> = [];
  const scored: Group[] = [];
  for (let i = 0; i < hits.n; i++) {
    const g = census.groupOfSlot(hits.slots[i]!);
    let entry = byGroup[g];
    if (!entry) scored.push((byGroup[g] = entry = { group: g, count: 0, top: [-Infinity, -Infinity, -Infinity], hits: withIds ? [] : undefined, score: 0 }));
    entry.count++;
    keepTop(entry.top, hits.scores[i]!);
    entry.hits?.push(i);
  }
  if (scored.length === 0) return { categories: [], ids: [] };
  for (const g of scored) {
    const best = g.top.filter((x) => x > -Infinity);
    const quality = best.reduce((a, b) => a + b, 0) / best.length;
    const category = census.categoryOfGroup(g.group);
    const share = Math.min(1, g.count / (census.sizes.get(category) ?? g.count));
    const mass = 1 + Math.log(g.count);
    g.score = quality * (0.5 + 0.5 * Math.sqrt(share)) * mass;
  }
  scored.sort((a, b) => b.score - a.score || census.categoryOfGroup(a.group).localeCompare(census.categoryOfGroup(b.group)));
  const best = scored[0]!.score;
  const kept = scored.filter((s) => s.score >= CATEGORY_RATIO * best);
  const ids = withIds
    ? kept.flatMap((k) => k.hits!.map((i) => ({ id: census.idOfSlot(hits.slots[i]!), rank: hits.scores[i]! * (k.score / best) })))
      .sort((a, b) => b.rank - a.rank || (a.id < b.id ? -1 : 1)).map((x) => x.id)
    : [];
  return {
    categories: kept.map((k) => {
      const category = census.categoryOfGroup(k.group);
      return {
        path: census.paths.get(category) ?? category.split(CATEGORY_SEPARATOR),
        score: Math.round((k.score / best) * 10_000) / 10_000,
        matchedItems: k.count,
      };
    }),
    ids,
  };
}
