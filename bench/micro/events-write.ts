/**
 * Where a userEvents:write batch spends its time, in-process (no network, no
 * load generator competing for the CPU): batches of 500 pre-generated events,
 *   - store:   EventStore.insert inside a transaction (the SQL alone),
 *   - service: EventService.write with schemaChecked (checks, rows, SQL),
 *   - http:    app.inject of the JSON body (parse, schema, service, reply),
 *              BENCH_WRITERS batches in flight, as the catalog bench's clients.
 * Each phase writes fresh event ids into a store that already holds
 * BENCH_PREFILL events (default 120,000: every session of the generator seen
 * once, so each batch's session links are updates, the costlier case) and the
 * previous phases' events. Run:
 *   npx tsx bench/micro/events-write.ts                      (SQLite file in a temp dir)
 *   BENCH_STORE=postgres npx tsx bench/micro/events-write.ts (BENCH_DATABASE_URL, default the local test database)
 * Settings: BENCH_BATCHES per phase (default 200), BENCH_WRITERS (default 4), BENCH_PHASES (default
 * store,service,http), BENCH_CATALOG_MIGRATIONS (how many of the catalog's migrations to apply, default
 * all; 1 measures the first schema's indexes).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_MIGRATIONS, buildApp } from '../../src/app.js';
import { EventStore } from '../../src/catalog/event-store.js';
import { catalogMigrations } from '../../src/catalog/migrations.js';
import { catalogModule } from '../../src/catalog/index.js';
import { toEventRow, type UserEvent } from '../../src/catalog/events.js';
import { openPostgresStore, openSqliteStore } from '../../src/platform/index.js';

const KEY = `rk_benchadmin1_${'k'.repeat(43)}`;
const STORE = process.env.BENCH_STORE ?? 'sqlite';
const BATCHES = Number(process.env.BENCH_BATCHES ?? 200);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 4);
const PHASES = new Set((process.env.BENCH_PHASES ?? 'store,service,http').split(','));
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PREFILL = Number(process.env.BENCH_PREFILL ?? 120_000);
const SIZE = 500;

const t0 = Date.now() - 86_400_000;
let next = 0;
// The catalog bench's event shape: 50,000 users, 120,000 sessions, one item each.
const event = (i: number) => ({ eventId: `ev-${i}`, type: i % 10 === 0 ? 'purchase' : 'view', userId: `u-${i % 50_000}`, sessionId: `s-${i % 120_000}`, itemIds: [`SKU-${i % 100_000}`], eventTime: new Date(t0 + i).toISOString() });
const batch = () => Array.from({ length: SIZE }, () => event(next++));

const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-events-'));
const schema = `bench_events_${randomBytes(4).toString('hex')}`;
// The catalog's migrations come from the module itself, so the bench measures its schema whatever src/app.ts lists.
const catalog = Object.fromEntries(Object.entries(catalogMigrations).slice(0, Number(process.env.BENCH_CATALOG_MIGRATIONS ?? 99)));
const modules = ALL_MIGRATIONS.map((m) => (m.module === 'catalog' ? { module: 'catalog', migrations: catalog } : m));
const opened = STORE === 'postgres' ? openPostgresStore({ url: DATABASE_URL, schema }, modules) : openSqliteStore(join(dir, 'rouge.db'), modules);
const app = await buildApp({ config: { dataDir: dir, bootstrapAdminKey: KEY, rateLimitPerSecond: 0, logLevel: 'silent' }, store: opened, closeStore: true });
const headers = { authorization: `Bearer ${KEY}` };
await app.inject({ method: 'POST', url: '/v1/projects', headers, payload: { name: 'bench' } });
const { store } = app.rouge;
const events = new EventStore(store);

let cpu0 = process.cpuUsage();
/** Wall time is at the mercy of a shared machine; this process's CPU time per batch varies less. */
function report(phase: string, ms: number, batches: number): void {
  const cpu = process.cpuUsage(cpu0);
  console.log(`[${STORE}] ${phase}: ${(ms / batches).toFixed(2)} ms/batch, ${Math.round((batches * SIZE) / (ms / 1000))} events/s, this process's CPU ${((cpu.user + cpu.system) / 1000 / batches).toFixed(2)} ms/batch`);
}

try {
  for (let i = 0; i < PREFILL; i += SIZE) {
    const rows = batch().map((e) => toEventRow('bench', e as UserEvent, new Date().toISOString()));
    await events.db.transaction().execute((trx) => events.insert('bench', rows, trx));
  }
  if (PHASES.has('store')) {
    const rows = Array.from({ length: BATCHES }, () => batch().map((e) => toEventRow('bench', e as UserEvent, new Date().toISOString())));
    cpu0 = process.cpuUsage();
    const t = performance.now();
    for (const r of rows) await events.db.transaction().execute((trx) => events.insert('bench', r, trx));
    report('store insert', performance.now() - t, BATCHES);
  }
  if (PHASES.has('service')) {
    const batches = Array.from({ length: BATCHES }, batch);
    cpu0 = process.cpuUsage();
    const t = performance.now();
    for (const b of batches) await app.rouge.use(catalogModule).events.write('bench', b, true);
    report('service write', performance.now() - t, BATCHES);
  }
  if (PHASES.has('http')) {
    const bodies = Array.from({ length: BATCHES }, () => JSON.stringify({ events: batch() }));
    let i = 0;
    cpu0 = process.cpuUsage();
    const t = performance.now();
    await Promise.all(Array.from({ length: WRITERS }, async () => {
      while (i < bodies.length) {
        const res = await app.inject({ method: 'POST', url: '/v1/projects/bench/userEvents:write', headers: { ...headers, 'content-type': 'application/json' }, payload: bodies[i++]! });
        if (res.statusCode !== 200) throw new Error(`userEvents:write answered ${res.statusCode}: ${res.body}`);
      }
    }));
    report(`http inject (${WRITERS} in flight)`, performance.now() - t, BATCHES);
  }
  const n = await app.rouge.use(catalogModule).events.count('bench');
  if (n !== next) throw new Error(`stored ${n} events, sent ${next}`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  if (STORE === 'postgres') {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
}
