import type { Scored } from '../recs/index.js';
import { wordsOf } from './item-table.js';
import { categoryWords, type ItemMapping } from './loaded-models.js';

/** Turns of the round robin over the matched categories' popularity lists that a search weighs against the query's other words. */
const SEARCH_POOL = 1000;

/** A search placement's pick. */
export interface SearchPick {
  item: number;
  score: number;
  reason: 'query_match';
}

/**
 * Scratch for the pool's word counts: how many query words the item at each
 * position carries, and the most any item from there on carries. Reused by
 * every call, since a ranking runs start to end without yielding.
 */
let carries = new Uint16Array(0);
let most = new Uint16Array(0);

/**
 * A search's ranking inside its matched categories: items carrying more of the
 * query's words come first ("red" in "red lipstick": every matched item carries
 * the category's word, so only the rest reorders them); among equals, the
 * model's picks for the shopper (base 1-2), then the categories' popular items
 * (base under 1, by their turn in a round robin over the categories'
 * popularity lists), so one more word always wins.
 *
 * The first SEARCH_POOL turns are weighed by word. How many query words each
 * of those items carries is counted from the categories' word positions
 * (`categoryWords`) before the walk, so the walk knows, at every turn, the
 * most words any item still ahead carries: it stops as soon as no item ahead
 * can pass the best `want`, and passes over an item that cannot enter them
 * without asking the rules about it. Past the pool, when the rules and
 * filters have left fewer than `want`, it goes on taking what they accept,
 * most popular first.
 */
export function searchRanking(query: string, personal: Scored[], map: ItemMapping, categories: Set<string>, accept: (i: number) => boolean, want: number): SearchPick[] {
  const words = [...new Set(wordsOf(query))];
  const best: SearchPick[] = [];
  if (want <= 0) return best;
  const offer = (item: number, score: number) => {
    if (best.length === want && score <= best[want - 1]!.score) return;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { item, score, reason: 'query_match' });
    if (best.length > want) best.pop();
  };
  const carried = (item: number) => {
    const r = map.byIndex[item]!;
    let n = 0;
    for (const w of words) if (r.words.has(w)) n++;
    return n;
  };
  const top = personal[0]?.score ?? 1;
  const taken = new Set<number>();
  for (const p of personal) {
    taken.add(p.item);
    offer(p.item, 2 * carried(p.item) + 1 + p.score / top);
  }

  const lists: Int32Array[] = [];
  const spans: number[] = [];
  const from: number[] = [];
  let size = 0;
  for (const c of categories) {
    const list = map.byCategory.get(c);
    if (!list || list.length === 0) continue;
    const span = Math.min(list.length, SEARCH_POOL);
    if (carries.length < size + span + 1) grow(2 * (size + span + 1));
    countWords(categoryWords(map, c), words, span, size);
    lists.push(list);
    spans.push(span);
    from.push(size);
    size += span + 1;
  }

  const n = lists.length;
  const pos = new Int32Array(n);
  let open = n;
  let k = 0;
  for (let turn = 0; open > 0; turn++) {
    if (best.length === want) {
      if (turn >= SEARCH_POOL) break;
      let ahead = 0;
      for (let j = 0; j < n; j++) if (pos[j]! < spans[j]!) ahead = Math.max(ahead, most[from[j]! + pos[j]!]!);
      if (best[want - 1]!.score >= 2 * ahead + 1 / (1 + turn)) break;
    }
    while (pos[k]! >= lists[k]!.length) k = (k + 1) % n;
    const p = pos[k]!++;
    if (pos[k] === lists[k]!.length) open--;
    const item = lists[k]![p]!;
    const has = p < spans[k]! && turn < SEARCH_POOL ? carries[from[k]! + p]! : carried(item);
    k = (k + 1) % n;
    if (taken.has(item)) continue;
    const score = 2 * has + 1 / (1 + turn);
    if (best.length === want && score <= best[want - 1]!.score) continue;
    if (accept(item)) offer(item, score);
  }
  return best;
}

/** Fills the scratch at `at` with the query words carried at each of a category's first `span` positions, and their suffix maxima. */
function countWords(index: ReturnType<typeof categoryWords>, words: string[], span: number, at: number): void {
  carries.fill(0, at, at + span + 1);
  for (const w of words) {
    const positions = index.get(w);
    if (!positions) continue;
    for (let j = 0; j < positions.length; j++) {
      const p = positions[j]!;
      if (p >= span) break;
      carries[at + p]!++;
    }
  }
  most[at + span] = 0;
  for (let p = span - 1; p >= 0; p--) most[at + p] = Math.max(carries[at + p]!, most[at + p + 1]!);
}

function grow(size: number): void {
  const c = new Uint16Array(size);
  c.set(carries);
  carries = c;
  const m = new Uint16Array(size);
  m.set(most);
  most = m;
}
