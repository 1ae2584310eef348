/**
 * The query-to-category match the recommender's `search` kind needs per
 * request (`CatalogFace.matchCategories`), uncached and cached, on the
 * catalogue of bench/micro/search-index-build.ts (100,000 items, 400 invented
 * categories), in process on SQLite: what one match costs in CPU, and what a
 * stream of requests costs when its queries are drawn Zipf (s = 1) from
 * 10,000 distinct ones, with and without catalogue changes meanwhile.
 *   npx tsx bench/micro/query-cache.ts
 * Settings: BENCH_ITEMS (default 100000), BENCH_QUERIES distinct queries (default 10000),
 * BENCH_REQUESTS measured per stream, after as many unmeasured ones that fill the cache (default
 * 100000), BENCH_CHANGES_PER_S item title changes per second of simulated traffic at 2,000
 * requests/s, one stream per value (default 0,1). A price or stock change invalidates nothing,
 * so only changes of searchable text count here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_MIGRATIONS } from '../../src/app.js';
import { catalogMigrations } from '../../src/catalog/index.js';
import { ItemStore } from '../../src/catalog/item-store.js';
import { toItemRow, type ItemInput } from '../../src/catalog/items.js';
import { QueryCache } from '../../src/catalog/query-cache.js';
import { SearchIndex } from '../../src/catalog/search-index.js';
import type { ItemRow } from '../../src/catalog/tables.js';
import { MemoryCache, openSqliteStore } from '../../src/platform/index.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const CHANGES_PER_S = (process.env.BENCH_CHANGES_PER_S ?? '0,1').split(',').map(Number);
const RATE = 2000;

/** The search-index-build bench's invented words (same generator, same seed). */
function words(count: number, seed: number): string[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = (a: string[]) => a[Math.floor(next() * a.length)]!;
  const on = ['b', 'bl', 'd', 'dr', 'f', 'g', 'gr', 'k', 'm', 'n', 'p', 'pl', 'qu', 'st', 't', 'tr', 'v', 'z'];
  const vo = ['a', 'e', 'i', 'o', 'u', 'oo', 'ai'];
  const co = ['b', 'd', 'g', 'k', 'l', 'm', 'n', 'p', 'rt', 'sk', 'x', 'nd'];
  const out = new Set<string>();
  while (out.size < count) out.add(pick(on) + pick(vo) + pick(co) + pick(on) + pick(vo) + pick(co));
  return [...out];
}

