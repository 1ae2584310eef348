/**
 * A worker killed mid-step, with real processes: `rouge serve --roles worker`
 * runs a pipeline's command step, the test kills it with SIGKILL while the
 * step runs, starts another worker on the same store (a SQLite file, or a
 * PostgreSQL schema), and the run goes on there: the step runs again (the
 * killed attempt is not counted against its retries), the next step runs
 * once, and the run ends SUCCEEDED once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, buildApp } from '../src/app.js';
import { openPostgresStore, openSqliteStore, type Store } from '../src/platform/index.js';
import { ADMIN_KEY, bearer } from './helpers/app.js';
import { STORE_KINDS, TEST_DATABASE_URL, freshSchema } from './helpers/stores.js';
import { until } from './helpers/until.js';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const P = 'crash-shop';
// Secrets every process of the deployment shares, so no process generates its own into the data dir.
const SECRETS = { ROUGE_KEY_PEPPER: 'p'.repeat(40), ROUGE_BID_SIGNING_KEY: 'b'.repeat(40), ROUGE_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY };
const LEASE_SECONDS = 3;

/**
 * The step's program, run by whichever worker holds the step: the first run
 * records itself and then waits (its worker is killed meanwhile; it exits once
 * its parent is gone, as it would with a pod), the second fails, the third
 * succeeds with an output. Each run appends its pid to the marker file.
 */
const STEP = `const fs = require('fs');
const f = process.argv[1];
const before = fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\\n').filter(Boolean).length : 0;
fs.appendFileSync(f, process.pid + '\\n');
if (before === 0) { const ppid = process.ppid; setInterval(() => { if (process.ppid !== ppid) process.exit(0); }, 100); }
else if (before === 1) { console.log('failing once on purpose'); process.exit(3); }
else console.log('rouge-output: ' + JSON.stringify({ runs: before + 1 }));`;
const AFTER = "require('fs').appendFileSync(process.argv[1], 'ran\\n')";

/** What each worker printed on stderr, for the message of a test that fails. */
const stderrOf = new WeakMap<ChildProcess, { text: string }>();
const told = (child: ChildProcess | undefined) => (child ? `; its stderr: ${stderrOf.get(child)?.text.slice(-2000) || '(empty)'}` : '');

/** `rouge serve --roles worker` on the given store; resolves once it listens. */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'serve', '--roles', 'worker', '--port', '0', '--log-level', 'warn'], {
    cwd: mkdtempSync(join(tmpdir(), 'rouge-crash-cwd-')),
    env: { PATH: process.env.PATH ?? '', ...SECRETS, ROUGE_PIPELINE_STEP_LEASE_SECONDS: String(LEASE_SECONDS), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const err = { text: '' };
  stderrOf.set(child, err);
  child.stderr!.on('data', (chunk: Buffer) => (err.text += chunk.toString()));
  // Starting the whole app under the tsx loader takes seconds on a busy machine: a deadline of its own.
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('the worker did not start listening within 90 s')), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/listening on/.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code} before it listened${told(child)}`));
    });
  });
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe.each(STORE_KINDS)('a worker killed mid-step on %s', (kind) => {
  it('runs the step again in another worker without using up a retry, runs the next step once, and ends the run SUCCEEDED once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rouge-crash-'));
    let store: Store;
    let env: Record<string, string>;
    if (kind === 'sqlite') {
      store = openSqliteStore(join(dir, 'rouge.db'), ALL_MIGRATIONS);
      env = { ROUGE_DATA_DIR: dir };
    } else {
      const schema = freshSchema();
      store = openPostgresStore({ url: TEST_DATABASE_URL!, schema }, ALL_MIGRATIONS);
      env = { ROUGE_DATABASE_URL: TEST_DATABASE_URL!, ROUGE_DATABASE_SCHEMA: schema, ROUGE_DATA_DIR: dir };
    }
    // The API in this process, on the same store: it runs no worker, so only the child processes run steps.
    const api: FastifyInstance = await buildApp({
      config: { roles: ['api'], dataDir: dir, keyPepper: SECRETS.ROUGE_KEY_PEPPER, bidSigningKey: SECRETS.ROUGE_BID_SIGNING_KEY, bootstrapAdminKey: ADMIN_KEY },
      store, closeStore: true, logger: false,
    });
    const call = (o: InjectOptions) => api.inject({ ...o, headers: { ...bearer(ADMIN_KEY), ...(o.headers as Record<string, string>) } });
    const getRun = async (id: string) => (await call({ url: `/v1/projects/${P}/pipelineRuns/${id}` })).json() as { state: string; steps: Array<{ name: string; state: string; attempt: number; outputs?: Record<string, unknown> }> };
    let first: ChildProcess | undefined;
    let second: ChildProcess | undefined;
    try {
      expect((await call({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
      const marker = join(dir, 'work.marker');
      const afterMarker = join(dir, 'after.marker');
      const source = `name: crashy
