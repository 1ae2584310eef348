import type { Scored } from '../recs/index.js';
import { wordsOf } from './item-table.js';
import { categoryWords, type ItemMapping } from './loaded-models.js';
import { roundRobin } from './round-robin.js';

/** Items of the matched categories a search weighs against the query's other words, most popular first. */
const SEARCH_POOL = 1000;

/** A search placement's pick. */
export interface SearchPick {
  item: number;
  score: number;
  reason: 'query_match';
}

/**
 * A search's ranking inside its matched categories: items carrying more of the
 * query's words come first ("red" in "red lipstick": every matched item carries
 * the category's word, so only the rest reorders them); among equals, the
 * model's picks for the shopper (base 1-2), then the categories' popular items
 * (base under 1, by their turn in a round robin over the categories'
 * popularity lists), so one more word always wins.
 *
 * The categories' items are walked most popular first (at most SEARCH_POOL),
 * keeping only the best `want`. The walk stops once those carry every query
 * word that any item of the categories carries (their word lists say which):
 * no less popular item can pass them then, so a common query stops after a
 * few dozen items instead of scoring a thousand.
 */
export function searchRanking(query: string, personal: Scored[], map: ItemMapping, categories: Set<string>, accept: (i: number) => boolean, want: number): SearchPick[] {
  const words = wordsOf(query);
  const best: SearchPick[] = [];
  const offer = (item: number, base: number) => {
    const r = map.byIndex[item]!;
    let score = base;
    for (const w of words) if (r.words.has(w)) score += 2;
    if (best.length === want && score <= best[want - 1]!.score) return;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { item, score, reason: 'query_match' });
    if (best.length > want) best.pop();
  };
  const top = personal[0]?.score ?? 1;
  const taken = new Set<number>();
  for (const p of personal) {
    taken.add(p.item);
    offer(p.item, 1 + p.score / top);
  }
  const cats = [...categories].filter((c) => map.byCategory.has(c));
  const full = 2 * words.filter((w) => cats.some((c) => categoryWords(map, c).has(w))).length;
  const next = roundRobin(map, categories, (i) => !taken.has(i) && accept(i));
  for (let rank = 0; rank < SEARCH_POOL; rank++) {
    if (best.length === want && best[want - 1]!.score >= full + 1 / (1 + rank)) break;
    const i = next();
    if (i < 0) break;
    offer(i, 1 / (1 + rank));
  }
  return best;
}
