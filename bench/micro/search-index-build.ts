/**
 * The search index's first build for a generated catalogue (the catalog
 * bench's items: 400 invented categories, 60 brands, 200 adjectives), timed
 * in-process on SQLite, with the event loop's longest stall meanwhile: a
 * timer due every 10 ms notes how late it fires, as a /readyz probe would.
 * (perf_hooks.monitorEventLoopDelay reported a 10 ms maximum across a 4 s
 * stall of this build on Node 20, so the bench keeps a timer of its own.)
 *   npx tsx bench/micro/search-index-build.ts                      (SQLite file in a temp dir)
 *   BENCH_STORE=postgres npx tsx bench/micro/search-index-build.ts (BENCH_DATABASE_URL, default the local test database)
 * Settings: BENCH_ITEMS (default 100000), BENCH_ROUNDS builds (default 2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_MIGRATIONS } from '../../src/app.js';
import { catalogMigrations } from '../../src/catalog/index.js';
import { ItemStore } from '../../src/catalog/item-store.js';
import { toItemRow, type ItemInput } from '../../src/catalog/items.js';
import type { ItemRow } from '../../src/catalog/tables.js';
import { SearchIndex } from '../../src/catalog/search-index.js';
import { sql } from 'kysely';
import { MemoryCache, openPostgresStore, openSqliteStore } from '../../src/platform/index.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const STORE = process.env.BENCH_STORE ?? 'sqlite';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The catalog bench's invented words (same generator, same seed). */
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

const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-index-'));
const modules = ALL_MIGRATIONS.map((m) => (m.module === 'catalog' ? { module: 'catalog', migrations: catalogMigrations } : m));
const schema = `bench_index_${process.pid}`;
const store = STORE === 'postgres' ? openPostgresStore({ url: DATABASE_URL, schema }, modules) : openSqliteStore(join(dir, 'rouge.db'), modules);
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
  // As an items:import of this size does when it finishes.
  await items.refreshStatistics();
  for (let round = 1; round <= ROUNDS; round++) {
    const index = new SearchIndex(items, new MemoryCache());
    let late = 0;
    let due = performance.now() + 10;
    const probe = setInterval(() => {
      late = Math.max(late, performance.now() - due);
      due = performance.now() + 10;
    }, 10);
    const t = performance.now();
    const hits = await index.search('bench', kinds[0]!);
    const ms = performance.now() - t;
    // One more tick, so a build that never let the timer run is measured too.
    await new Promise((r) => setTimeout(r, 20));
    clearInterval(probe);
    console.log(`[${STORE}] round ${round}: ${ITEMS} items indexed and searched in ${Math.round(ms)} ms (${hits.ids.length} hits); longest event-loop stall ${Math.round(late)} ms; heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
    await index.close();
  }
} finally {
  if (STORE === 'postgres') await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
