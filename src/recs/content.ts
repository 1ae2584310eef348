import { ListBuilder, emptyLists, type NeighbourLists } from './neighbours.js';
import type { ItemContent, ProgressFn } from './types.js';

export interface ContentParams {
  contentNeighbours: number;
  contentScan: number;
  contentMaxShare: number;
}

/**
 * Content neighbours: tf-idf cosine over the caller's tokens, times
 * log(2 + popularity) so that among equally similar items the ones people
 * buy come first (that lifted HR@10 on the Amazon data). This is what covers
 * items with no interactions yet. Postings are scanned most popular first
 * and cut at `contentScan`, so a common token costs a bounded amount.
 */
export function buildContentLists(content: ItemContent[], index: (id: string) => number, pop: Float32Array, p: ContentParams, onProgress?: ProgressFn): NeighbourLists {
  const n = pop.length;
  if (content.length === 0) return emptyLists(n);
  const tokenIds = new Map<string, number>();
  const itemTokens: number[][] = Array.from({ length: n }, () => []);
  for (const c of content) {
    const i = index(c.id);
    if (i < 0) continue;
    const seen = new Set<number>();
    for (const t of c.tokens) {
      let id = tokenIds.get(t);
      if (id === undefined) tokenIds.set(t, (id = tokenIds.size));
      if (!seen.has(id)) seen.add(id);
    }
    itemTokens[i] = [...seen];
  }
  const postings: number[][] = Array.from({ length: tokenIds.size }, () => []);
  itemTokens.forEach((ts, i) => ts.forEach((t) => postings[t]!.push(i)));
  const maxDf = Math.max(2, p.contentMaxShare * n);
  const idf2 = postings.map((ps) => (ps.length > maxDf ? 0 : Math.log(n / ps.length) ** 2));
  for (const ps of postings) ps.sort((x, y) => pop[y]! - pop[x]! || x - y);
  const norm = itemTokens.map((ts) => Math.sqrt(ts.reduce((s, t) => s + idf2[t]!, 0)) || 1);
  const builder = new ListBuilder(n, p.contentNeighbours);
  for (let a = 0; a < n; a++) {
    for (const t of itemTokens[a]!) {
      const w = idf2[t]!;
      if (w === 0) continue;
      const ps = postings[t]!;
      const end = Math.min(ps.length, p.contentScan);
      for (let k = 0; k < end; k++) builder.add(ps[k]!, w);
    }
    const na = norm[a]!;
    builder.commit(a, (b, v) => (v / (na * norm[b]!)) * Math.log(2 + pop[b]!), true);
    if (onProgress && (a % 5000 === 0 || a === n - 1)) onProgress('content', a + 1, n);
  }
  return builder.finish();
}
