/**
 * What one uncached query-to-category match costs on the demo generator's
 * catalogue (100,000 beauty items, realistic titles and descriptions): the
 * search a query-cache miss of the `search` placement runs. Queries as the
 * serving bench draws them: brand + line + product type, line + type, type.
 * Each query runs twice; the second (warm) run is measured.
 *   npx tsx bench/micro/search-miss.ts
 * Settings: BENCH_ITEMS (default 100000).
 */
import { generateCatalog } from '../../src/demo/catalog.js';
import { toItemRow } from '../../src/catalog/items.js';
import { SearchIndex } from '../../src/catalog/search-index.js';
import { MemoryCache } from '../../src/platform/index.js';
const items = generateCatalog({ seed: 1, items: Number(process.env.BENCH_ITEMS ?? 100_000), events: 0, users: 0, baseUrl: 'http://x' } as never);
const now = new Date().toISOString();
const rows = items.map((i) => toItemRow('b', i as never, now)).sort((a, b) => (a.id < b.id ? -1 : 1));
// Only the reads the index makes while building; the store itself is not what is measured.
const store = { scanPage: 5000, synonyms: async () => [], scan: async (_p: string, n: number, after?: string) => { const s = after === undefined ? 0 : rows.findIndex((r) => r.id > after); return s < 0 ? [] : rows.slice(s, s + n); } };
const idx = new SearchIndex(store as never, new MemoryCache());
let t = performance.now();
await idx.search('b', 'x');
console.log('build', ((performance.now() - t) / 1000).toFixed(1), 's');
const brands = [...new Set(items.map((i) => i.brand.toLowerCase()))];
const types = [...new Set(items.map((i) => i.categoryPath.at(-1)!.toLowerCase()))];
const mods = [...new Set(items.map((i) => i.title.split(' ')[0]!.toLowerCase()))];
const qs: string[] = [];
for (let i = 0; i < 300; i++) qs.push(`${brands[i % brands.length]} ${mods[(i * 7) % mods.length]} ${types[(i * 13) % types.length]}`);
for (let i = 0; i < 300; i++) qs.push(`${mods[(i * 3) % mods.length]} ${types[(i * 11) % types.length]}`);
for (let i = 0; i < 100; i++) qs.push(types[i % types.length]!);
const kinds: Record<string, number[]> = { triple: [], pair: [], single: [] };
const slow: Array<[number, string, number]> = [];
for (let r = 0; r < 2; r++) for (const [n, q] of qs.entries()) {
  t = performance.now();
  const h = await idx.search('b', q, { ids: false });
  const ms = performance.now() - t;
  if (r === 1) { kinds[n < 300 ? 'triple' : n < 600 ? 'pair' : 'single']!.push(ms); if (ms > 10) slow.push([ms, q, h.categories.length]); }
}
for (const [k, v] of Object.entries(kinds)) { v.sort((a, b) => a - b); console.log(k, 'mean', (v.reduce((a, b) => a + b, 0) / v.length).toFixed(2), 'p50', v[v.length >> 1]!.toFixed(2), 'p99', v[Math.floor(v.length * 0.99)]!.toFixed(2)); }
console.log('queries over 10 ms:', slow.length, slow.slice(0, 5));
