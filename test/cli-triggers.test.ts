/**
 * `rouge triggers` through the real CLI against a live server, and the
 * seed's chain from docs/triggers.md: an HTTP function called by a job that
 * holds only its signing secret (the docs' shell block, run as written with
 * openssl and curl), and a nightly schedule, both starting the pipeline;
 * backfill and dead letters.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinesModule } from '../src/pipelines/index.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';

const P = 'de';
let app: FastifyInstance;
let env: Record<string, string>;
const rouge = (...args: string[]) => runRouge(args, env);
const PIPELINE = 'name: retrain\nmaxActiveRuns: 50\nparameters:\n  minGain: { type: number, default: 0 }\n  since: { type: string, default: "" }\nsteps:\n  - { name: wait, kind: approval }\n';
/** Runs a shell script without blocking this process's event loop: the server it calls runs here. */
const bash = (script: string, vars: Record<string, string>) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { env: { PATH: process.env.PATH ?? '', ...vars } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.on('close', (status) => resolve({ status, stdout, stderr }));
});
const runs = async () => ((await app.inject({ url: `/v1/projects/${P}/pipelineRuns?pageSize=100` })).json() as { pipelineRuns: Array<{ runId: string; trigger?: string; parameters: Record<string, unknown> }> }).pipelineRuns;

beforeAll(async () => {
  app = await buildTestApp('sqlite');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: P };
  expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
  expect((await app.inject({ method: 'PUT', url: `/v1/projects/${P}/pipelines/retrain`, payload: { source: PIPELINE } })).statusCode).toBe(200);
}, CLI_TIMEOUT);
afterAll(() => app?.close());

describe('rouge triggers', () => {
  it('creates an HTTP function, prints its URL and secret once, and the docs\' signed call starts the run', async () => {
    const made = await rouge('triggers', 'create', 'etl-done', '--pipeline', 'retrain', '--http');
    expect(made.code, made.err).toBe(0);
    const url = /URL:\s+(\S+)/.exec(made.out)![1]!;
    const secret = /Signing secret:\s+(rsig_\S+)/.exec(made.out)![1]!;
    expect(made.err).toMatch(/shown only now/);
    const docs = readFileSync(join(import.meta.dirname, '..', 'docs', 'triggers.md'), 'utf8');
    const block = /<!-- signed-call[^>]*-->\n```sh\n([\s\S]*?)```/.exec(docs)![1]!;
    const call = await bash(block, { ROUGE_TRIGGER_URL: url, ROUGE_TRIGGER_SECRET: secret });
    expect(call.status, call.stderr).toBe(0);
    const answer = JSON.parse(call.stdout) as { runId: string; delivery: { state: string } };
    expect(answer.delivery.state).toBe('DELIVERED');
    const run = (await runs()).find((r) => r.runId === answer.runId)!;
    expect(run.parameters.minGain).toBe(0.01);
    expect(run.trigger).toBe(`projects/${P}/triggers/etl-done`);
    // Signed with a wrong secret: refused, and the answer says why.
    const wrong = await bash(block, { ROUGE_TRIGGER_URL: url, ROUGE_TRIGGER_SECRET: 'rsig_wrong' });
    expect(wrong.stdout).toMatch(/TRIGGER_SIGNATURE_INVALID/);
    const invoked = await rouge('triggers', 'invoke', 'etl-done', '--param', 'minGain=0.2', '--idempotency-key', 'etl-1');
    expect(invoked.code, invoked.err).toBe(0);
    expect(invoked.out).toMatch(/Run [0-9A-Z]{26} started/);
    const typo = await rouge('triggers', 'invoke', 'etl-done', '--param', 'minGain=lots');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/minGain is a number/);
  }, CLI_TIMEOUT);

  it('creates a nightly schedule in a time zone that fires once at its time, lists it, and refuses a bad one', async () => {
    const made = await rouge('triggers', 'create', 'nightly', '--pipeline', 'retrain', '--schedule', '0 2 * * *', '--time-zone', 'Asia/Kolkata', '--param', 'since=${{ schedule.date }}');
    expect(made.code, made.err).toBe(0);
    const next = /next fires at (\S+)\./.exec(made.out)![1]!;
    expect(next).toMatch(/T20:30:00.000Z$/);
    const tick = app.rouge.use(pipelinesModule).tickTriggers;
    await tick(new Date(Date.parse(next) + 1000));
    await tick(new Date(Date.parse(next) + 2000));
    const fired = (await runs()).filter((r) => r.trigger === `projects/${P}/triggers/nightly`);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.parameters.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const list = await rouge('triggers', 'list');
    expect(list.out).toMatch(/nightly\s+schedule\s+retrain\s+0 2 \* \* \* \(Asia\/Kolkata\)/);
    expect(list.out).toMatch(/etl-done\s+http\s+retrain/);
    const bad = await rouge('triggers', 'create', 'bad', '--pipeline', 'retrain', '--schedule', '0 0 2 * * *');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/seconds field is not supported/);
    const zone = await rouge('triggers', 'create', 'bad', '--pipeline', 'retrain', '--schedule', '0 2 * * *', '--time-zone', 'Moon/Base');
    expect(zone.err).toMatch(/not an IANA time zone/);
    const both = await rouge('triggers', 'create', 'bad', '--pipeline', 'retrain', '--http', '--schedule', '0 2 * * *');
    expect(both.code).toBe(2);
  }, CLI_TIMEOUT);

  it('backfills a month, then only what is missing', async () => {
    const first = await rouge('triggers', 'backfill', 'nightly', '--from', '2025-11-01', '--to', '2025-11-30', '--only', 'missing');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/30 scheduled time\(s\) from 2025-11-01 to 2025-11-30: 30 run\(s\) queued, 0 left alone/);
    const second = await rouge('triggers', 'backfill', 'nightly', '--from', '2025-11-01', '--to', '2025-11-30');
    expect(second.out).toMatch(/0 run\(s\) queued, 30 left alone/);
    const dates = (await runs()).filter((r) => r.trigger === `projects/${P}/triggers/nightly`).map((r) => r.parameters.since);
    expect(dates).toContain('2025-11-01');
    expect(dates).toContain('2025-11-30');
  }, CLI_TIMEOUT);

  it('lists dead letters and replays one', async () => {
    expect((await app.inject({ method: 'PUT', url: `/v1/projects/${P}/pipelines/typed`, payload: { source: 'name: typed\nparameters:\n  n: { type: integer }\nsteps:\n  - { name: wait, kind: approval }\n' } })).statusCode).toBe(200);
    expect((await rouge('triggers', 'create', 'counted', '--pipeline', 'typed', '--event-type', 'com.shop.count', '--param', 'n=${{ event.data.n }}')).code).toBe(0);
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/cloudEvents`, headers: { 'content-type': 'application/cloudevents+json' }, payload: JSON.stringify({ specversion: '1.0', id: 'e1', source: '//shop', type: 'com.shop.count', data: { n: 'x' } }) });
    await app.rouge.use(pipelinesModule).tickTriggers(new Date());
    const list = await rouge('triggers', 'dead-letters', 'list');
    expect(list.out).toMatch(/counted.*n must be a integer/);
    const id = /^([0-9A-Z]{26})\s/m.exec(list.out)![1]!;
    const still = await rouge('triggers', 'dead-letters', 'replay', id);
    expect(still.code, still.err).toBe(0);
    expect(still.out).toMatch(/the delivery is DEAD: .*n must be a integer/);
  }, CLI_TIMEOUT);
});
