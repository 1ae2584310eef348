/**
 * What the live history of a personal placement costs: a shopper's own
 * events, then with its linked sessions' (EventStore.recentOfUser), on an
 * in-memory store holding 300,000 generated events. Prints the events per
 * user, the plan of the first lookup, and CPU microseconds per call.
 *   npx tsx bench/micro/live-history.ts
 */
import { CompiledQuery } from 'kysely';
import { buildApp } from '../../src/app.js';
import { generateCatalog } from '../../src/demo/catalog.js';
import { generateEvents } from '../../src/demo/events.js';
const KEY = `rk_benchcpu01_${'A1b2C3d4E5'.repeat(4)}xyz`;
const opts = { seed: 1, items: 20000, events: 300000, users: 15000, baseUrl: 'http://localhost:8080' };
const app = await buildApp({ config: { bootstrapAdminKey: KEY, rateLimitPerSecond: 0 }, workerPollMs: 20, logger: false });
const auth = { authorization: `Bearer ${KEY}` };
const inject = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) => app.inject({ method: method as 'POST', url, payload: payload as never, headers: { ...auth, ...headers } });
const wait = async (name: string) => { for (;;) { const op = (await inject('GET', `/v1/${name}`)).json(); if (op.done) return op; await new Promise((r) => setTimeout(r, 200)); } };
await inject('POST', '/v1/projects', { name: 'bench' });
const items = generateCatalog(opts);
await wait((await inject('POST', '/v1/projects/bench/catalog/items:import', items.map((i) => JSON.stringify(i)).join('\n'), { 'content-type': 'application/x-ndjson' })).json().name);
const lines: string[] = []; const users = new Map<string, number>();
for (const e of generateEvents(items, opts)) { lines.push(JSON.stringify(e)); if (e.userId) users.set(e.userId, (users.get(e.userId) ?? 0) + 1); }
await wait((await inject('POST', '/v1/projects/bench/userEvents:import', lines.join('\n'), { 'content-type': 'application/x-ndjson' })).json().name);
const counts = [...users.values()].sort((a, b) => a - b);
console.log('users', users.size, 'events per user p50', counts[counts.length >> 1], 'p90', counts[Math.floor(counts.length * 0.9)], 'max', counts.at(-1));
const db = app.rouge.store.db;
const plan = async (s: string, p: unknown[]) => (await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${s}`, p))).rows.map((r) => r.detail).join(' | ');
const ids = [...users.keys()];
console.log(await plan(`select event_id, type, item_ids, event_time, session_id from user_events where project = ? and user_id = ?`, ['bench', ids[0]]));
const sess = (await db.executeQuery<{ n: number }>(CompiledQuery.raw(`select count(*) as n from user_sessions where project = 'bench'`, []))).rows[0];
const anon = (await db.executeQuery<{ n: number }>(CompiledQuery.raw(`select count(*) as n from user_events where project = 'bench' and user_id is null`, []))).rows[0];
console.log('sessions linked', sess, 'anonymous events', anon);
const { EventStore } = await import('../../src/catalog/event-store.js');
const es = new EventStore(app.rouge.store);
for (const [label, fn] of [['own', (u: string) => es['own']('bench', u)], ['recentOfUser', (u: string) => es.recentOfUser('bench', u, 50)]] as const) {
  for (let i = 0; i < 500; i++) await fn(ids[i]!);
  const t = process.cpuUsage(); let rows = 0;
  for (let i = 0; i < 3000; i++) rows += (await fn(ids[(i * 7) % ids.length]!)).length;
  const c = process.cpuUsage(t);
  console.log(label, ((c.user + c.system) / 3000).toFixed(0), 'µs CPU per call, rows/call', (rows / 3000).toFixed(1));
}
await app.close();
