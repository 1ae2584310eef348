/**
 * Pipeline scheduling latency, in-process on SQLite (a file, WAL) and on
 * PostgreSQL (with Redis): runs of a chain of instant steps (gates), timed
 * from the steps' recorded times: from `:run` (the run's createTime) to its
 * first step RUNNING, and from a step ending to the next one RUNNING.
 * Run: npx tsx bench/pipelines.ts   Env: BENCH_RUNS (30), BENCH_STEPS (5), BENCH_PG_URL, BENCH_REDIS_URL.
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ALL_MIGRATIONS, buildApp } from '../src/app.js';
import { openPostgresStore, openSqliteStore, type Store } from '../src/platform/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const STEPS = Number(process.env.BENCH_STEPS ?? 5);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = `rk_benchadmin001_${'A1b2C3d4E5'.repeat(4)}xyz`;

const chain = ['name: chain', 'maxActiveRuns: 1', 'steps:', ...Array.from({ length: STEPS }, (_, i) => `  - { name: s${i}, kind: gate, ${i ? `needs: [s${i - 1}], ` : ''}with: { metric: 1, threshold: 0 } }`)].join('\n');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function measure(name: string, store: Store, extra: Record<string, unknown>) {
  const app = await buildApp({ config: { bootstrapAdminKey: KEY, ...extra }, store, closeStore: true });
  const auth = { authorization: `Bearer ${KEY}` };
  const project = `bench-${Date.now().toString(36)}`;
  await app.inject({ method: 'POST', url: '/v1/projects', headers: auth, payload: { name: project } });
  await app.inject({ method: 'PUT', url: `/v1/projects/${project}/pipelines/chain`, headers: auth, payload: { source: chain } });
  const toFirst: number[] = [];
  const between: number[] = [];
  const whole: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = (await app.inject({ method: 'POST', url: `/v1/projects/${project}/pipelines/chain:run`, headers: auth })).json() as { runId: string; createTime: string };
    let run: { state: string; endTime?: string; steps: Array<{ startTime?: string; endTime?: string }> };
    for (;;) {
      run = (await app.inject({ url: `/v1/projects/${project}/pipelineRuns/${started.runId}`, headers: auth })).json();
      if (run.state === 'SUCCEEDED' || run.state === 'FAILED') break;
      await new Promise((res) => setTimeout(res, 5));
    }
    const t = (s?: string) => Date.parse(s!);
    toFirst.push(t(run.steps[0]!.startTime) - t(started.createTime));
    for (let i = 1; i < run.steps.length; i++) between.push(t(run.steps[i]!.startTime) - t(run.steps[i - 1]!.endTime));
    whole.push(t(run.endTime) - t(started.createTime));
  }
  await app.close();
  const row = { store: name, runs: RUNS, steps: STEPS, runToFirstStepMs: { p50: pct(toFirst, 50), p95: pct(toFirst, 95) }, stepToNextMs: { p50: pct(between, 50), p95: pct(between, 95) }, wholeRunMs: { p50: pct(whole, 50), p95: pct(whole, 95) } };
  console.log(JSON.stringify(row));
  return row;
}

const keepAlive = setInterval(() => undefined, 1000);
console.log(`# ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, Node ${process.version}; a chain of ${STEPS} instant steps, ${RUNS} runs each`);
const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-pipelines-'));
await measure('sqlite (file, WAL)', openSqliteStore(join(dir, 'rouge.db'), ALL_MIGRATIONS), {});
const schema = `bench_pipelines_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
try {
  await measure('postgres + redis', openPostgresStore({ url: PG_URL, schema, poolSize: 10 }, ALL_MIGRATIONS), { redisUrl: REDIS_URL, cachePrefix: `${schema}:` });
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
  clearInterval(keepAlive);
}
