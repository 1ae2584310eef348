import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../src/app.js';
import { JobStore, JobWorker, openPostgresStore, openSqliteStore, type Store } from '../src/platform/index.js';
import { STORE_KINDS, TEST_DATABASE_URL, freshSchema } from './helpers/stores.js';
import { until } from './helpers/until.js';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * Resolves when the child prints `ready`. Starting a child under the tsx loader
 * takes seconds on a busy CI machine (it compiles the platform on the fly), so
 * that wait gets its own generous deadline instead of eating the job's.
 */
function childReady(child: ChildProcess, ms = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the worker child did not print ready within ${ms} ms`)), ms);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker child exited with ${code} before it was ready`));
    });
  });
}

describe.each(STORE_KINDS)('a worker killed mid-job on %s', (kind) => {
  it('runs the job again after its lease and completes it once', async () => {
    let store: Store;
    let args: string[];
    if (kind === 'sqlite') {
      const file = join(mkdtempSync(join(tmpdir(), 'rouge-crash-')), 'rouge.db');
      store = openSqliteStore(file, ALL_MIGRATIONS);
      args = [file];
    } else {
      const schema = freshSchema();
      store = openPostgresStore({ url: TEST_DATABASE_URL!, schema }, ALL_MIGRATIONS);
      args = [TEST_DATABASE_URL!, schema];
    }
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'test/fixtures/job-worker.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = childReady(child);
    ready.catch(() => undefined); // awaited below; this keeps an early failure from going unhandled
    try {
      await store.migrate();
      await ready;
      const queue = new JobStore(store);
      const { job } = await queue.enqueue('p', 'crashy', { n: 1 }, { maxAttempts: 3 });
      const started = await until('the child to start the job', async () => {
        if (child.exitCode !== null) throw new Error(`the worker child exited (${child.exitCode}) before it started the job`);
        const row = await queue.get('p', job.id);
        return row?.progress ? row : undefined;
      });
      expect(started).toMatchObject({ state: 'running', attempts: 1 });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      let completions = 0;
      const worker = new JobWorker(queue, { pollMs: 20 });
      worker.register('crashy', async (payload: { n: number }) => {
        completions++;
        return { doubled: payload.n * 2 };
      }, { leaseMs: 600 });
      worker.start();
      const done = await until('the job to succeed', async () => {
        const row = await queue.get('p', job.id);
        return row?.state === 'succeeded' ? row : undefined;
      });
      await worker.stop();
      expect(done.attempts).toBe(2);
      expect(JSON.parse(done.result!)).toEqual({ doubled: 2 });
      expect(completions).toBe(1);
    } finally {
      child.kill('SIGKILL');
      await store.close();
    }
  }, 180_000);
});
