import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CompiledQuery, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, buildApp } from '../src/app.js';
import { EventStore } from '../src/catalog/event-store.js';
import { catalogMigration, catalogModule } from '../src/catalog/index.js';
import { openPostgresStore, openSqliteStore, type ModuleMigrations, type Store } from '../src/platform/index.js';
import { CATALOG_MIGRATIONS } from './catalog-helpers.js';
import { ADMIN_KEY } from './helpers/app.js';
import { STORE_KINDS, TEST_DATABASE_URL, freshSchema, type StoreKind } from './helpers/stores.js';

/** The catalog's first schema alone: what a database upgraded by 0002_event_indexes started from. */
const FIRST_SCHEMA: ModuleMigrations[] = ALL_MIGRATIONS.map((m) => (m.module === 'catalog' ? { module: 'catalog', migrations: { '0001_catalog': catalogMigration } } : m));

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ev = (id: string, s: number, who: { userId?: string; sessionId?: string }) => ({ eventId: id, type: 'view', itemIds: ['SKU-1'], eventTime: at(s), ...who });

/** A store that can be opened again with other migrations: a SQLite file, or a PostgreSQL schema. */
function reopenable(kind: StoreKind): (modules: ModuleMigrations[]) => Store {
  if (kind === 'sqlite') {
    const file = join(mkdtempSync(join(tmpdir(), 'rouge-events-')), 'rouge.db');
    return (modules) => openSqliteStore(file, modules);
  }
  const schema = freshSchema();
  return (modules) => openPostgresStore({ url: TEST_DATABASE_URL!, schema, poolSize: 3 }, modules);
}

async function appOn(store: Store): Promise<FastifyInstance> {
  const app = await buildApp({ config: { bootstrapAdminKey: ADMIN_KEY }, store, closeStore: true });
  await app.inject({ method: 'POST', url: '/v1/projects', headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: { name: 'shop' } });
  return app;
}

