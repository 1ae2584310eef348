/**
 * Jobs per second through the queue with no-op handlers, on SQLite (a file, WAL)
 * and on PostgreSQL: enqueue N jobs, then time one worker (concurrency C) from
 * start until every job has succeeded. Run: npm run bench:jobs
 * Env: BENCH_JOBS (default 5000), BENCH_CONCURRENCY (default 32), BENCH_PG_URL.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ALL_MIGRATIONS } from '../src/app.js';
import { JobStore, JobWorker, openPostgresStore, openSqliteStore, type Store } from '../src/platform/index.js';

const N = Number(process.env.BENCH_JOBS ?? 5000);
const C = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function measure(name: string, store: Store): Promise<Record<string, unknown>> {
  await store.migrate();
  const queue = new JobStore(store);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await queue.enqueue('bench', 'noop', { i });
  const enqueueMs = performance.now() - t0;
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const worker = new JobWorker(queue, { pollMs: 5, defaultConcurrency: C });
  worker.register('noop', async () => {
    if (++done === N) setImmediate(resolveAll);
    return null;
  });
  const t1 = performance.now();
  worker.start();
  await all;
  // The last handler has returned; wait until its outcome is recorded.
  for (;;) {
    const open = await queue.countOpen('bench');
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const runMs = performance.now() - t1;
  await worker.stop();
  const row = { store: name, jobs: N, concurrency: C, enqueuePerSec: Math.round(N / (enqueueMs / 1000)), jobsPerSec: Math.round(N / (runMs / 1000)) };
  console.log(row);
  return row;
}

// The worker's timers are unref'd (they must not keep a server alive); keep this script alive.
const keepAlive = setInterval(() => undefined, 1000);
const results: Record<string, unknown>[] = [];
const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-jobs-'));
const sqlite = openSqliteStore(join(dir, 'rouge.db'), ALL_MIGRATIONS);
results.push(await measure('SQLite (file, WAL)', sqlite));
await sqlite.close();

const schema = `bench_jobs_${process.pid}`;
try {
  const store = openPostgresStore({ url: PG_URL, schema }, ALL_MIGRATIONS);
  results.push(await measure('PostgreSQL', store));
  await store.close();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
} catch (e) {
  console.log(`PostgreSQL skipped: ${(e as Error).message}`);
}

console.log('\n| store | jobs | worker concurrency | enqueue/s (sequential) | jobs/s (claim, run no-op, record) |\n|---|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.store} | ${r.jobs} | ${r.concurrency} | ${r.enqueuePerSec} | ${r.jobsPerSec} |`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/jobs.json', JSON.stringify(results, null, 2));
clearInterval(keepAlive);