/** A seeded PRNG (mulberry32), so every run draws the same stream. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const us = (ms: number) => `${Math.round(ms * 1000)} µs`;

const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-qcache-'));
const store = openSqliteStore(join(dir, 'rouge.db'), ALL_MIGRATIONS.map((m) => (m.module === 'catalog' ? { module: 'catalog', migrations: catalogMigrations } : m)));
try {
  await store.migrate();
  const items = new ItemStore(store);
  const all = words(680, 42);
  const [kinds, depts, brands, adjs] = [all.slice(0, 400), all.slice(400, 420), all.slice(420, 480), all.slice(480)];
  const now = new Date().toISOString();
  for (let start = 0; start < ITEMS; start += 1000) {
    const rows: ItemRow[] = [];
    for (let i = start; i < Math.min(ITEMS, start + 1000); i++) {
      const k = i % kinds.length;
      const kind = kinds[k]!;
      const brand = brands[(i * 7) % brands.length]!;
      const adj = adjs[(i * 13) % adjs.length]!;
      const other = kinds[(k + 1 + (i % 17)) % kinds.length]!;
      rows.push(toItemRow('bench', {
        id: `SKU-${i}`, title: `${brand} ${adj} ${i % 3 ? kind : `${kind}s`}`, brand, categoryPath: [depts[k % depts.length]!, `${kind}s`],
        description: `A ${adj} ${kind} by ${brand}; goes with any ${other}.`, price: { amount: 100 + (i % 9900), currency: 'EUR' },
      } satisfies ItemInput, now));
    }
    await store.db.transaction().execute((trx) => items.upsertMany('bench', rows, trx as never));
  }
  await items.refreshStatistics();

  // 10,000 distinct queries of the shapes shoppers type: a type, a plural, a typo, brand + type, adjective + type.
  const random = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  const distinct = new Set<string>();
  while (distinct.size < QUERIES) {
    const kind = pick(kinds);
    const shape = random();
    distinct.add(shape < 0.1 ? kind : shape < 0.2 ? `${kind}s` : shape < 0.3 ? kind.slice(0, 3) + kind.slice(4) : shape < 0.65 ? `${pick(brands)} ${kind}` : `${pick(adjs)} ${kind}`);
  }
  const queries = [...distinct];
  // Zipf, s = 1: rank r is drawn with probability proportional to 1/r.
  const cdf: number[] = [];
  let total = 0;
  for (let r = 1; r <= queries.length; r++) cdf.push((total += 1 / r));
  const draw = () => {
    const x = random() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return queries[lo]!;
  };

  const signals = new MemoryCache();
  const index = new SearchIndex(items, signals);
  await index.start();
  const t0 = performance.now();
  await index.search('bench', kinds[0]!);
  console.log(`${ITEMS} items indexed in ${Math.round(performance.now() - t0)} ms; ${queries.length} distinct queries; Node ${process.version}`);

  // Uncached: every distinct query once (after one warm-up pass over 1,000 of them, for the JIT).
  for (const q of queries.slice(0, 1000)) await index.search('bench', q, { ids: false });
  for (const ids of [true, false]) {
    const times: number[] = [];
    const cpu = process.cpuUsage();
    for (const q of queries) {
      const t = performance.now();
      await index.search('bench', q, { ids });
      times.push(performance.now() - t);
    }
    const used = process.cpuUsage(cpu);
    console.log(`uncached search (${ids ? 'with the ranked ids, as catalog:search' : 'categories only, as a matchCategories miss'}): CPU ${us((used.user + used.system) / 1000 / queries.length)} per query; p50 ${us(pct(times, 50))}, p99 ${us(pct(times, 99))}, max ${us(Math.max(...times))}`);
  }

  // Cached: a Zipf stream, with item title changes spread through it as if it ran at 2,000 requests/s.
  let changes = 0;
  for (const changesPerS of CHANGES_PER_S) {
    const cache = new QueryCache(index);
    const every = changesPerS > 0 ? Math.round(RATE / changesPerS) : Infinity;
    const times: number[] = [];
    let cpuMs = 0;
    let counted = { hits: 0, misses: 0 };
    const changesBefore = changes;
    for (let i = 0; i < 2 * REQUESTS; i++) {
      // The first half fills the cache, as a process's first minute of traffic would; the second is measured.
      const measured = i >= REQUESTS;
      if (i === REQUESTS) counted = cache.stats();
      if (i > 0 && i % every === 0) {
        // Outside the measurement: write an item, signal it, and wait until the index has applied it.
        const n = changes++;
        const before = index.version('bench');
        await store.db.transaction().execute((trx) => items.upsertMany('bench', [toItemRow('bench', { id: `SKU-${n}`, title: `Renamed ${kinds[n % kinds.length]} ${n}`, categoryPath: [depts[0]!, `${kinds[n % kinds.length]}s`] }, new Date().toISOString())], trx as never));
        await index.signal({ project: 'bench', ids: [`SKU-${n}`] });
        while (index.version('bench') === before) await new Promise((r) => setImmediate(r));
      }
      const q = draw();
      if (!measured) {
        await cache.match('bench', q);
        continue;
      }
      const cpu = process.cpuUsage();
      const t = performance.now();
      await cache.match('bench', q);
      times.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      cpuMs += (used.user + used.system) / 1000;
    }
    const s = cache.stats();
    const [hits, misses] = [s.hits - counted.hits, s.misses - counted.misses];
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(`cached, Zipf over ${queries.length} queries, ${REQUESTS} requests measured after ${REQUESTS} unmeasured, ${changesPerS} text changes per simulated second (${changes - changesBefore} in all): hit rate ${((100 * hits) / (hits + misses)).toFixed(1)}%, ${s.size} answers held; mean ${us(mean)} (CPU ~${us(cpuMs / REQUESTS)}) per request, p50 ${us(pct(times, 50))}, p99 ${us(pct(times, 99))}, p99.9 ${us(pct(times, 99.9))}; ${Math.round((RATE * mean) / 10)}% of one core at ${RATE}/s`);
  }
  await index.close();
  await signals.close();
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