async function indexNames(store: Store): Promise<string[]> {
  const q = store.dialect === 'sqlite'
    ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name in ('user_events', 'user_sessions') and sql is not null`
    : sql<{ name: string }>`select indexname as name from pg_indexes where tablename in ('user_events', 'user_sessions') and schemaname = current_schema() and indexname not like '%_pk'`;
  return (await q.execute(store.db)).rows.map((r) => r.name).sort();
}

/** A shared device: bob signs in on s1 and out, then alice browses anonymously and signs in on s1. */
async function sharedDevice(app: FastifyInstance): Promise<void> {
  await app.rouge.use(catalogModule).events.write('shop', [
    ev('b1', 1, { userId: 'bob', sessionId: 's1' }),
    ev('a1', 3, { sessionId: 's1' }),
    ev('a2', 4, { sessionId: 's1' }),
    ev('x1', 5, { sessionId: 's2' }),
  ]);
  await app.rouge.use(catalogModule).events.write('shop', [ev('a3', 6, { userId: 'alice', sessionId: 's1' }), ev('b2', 7, { userId: 'bob' })]);
  // A late copy of bob's older sign-in on s1 must not take the session back.
  await app.rouge.use(catalogModule).events.write('shop', [ev('b0', 0, { userId: 'bob', sessionId: 's1' })]);
}

async function histories(app: FastifyInstance): Promise<Record<string, string[]>> {
  const ids = async (u: string) => (await app.rouge.use(catalogModule).events.history('shop', u)).map((e) => e.eventId);
  return { alice: await ids('alice'), bob: await ids('bob'), carol: await ids('carol') };
}

describe.each(STORE_KINDS)('user event storage on %s', (kind) => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("gives a session's anonymous events to the user it is linked to, and signed-in events only to their user", async () => {
    app = await appOn(reopenable(kind)(CATALOG_MIGRATIONS));
    await sharedDevice(app);
    expect(await app.rouge.use(catalogModule).events.userOfSession('shop', 's1')).toBe('alice');
    expect(await histories(app)).toEqual({ alice: ['a1', 'a2', 'a3'], bob: ['b0', 'b1', 'b2'], carol: [] });
    const limited = await app.rouge.use(catalogModule).events.history('shop', 'alice', 2);
    expect(limited.map((e) => e.eventId)).toEqual(['a1', 'a2']);
  });

  it('counts ids repeated within a batch once and keeps every field through the JSON batch statement', async () => {
    app = await appOn(reopenable(kind)(CATALOG_MIGRATIONS));
    const full = {
      eventId: 'e-ü-1', type: 'purchase', userId: 'u"1', sessionId: "s'1", itemIds: ['SKU-1', 'SKU-2'], query: 'rouge à lèvres "mat"\n',
      eventTime: '2026-01-01T01:00:00+01:00', variant: 'B', recommendationId: 'rec-1', resolvedBidId: 'bid-1', value: { amount: Number.MAX_SAFE_INTEGER, currency: 'EUR' },
    };
    expect(await app.rouge.use(catalogModule).events.write('shop', [full, ev('e-2', 1, { sessionId: 's2' }), { ...full, type: 'view' }])).toEqual({ written: 2, duplicates: 1 });
    expect(await app.rouge.use(catalogModule).events.write('shop', [ev('e-2', 1, { sessionId: 's2' }), ev('e-3', 2, { userId: 'u2' })])).toEqual({ written: 1, duplicates: 1 });
    const stored = [];
    for await (const e of app.rouge.use(catalogModule).events.export('shop', undefined)) stored.push(e);
    expect(stored).toEqual([
      { ...full, eventTime: '2026-01-01T00:00:00.000Z' },
      { eventId: 'e-2', type: 'view', sessionId: 's2', itemIds: ['SKU-1'], eventTime: at(1) },
      { eventId: 'e-3', type: 'view', userId: 'u2', itemIds: ['SKU-1'], eventTime: at(2) },
    ]);
    expect(await app.rouge.use(catalogModule).events.userOfSession('shop', "s'1")).toBe('u"1');
  });

  it('stores a lone surrogate half as U+FFFD, as a bound string would be, instead of refusing the batch', async () => {
    app = await appOn(reopenable(kind)(CATALOG_MIGRATIONS));
    const odd = { ...ev('e-1', 1, { userId: 'u\ud800', sessionId: 's\\ud800' }), query: '\udfff\\\ud83d' };
    expect(await app.rouge.use(catalogModule).events.write('shop', [odd])).toEqual({ written: 1, duplicates: 0 });
    const [stored] = await app.rouge.use(catalogModule).events.history('shop', 'u\ufffd');
    expect(stored).toMatchObject({ userId: 'u\ufffd', sessionId: 's\\ud800', query: '\ufffd\\\ufffd' });
  });

  it('upgrades the first schema in place: one partial index per visitor kind, no index on the links by user, the same histories', async () => {
    const open = reopenable(kind);
    const before = await appOn(open(FIRST_SCHEMA));
    // Today's code writes columns later migrations add: they exist for the writes, then go, so the upgrade starts from the first schema.
    const later = ['line_items', 'page_categories'];
    for (const c of later) await sql`alter table user_events add column ${sql.raw(c)} text`.execute(before.rouge.store.db);
    await sharedDevice(before);
    const old = await histories(before);
    for (const c of later) await sql`alter table user_events drop column ${sql.raw(c)}`.execute(before.rouge.store.db);
    expect(await indexNames(before.rouge.store)).toEqual(['user_events_session', 'user_events_time', 'user_events_user', 'user_sessions_user']);
    await before.close();
    app = await buildApp({ config: { bootstrapAdminKey: ADMIN_KEY }, store: open(CATALOG_MIGRATIONS), closeStore: true });
    expect(await indexNames(app.rouge.store)).toEqual(['user_events_anonymous', 'user_events_signed_in', 'user_events_time']);
    expect(await histories(app)).toEqual(old);
  });

  it.runIf(kind === 'sqlite')("finds a user's history through the partial indexes, not by scanning (SQLite only: it reads SQLite's query plan)", async () => {
    app = await appOn(reopenable(kind)(CATALOG_MIGRATIONS));
    await sharedDevice(app);
    const q = new EventStore(app.rouge.store).historyQuery('shop', 'alice', 10).compile();
    const plan = (await app.rouge.store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]))).rows.map((r) => r.detail);
    expect(plan.join('\n')).toMatch(/user_events_signed_in/);
    expect(plan.join('\n')).toMatch(/user_events_anonymous/);
    expect(plan.join('\n')).not.toMatch(/SCAN user_events(?! USING)/);
  });

  it.runIf(kind === 'sqlite')("reads a shopper's live history through the partial indexes, never the project's time index (SQLite only)", async () => {
    const opened = await appOn(reopenable(kind)(CATALOG_MIGRATIONS));
    app = opened;
    await sharedDevice(opened);
    const store = new EventStore(opened.rouge.store);
    const planOf = async (q: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
      const c = q.compile();
      return (await opened.rouge.store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]))).rows.map((r) => r.detail).join('\n');
    };
    const session = await planOf(store.recentOfSessionQuery('shop', 's2'));
    expect(session).toMatch(/user_events_anonymous/);
    expect(session).not.toMatch(/user_events_time/);
    const own = await planOf(store.ownEventsQuery('shop', 'alice'));
    expect(own).toMatch(/user_events_signed_in/);
    expect(own).not.toMatch(/user_events_time/);
    // And the answers are the newest first, the user's linked sessions included.
    expect((await store.recentOfUser('shop', 'alice', 50)).map((r) => r.event_id)).toEqual(['a3', 'a2', 'a1']);
    expect((await store.recentOfUser('shop', 'alice', 2)).map((r) => r.event_id)).toEqual(['a3', 'a2']);
    expect((await store.recentOfSession('shop', 's2', 50)).map((r) => r.event_id)).toEqual(['x1']);
  });
});