steps:
  - name: work
    kind: command
    retries: { limit: 1, backoffSeconds: 0 }
    with: { command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(STEP)}, ${JSON.stringify(marker)}] }
  - name: after
    kind: command
    needs: [work]
    with: { command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(AFTER)}, ${JSON.stringify(afterMarker)}] }
`;
      const put = await call({ method: 'PUT', url: `/v1/projects/${P}/pipelines/crashy`, payload: { source } });
      expect(put.statusCode, put.body).toBe(200);
      first = await startWorker(env);
      const started = await call({ method: 'POST', url: `/v1/projects/${P}/pipelines/crashy:run`, payload: {} });
      expect(started.statusCode, started.body).toBe(200);
      const runId = started.json().runId as string;

      await until('the first worker to be running the step', async () => {
        if (first!.exitCode !== null) throw new Error(`the first worker exited (${first!.exitCode}) before it ran the step${told(first)}`);
        return lines(marker).length === 1 && (await getRun(runId)).steps[0]!.state === 'RUNNING' ? true : undefined;
      }, 60_000);
      await kill(first);
      expect((await getRun(runId)).state).toBe('RUNNING'); // killed mid-step, not after it

      second = await startWorker(env);
      const done = await until('the run to end', async () => {
        const r = await getRun(runId);
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.state) ? r : undefined;
      }, 90_000);
      expect(done.state, `${JSON.stringify(done.steps)}${told(second)}`).toBe('SUCCEEDED');
      // Three runs of the step: killed with its worker, failed once (its one retry), succeeded.
      const [work, after] = done.steps;
      expect(work).toMatchObject({ state: 'SUCCEEDED', attempt: 3, outputs: { exitCode: 0, runs: 3 } });
      expect(new Set(lines(marker)).size).toBe(3);
      expect(after).toMatchObject({ state: 'SUCCEEDED', attempt: 1 });
      expect(lines(afterMarker)).toEqual(['ran']);
      const log = ((await call({ url: `/v1/projects/${P}/pipelineRuns/${runId}/logs?step=work` })).json().lines as Array<{ line: string }>).map((l) => l.line);
      expect(log).toEqual(expect.arrayContaining([
        'attempt 2 started (0 of 2 allowed failures so far; 1 earlier attempt lost with a worker that stopped, not counted)',
        'failing once on purpose',
        'attempt 3 started (1 of 2 allowed failures so far; 1 earlier attempt lost with a worker that stopped, not counted)',
      ]));
      // One run, and it ended once.
      const runs = (await call({ url: `/v1/projects/${P}/pipelineRuns?pipeline=crashy` })).json().pipelineRuns as unknown[];
      expect(runs).toHaveLength(1);
      const events = (await call({ url: `/v1/projects/${P}/cloudEvents?pageSize=1000` })).json().cloudEvents as Array<{ type: string; subject: string }>;
      expect(events.filter((e) => e.subject === `pipelineRuns/${runId}` && e.type === 'rouge.pipeline.run.succeeded')).toHaveLength(1);
    } finally {
      await kill(first);
      await kill(second);
      await api.close();
    }
  }, 240_000);
});
