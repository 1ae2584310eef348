import type { Scored } from '../recs/index.js';
import { wordsOf } from './item-table.js';
import { categoryWords, type ItemMapping } from './loaded-models.js';

/** Items of a category carrying one of the query's words that a search looks at, most popular first. */
const PER_WORD = 1000;

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
 * (base under 1, by their turn in a round robin over the categories' popularity
 * lists), so one more word always wins.
 *
 * Only three kinds of item can make the top: the model's picks, the most
 * popular items, and items carrying a word that tells the categories' items
 * apart. So those are the candidates, found through per-category word lists;
 * a word most of a category's items carry (its own name) is not a way in,
 * though it still counts for the items it is on. A query costs its rare
 * words' lists, not a walk over the categories.
 */
export function searchRanking(query: string, personal: Scored[], map: ItemMapping, categories: Set<string>, accept: (i: number) => boolean, want: number): SearchPick[] {
  const words = wordsOf(query);
  const cats = [...categories].filter((c) => map.byCategory.has(c)).sort();
  const base = new Map<number, number>();
  const top = personal[0]?.score ?? 1;
  for (const p of personal) base.set(p.item, 1 + p.score / top);
  const consider = (i: number, b: number) => {
    if (!base.has(i) && accept(i)) base.set(i, b);
  };
  const turn = (pos: number, c: number) => 1 / (1 + pos * cats.length + c);
  // The most popular items, for when no other word tells items apart.
  let found = 0;
  for (let pos = 0; found < want; pos++) {
    let open = false;
    for (let c = 0; c < cats.length && found < want; c++) {
      const list = map.byCategory.get(cats[c]!)!;
      if (pos >= list.length) continue;
      open = true;
      const before = base.size;
      consider(list[pos]!, turn(pos, c));
      if (base.size > before) found++;
    }
    if (!open) break;
  }
  // Items carrying a telling word.
  cats.forEach((category, c) => {
    const list = map.byCategory.get(category)!;
    const lists = categoryWords(map, category);
    for (const w of words) {
      const positions = lists.get(w);
      if (!positions || positions.length * 2 > list.length) continue;
      const end = Math.min(positions.length, PER_WORD);
      for (let k = 0; k < end; k++) consider(list[positions[k]!]!, turn(positions[k]!, c));
    }
  });
  const out: SearchPick[] = [];
  for (const [item, b] of base) {
    const r = map.byIndex[item]!;
    let score = b;
    for (const w of words) if (r.words.has(w)) score += 2;
    out.push({ item, score, reason: 'query_match' });
  }
  return out.sort((a, b) => b.score - a.score || a.item - b.item).slice(0, want);
}
