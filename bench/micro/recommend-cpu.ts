/**
 * Where a `:recommend` request spends its CPU, in process (no HTTP): a
 * generated shop of BENCH_ITEMS items and BENCH_EVENTS events, trained, then
 * each kind called BENCH_CALLS times. Prints microseconds per call.
 *
 *   npx tsx bench/micro/recommend-cpu.ts
 *   node --cpu-prof --import tsx bench/micro/recommend-cpu.ts   # with a profile
 */
import { buildApp } from '../../src/app.js';
import { generateCatalog } from '../../src/demo/catalog.js';
import { generateEvents } from '../../src/demo/events.js';
import { placementsModule } from '../../src/placements/index.js';


const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 300_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const KEY = `rk_benchcpu01_${'A1b2C3d4E5'.repeat(4)}xyz`;

const opts = { seed: 1, items: ITEMS, events: EVENTS, users: Math.round(EVENTS / 20), baseUrl: 'http://localhost:8080' };
const app = await buildApp({ config: { bootstrapAdminKey: KEY, rateLimitPerSecond: 0 }, workerPollMs: 20, logger: false });
const auth = { authorization: `Bearer ${KEY}` };
const inject = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) => app.inject({ method: method as 'POST', url, payload: payload as never, headers: { ...auth, ...headers } });
const wait = async (name: string) => {
  for (;;) {
    const op = (await inject('GET', `/v1/${name}`)).json();
    if (op.done) return op;
    await new Promise((r) => setTimeout(r, 200));
  }
};
await inject('POST', '/v1/projects', { name: 'bench' });
const items = generateCatalog(opts);
let t = Date.now();
const itemsOp = (await inject('POST', '/v1/projects/bench/catalog/items:import', items.map((i) => JSON.stringify(i)).join('\n'), { 'content-type': 'application/x-ndjson' })).json();
await wait(itemsOp.name);
const lines: string[] = [];
const users: string[] = [];
for (const e of generateEvents(items, opts)) {
  lines.push(JSON.stringify(e));
  if (e.userId && users.length < 5000) users.push(e.userId);
}
const eventsOp = (await inject('POST', '/v1/projects/bench/userEvents:import', lines.join('\n'), { 'content-type': 'application/x-ndjson' })).json();
await wait(eventsOp.name);
process.stderr.write(`loaded ${items.length} items, ${lines.length} events in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
t = Date.now();
const trained = await wait((await inject('POST', '/v1/projects/bench/recs:train', { alias: 'champion' })).json().name);
process.stderr.write(`trained in ${((Date.now() - t) / 1000).toFixed(1)} s: ${JSON.stringify(trained.error ?? trained.response.modelVersion)}\n`);
for (const kind of ['search', 'similar', 'for-you']) await inject('POST', '/v1/projects/bench/recommenders', { name: kind, kind });
const rec = app.rouge.use(placementsModule).recommender;
const words = [...new Set(items.flatMap((i) => i.title.toLowerCase().split(/[^a-z]+/)).filter((w) => w.length > 3))].slice(0, 200);
const bodies: Record<string, (i: number) => Record<string, unknown>> = {
  search: (i) => ({ query: words[i % words.length] }),
  similar: (i) => ({ itemIds: [items[(i * 7919) % items.length]!.id] }),
  'for-you': (i) => ({ userId: users[i % users.length] }),
};
// BENCH_HTTP=1: through a real socket and the fast lane, as the storefront calls it.
const viaHttp = process.env.BENCH_HTTP === '1';
const base = viaHttp ? await app.listen({ port: 0, host: '127.0.0.1' }) : '';
const call = async (kind: string, body: Record<string, unknown>) => {
  if (!viaHttp) return rec.recommend('bench', kind, body);
  const res = await fetch(`${base}/v1/projects/bench/recommenders/${kind}:recommend`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${kind}: ${res.status} ${await res.text()}`);
  return res.json();
};
for (const kind of Object.keys(bodies)) {
  for (let i = 0; i < 20; i++) await call(kind, bodies[kind]!(i));
  const start = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await call(kind, bodies[kind]!(i + 20));
  const cpu = process.cpuUsage(start);
  process.stdout.write(`${kind.padEnd(8)} ${((performance.now() - t0) * 1000 / CALLS).toFixed(0)} µs wall, ${((cpu.user + cpu.system) / CALLS).toFixed(0)} µs CPU per call\n`);
}
await app.close();

