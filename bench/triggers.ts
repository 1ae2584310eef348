/**
 * Triggers, in-process on SQLite (a file, WAL) and on PostgreSQL (with
 * Redis): (1) 1,000 schedules due in the same minute: how long one pass of
 * the trigger loop takes to record every firing and start every run (the
 * pipeline is one approval step, so a run costs its start only); (2) an HTTP
 * function called with a Rouge-Signature: latency from the request to the
 * answer naming the started run, over real HTTP.
 * Run: npx tsx bench/triggers.ts   Env: BENCH_SCHEDULES (1000), BENCH_CALLS (200), BENCH_PG_URL, BENCH_REDIS_URL.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ALL_MIGRATIONS, buildApp } from '../src/app.js';
import { pipelinesModule } from '../src/pipelines/index.js';
import { signatureHeader } from '../src/pipelines/triggers/signature.js';
import { openPostgresStore, openSqliteStore, type Store } from '../src/platform/index.js';

const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 1000);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = `rk_benchadmin001_${'A1b2C3d4E5'.repeat(4)}xyz`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function measure(name: string, store: Store, extra: Record<string, unknown>) {
  const app = await buildApp({ config: { bootstrapAdminKey: KEY, ...extra }, store, closeStore: true });
  const auth = { authorization: `Bearer ${KEY}` };
  const project = `bench-${Date.now().toString(36)}`;
  await app.inject({ method: 'POST', url: '/v1/projects', headers: auth, payload: { name: project } });
  await app.inject({ method: 'PUT', url: `/v1/projects/${project}/pipelines/wait`, headers: auth, payload: { source: 'name: wait\nmaxActiveRuns: 100\nsteps:\n  - { name: wait, kind: approval }\n' } });
  const now = new Date();
  const due = new Date(Math.ceil(now.getTime() / 60_000) * 60_000 + 60_000).toISOString();
  const spec = JSON.stringify({ schedule: '* * * * *', timeZone: 'Etc/UTC', overlapPolicy: 'allow', catchUpWindowSeconds: 0, parameters: {}, maxPausedSeconds: 86_400 });
  const rows = Array.from({ length: SCHEDULES }, (_, i) => ({ project, name: `s-${i}`, pipeline: 'wait', kind: 'schedule', spec, secret: null, run_as: 'user:admin', paused: 0, next_fire_time: due, cursor: null, create_time: now.toISOString(), update_time: now.toISOString() }));
  for (let i = 0; i < rows.length; i += 200) await app.rouge.store.typed<any>().insertInto('pipeline_triggers').values(rows.slice(i, i + 200)).execute();
  const t0 = performance.now();
  const pass = await app.rouge.use(pipelinesModule).tickTriggers(new Date(Date.parse(due) + 1000));
  const passMs = performance.now() - t0;

  const made = (await app.inject({ method: 'POST', url: `/v1/projects/${project}/triggers`, headers: auth, payload: { triggerId: 'hook', pipeline: 'wait', http: true } })).json() as { signingSecret: string };
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/projects/${project}/triggers/hook:invoke`;
  const lat: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const body = JSON.stringify({});
    const s = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'rouge-signature': signatureHeader(made.signingSecret, body + ' '.repeat(i)), 'idempotency-key': `k${i}` }, body: body + ' '.repeat(i) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`invoke answered ${res.status}`);
    lat.push(performance.now() - s);
  }
  await app.close();
  const row = { store: name, schedules: SCHEDULES, onePass: { fired: pass.fired, delivered: pass.delivered, ms: Math.round(passMs), perFiringMs: +(passMs / SCHEDULES).toFixed(2) }, signedInvokeMs: { calls: CALLS, p50: +pct(lat, 50).toFixed(1), p95: +pct(lat, 95).toFixed(1) } };
  console.log(JSON.stringify(row));
}

const keepAlive = setInterval(() => undefined, 1000);
console.log(`# ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, Node ${process.version}; ${SCHEDULES} schedules due at once, ${CALLS} signed calls`);
const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-triggers-'));
await measure('sqlite (file, WAL)', openSqliteStore(join(dir, 'rouge.db'), ALL_MIGRATIONS), {});
const schema = `bench_triggers_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
try {
  await measure('postgres + redis', openPostgresStore({ url: PG_URL, schema, poolSize: 10 }, ALL_MIGRATIONS), { redisUrl: REDIS_URL, cachePrefix: `${schema}:` });
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
  clearInterval(keepAlive);
}
