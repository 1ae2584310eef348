/**
 * Uncached query-to-category matches for queries drawn as the serving bench
 * draws them (bench/recs-serving.ts): single words, shade/finish/line + type
 * pairs, brand + line pairs, brand + line + type triples, picked at random,
 * so that many have no item carrying every word and fall back to the OR of
 * their words. Prints the mean and percentiles per kind (second, warm run),
 * then how many passes (AND, OR) a query took and the full-text index's share.
 *   npx tsx bench/micro/search-fallback.ts
 */
import { generateCatalog } from '../../src/demo/catalog.js';
import { toItemRow } from '../../src/catalog/items.js';
import { SearchIndex } from '../../src/catalog/search-index.js';
import { MemoryCache } from '../../src/platform/index.js';
const items = generateCatalog({ seed: 1, items: 100_000, events: 0, users: 0, baseUrl: 'http://x' } as never);
const now = new Date().toISOString();
const rows = items.map((i) => toItemRow('b', i as never, now)).sort((a, b) => (a.id < b.id ? -1 : 1));
const store = { scanPage: 5000, synonyms: async () => [], scan: async (_p: string, n: number, after?: string) => { const s = after === undefined ? 0 : rows.findIndex((r) => r.id > after); return s < 0 ? [] : rows.slice(s, s + n); } };
const idx = new SearchIndex(store as never, new MemoryCache());
await idx.search('b', 'x');
const T = new Set<string>(), M = new Set<string>(), B = new Set<string>();
for (const it of items as any[]) { T.add(it.categoryPath.at(-1).toLowerCase()); B.add(it.brand.toLowerCase()); for (const k of ['shade','shadeFamily','finish','variant','benefit']) { const v = it.attributes[k]; if (typeof v === 'string' && v) M.add(v.toLowerCase()); } const f = it.title.split(/\s+/)[0]; if (f && /^[A-Za-z]+$/.test(f)) M.add(f.toLowerCase()); }
const t=[...T], m=[...M], b=[...B];
let seed = 7; const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a: string[]) => a[Math.floor(r() * a.length)]!;
const sets: Record<string, string[]> = { single: [], pair: [], brandmod: [], triple: [] };
for (let i = 0; i < 200; i++) { sets.single!.push(pick([...t, ...m, ...b])); sets.pair!.push(`${pick(m)} ${pick(t)}`); sets.brandmod!.push(`${pick(b)} ${pick(m)}`); sets.triple!.push(`${pick(b)} ${pick(m)} ${pick(t)}`); }
for (const [k, qs] of Object.entries(sets)) {
  for (const q of qs) await idx.search('b', q, { ids: false });
  const ms: number[] = []; let none = 0;
  for (const q of qs) { const t0 = performance.now(); const h = await idx.search('b', q, { ids: false }); ms.push(performance.now() - t0); if (h.categories.length === 0) none++; }
  ms.sort((a, b) => a - b);
  console.log(k, 'mean', (ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(2), 'p50', ms[100]!.toFixed(2), 'p90', ms[180]!.toFixed(2), 'nomatch', none);
}
const { TermIndex } = await import('../../src/catalog/term-index.js');
// Counted from outside: how many passes each query took, and the time inside the full-text index.
const orig = TermIndex.prototype.search;
let calls = 0, hitsN = 0, tScan = 0;
TermIndex.prototype.search = function (q: any) { calls++; const t0 = performance.now(); const r = orig.call(this, q); tScan += performance.now() - t0; hitsN += r.n; return r; };
for (const [k, qs] of Object.entries(sets)) {
  calls = 0; hitsN = 0; tScan = 0; const t0 = performance.now();
  for (const q of qs) await idx.search('b', q, { ids: false });
  console.log(k, 'passes/query', (calls / qs.length).toFixed(2), 'hits/query', Math.round(hitsN / qs.length), 'terms.search ms/query', (tScan / qs.length).toFixed(2), 'total', ((performance.now() - t0) / qs.length).toFixed(2));
}
