import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { writeDuringDelete } from './helpers/project-delete.js';
import { STORE_KINDS } from './helpers/stores.js';
import { catalogModule } from '../src/catalog/index.js';
import { finished, jsonl, reasonOf, violationsOf } from './catalog-helpers.js';

const now = () => new Date().toISOString();
const ev = (i: number, extra: Record<string, unknown> = {}) => ({ eventId: `e-${i}`, type: 'view', userId: 'u1', itemIds: ['SKU-1'], eventTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), ...extra });

describe.each(STORE_KINDS)('user events on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'shop' } });
  });
  afterEach(async () => {
    await app.close();
  });
  const write = (events: unknown[]) => app.inject({ method: 'POST', url: '/v1/projects/shop/userEvents:write', payload: { events } });
  const exported = async (query = '') => {
    const res = await app.inject({ url: `/v1/projects/shop/userEvents:export${query}` });
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    return res.body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  };

  it('writes a batch and stores a resent batch once', async () => {
    const batch = Array.from({ length: 500 }, (_, i) => ev(i));
    expect((await write(batch)).json()).toEqual({ written: 500, duplicates: 0 });
    expect((await write(batch)).json()).toEqual({ written: 0, duplicates: 500 });
    const partly = (await write([ev(499), ev(500)])).json();
    expect(partly).toEqual({ written: 1, duplicates: 1 });
    expect(await exported()).toHaveLength(501);
  });

  it('refuses a whole batch when some events are bad, listing each bad index and reason, and writes nothing', async () => {
    const future = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString();
    const res = await write([
      ev(0),
      ev(1, { eventTime: future }),
      ev(2, { type: 'teleport' }),
      ev(3, { userId: undefined }),
      ev(4, { value: { amount: 100, currency: 'QQQ' } }),
      ev(5),
    ]);
    expect(res.statusCode).toBe(400);
    expect(reasonOf(res)).toBe('USER_EVENTS_INVALID');
    const v = violationsOf(res);
    expect(v.map((x) => x.field)).toEqual(['events[1].eventTime', 'events[2].type', 'events[3]', 'events[4].value.currency']);
    expect(v.map((x) => x.description.split(':')[0])).toEqual(['EVENT_TIME_IN_FUTURE', 'INVALID_FIELD', 'EVENT_WITHOUT_VISITOR', 'CURRENCY_UNKNOWN']);
    expect(res.json().error.details[0].metadata).toEqual({ invalidIndexes: '1,2,3,4' });
    expect(await exported()).toHaveLength(0);
  });

  it('accepts a session-only event and a clock a few minutes ahead', async () => {
    const ahead = new Date(Date.now() + 5 * 60 * 1000).toISOString();
    expect((await write([ev(0, { userId: undefined, sessionId: 's1', eventTime: ahead })])).statusCode).toBe(200);
  });

  it('refuses a batch of 1,001 events and an empty batch', async () => {
    const big = await write(Array.from({ length: 1001 }, (_, i) => ev(i)));
    expect(big.statusCode).toBe(400);
    expect(violationsOf(big)[0]?.field).toBe('events');
    expect((await write([])).statusCode).toBe(400);
    expect(reasonOf(await app.inject({ method: 'POST', url: '/v1/projects/shop/userEvents:write', payload: { events: [ev(0)], extra: true } }))).toBe('UNKNOWN_FIELD');
  });

  const rowsOf = async (table: string, project: string) =>
    Number((await app.rouge.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('project', '=', project).executeTakeFirstOrThrow()).n);
  const writeIn = (project: string, events: unknown[]) => app.inject({ method: 'POST', url: `/v1/projects/${project}/userEvents:write`, payload: { events } });

  it('answers a write or an import in a project that does not exist with 404 PROJECT_NOT_FOUND, storing nothing', async () => {
    const written = await writeIn('nowhere', [ev(0, { sessionId: 's1' }), ev(1)]);
    expect(written.statusCode).toBe(404);
    expect(reasonOf(written)).toBe('PROJECT_NOT_FOUND');
    expect(written.json().error.message).toContain('nowhere');
    const imported = await app.inject({ method: 'POST', url: '/v1/projects/nowhere/userEvents:import', headers: { 'content-type': 'application/x-ndjson' }, payload: jsonl([ev(2)]) });
    expect(imported.statusCode).toBe(404);
    expect(reasonOf(imported)).toBe('PROJECT_NOT_FOUND');
    for (const table of ['user_events', 'user_sessions', 'jobs']) expect(await rowsOf(table, 'nowhere'), table).toBe(0);
  });

  it('refuses a batch written while the delete of its project is committing, and stores none of it', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'doomed' } });
    const { deleted, written } = await writeDuringDelete(app, kind, 'doomed', () => writeIn('doomed', [ev(0, { sessionId: 's1' }), ev(1)]));
    expect(deleted.statusCode).toBe(200);
    expect(written.statusCode).toBe(404);
    expect(reasonOf(written)).toBe('PROJECT_NOT_FOUND');
    for (const table of ['user_events', 'user_sessions']) expect(await rowsOf(table, 'doomed'), table).toBe(0);
  });

  it('links a session to the user who signs in, so the anonymous history counts for that user', async () => {
    await write([
      ev(1, { userId: undefined, sessionId: 's-anon', type: 'view' }),
      ev(2, { userId: undefined, sessionId: 's-anon', type: 'add_to_cart' }),
      ev(3, { userId: undefined, sessionId: 's-other' }),
    ]);
    await write([ev(4, { userId: 'alice', sessionId: 's-anon', type: 'purchase', value: { amount: 1999, currency: 'EUR' } })]);
    // The services are reached through the app only once the lead wires the catalog into RougeServices.
    const history = await app.rouge.use(catalogModule).events.history('shop', 'alice');
    expect(history.map((e) => e.eventId)).toEqual(['e-1', 'e-2', 'e-4']);
  });

  it('exports events as JSONL in time order, from a given time', async () => {
    await write([ev(5), ev(1), ev(3, { query: 'red lipstick', type: 'search', itemIds: [], value: { amount: 5, currency: 'EUR' } })]);
    const all = await exported();
    expect(all.map((e) => e.eventId)).toEqual(['e-1', 'e-3', 'e-5']);
    expect(all[1]).toEqual({ eventId: 'e-3', type: 'search', userId: 'u1', itemIds: [], query: 'red lipstick', eventTime: '2026-01-01T00:00:03.000Z', value: { amount: 5, currency: 'EUR' } });
    expect((await exported(`?since=${encodeURIComponent('2026-01-01T00:00:03Z')}`)).map((e) => e.eventId)).toEqual(['e-3', 'e-5']);
    expect((await app.inject({ url: '/v1/projects/shop/userEvents:export?since=yesterday' })).statusCode).toBe(400);
  });

  it('exports more events than one page without losing or repeating any', async () => {
    for (let b = 0; b < 5; b++) await write(Array.from({ length: 1000 }, (_, i) => ev(b * 1000 + i, { eventTime: '2026-02-01T00:00:00.000Z' })));
    const all = await exported();
    expect(all).toHaveLength(5000);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(5000);
  });

  it('imports event history as an Operation, skipping duplicates and rejecting bad lines', async () => {
    await write([ev(0)]);
    const body = [jsonl([ev(0), ev(1), ev(2)]), '{not json}\n', jsonl([ev(3, { type: 'nope' }), ev(4, { eventTime: '2999-01-01T00:00:00Z' })])].join('');
    const res = await app.inject({ method: 'POST', url: '/v1/projects/shop/userEvents:import', headers: { 'content-type': 'application/x-ndjson' }, payload: body });
    expect(res.statusCode).toBe(200);
    const op = await finished(app, res.json().name);
    expect(op.response).toMatchObject({ written: 2, duplicates: 1, rejected: 3 });
    expect(op.response.rejections.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([[4, 'LINE_MALFORMED'], [5, 'INVALID_FIELD'], [6, 'EVENT_TIME_IN_FUTURE']]);
    expect(await exported()).toHaveLength(3);
    const csv = await app.inject({ method: 'POST', url: '/v1/projects/shop/userEvents:import', headers: { 'content-type': 'text/csv' }, payload: 'a,b\n' });
    expect(csv.statusCode).toBe(415);
  });
});
