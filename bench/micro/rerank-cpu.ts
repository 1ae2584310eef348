/**
 * What re-ranking adds to a `:recommend` call, in process (no HTTP): a
 * generated shop of BENCH_ITEMS items and BENCH_EVENTS events, trained; the
 * demo's logistic-regression ranker deployed on an endpoint; then `search`
 * and `search` re-ranking its best 50 candidates, BENCH_CALLS each, over the
 * same queries (warm: every query seen once before measuring). Prints
 * microseconds of CPU per call.
 *
 *   npx tsx bench/micro/rerank-cpu.ts
 *   node --cpu-prof --import tsx bench/micro/rerank-cpu.ts   # with a profile
 */
import { Readable } from 'node:stream';
import { buildApp } from '../../src/app.js';
import { generateCatalog } from '../../src/demo/catalog.js';
import { generateEvents } from '../../src/demo/events.js';
import { RANKER_ONNX } from '../../src/demo/ranker.js';
import { placementsModule } from '../../src/placements/index.js';
import { registryModule } from '../../src/registry/index.js';
import { servingModule } from '../../src/serving/index.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 20_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const KEY = `rk_benchcpu01_${'A1b2C3d4E5'.repeat(4)}xyz`;
const P = 'bench';

const opts = { seed: 1, items: ITEMS, events: EVENTS, users: Math.round(EVENTS / 20), baseUrl: 'http://localhost:8080' };
const app = await buildApp({ config: { bootstrapAdminKey: KEY, rateLimitPerSecond: 0 }, workerPollMs: 20, logger: false });
const inject = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: method as 'POST', url, payload: payload as never, headers: { authorization: `Bearer ${KEY}`, ...headers } });
const wait = async (name: string) => {
  for (;;) {
    const op = (await inject('GET', `/v1/${name}`)).json();
    if (op.done) return op;
    await new Promise((r) => setTimeout(r, 100));
  }
};
await inject('POST', '/v1/projects', { name: P });
const items = generateCatalog(opts);
await wait((await inject('POST', `/v1/projects/${P}/catalog/items:import`, items.map((i) => JSON.stringify(i)).join('\n'), { 'content-type': 'application/x-ndjson' })).json().name);
const lines = [...generateEvents(items, opts)].map((e) => JSON.stringify(e));
await wait((await inject('POST', `/v1/projects/${P}/userEvents:import`, lines.join('\n'), { 'content-type': 'application/x-ndjson' })).json().name);
await wait((await inject('POST', `/v1/projects/${P}/recs:train`, { alias: 'champion' })).json().name);
const registry = app.rouge.use(registryModule);
await registry.models.create(P, { name: 'ranker' });
await registry.versions.create(P, 'ranker', { framework: 'onnx', aliases: ['champion'] }, Readable.from([RANKER_ONNX]), 'bench');
await inject('POST', `/v1/projects/${P}/endpoints`, { name: 'ranker' });
await wait((await inject('POST', `/v1/projects/${P}/endpoints/ranker:deployModel`, { deployedModel: { model: 'ranker@champion' }, trafficSplit: { '0': 100 } })).json().name);
await inject('POST', `/v1/projects/${P}/recommenders`, { name: 'search', kind: 'search' });
await inject('POST', `/v1/projects/${P}/recommenders`, { name: 'search-rerank', kind: 'search', rerank: { endpoint: 'ranker', topK: 50 } });
const rec = app.rouge.use(placementsModule).recommender;
const serving = app.rouge.use(servingModule);
const words = [...new Set(items.map((i) => i.categoryPath.at(-1)!.toLowerCase()))];
const queries = Array.from({ length: 200 }, (_, i) => `${words[i % words.length]}`);
const rows = Array.from({ length: 50 }, (_, i) => [1 - i / 50, 0.5, 0.5, 0.5, 1, 0.2, i / 50]);
const runs: Record<string, (i: number) => Promise<unknown>> = {
  search: (i) => rec.recommend(P, 'search', { query: queries[i % queries.length]!, userId: `user-${i % 500}` }),
  'search-rerank': (i) => rec.recommend(P, 'search-rerank', { query: queries[i % queries.length]!, userId: `user-${i % 500}` }),
  'serving.predict, 50 rows alone': () => serving.predict(P, 'ranker', rows),
};
for (const [name, run] of Object.entries(runs)) {
  for (let i = 0; i < queries.length; i++) await run(i);
  const start = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await run(i);
  const cpu = process.cpuUsage(start);
  process.stdout.write(`${name.padEnd(32)} ${((performance.now() - t0) * 1000 / CALLS).toFixed(0)} µs wall, ${((cpu.user + cpu.system) / CALLS).toFixed(0)} µs CPU per call\n`);
}
const sample = (await rec.recommend(P, 'search-rerank', { query: queries[0]!, userId: 'user-1' })) as { notes: string[] };
if (sample.notes.some((n) => n.startsWith('not re-ranked'))) throw new Error(`re-ranking did not run: ${sample.notes.join('; ')}`);
await app.close();
