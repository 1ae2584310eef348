/**
 * `rouge pipelines` through the real CLI against a live server: validate a
 * file locally (and its errors with their lines), apply, run with typed
 * parameters and follow it to the end, approve a waiting step, list, get,
 * logs, and retry from the failed step.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';
import { multipart } from './helpers/multipart.js';
import { until } from './helpers/until.js';

const P = 'ds';
let app: FastifyInstance;
let env: Record<string, string>;
let dir: string;
const rouge = (...args: string[]) => runRouge(args, env);
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

const PROMOTE = `name: promote
parameters:
  score: { type: number, default: 0.5 }
  version: { type: integer, default: 1 }
steps:
  - { name: good-enough, kind: gate, with: { metric: "\${{ parameters.score }}", op: ">=", threshold: 0.8 } }
  - { name: promote, kind: set-alias, needs: [good-enough], with: { model: ctr, version: "\${{ parameters.version }}", alias: champion } }
`;

beforeAll(async () => {
  app = await buildTestApp('sqlite', {}, { workerPollMs: 10 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: P };
  expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
  expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'ctr' } })).statusCode).toBe(200);
  for (let i = 0; i < 2; i++) {
    const m = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://10.0.0.5:8080'] } }) }]);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/ctr/versions`, ...m })).statusCode).toBe(200);
  }
  dir = mkdtempSync(join(tmpdir(), 'rouge-cli-pipelines-'));
}, CLI_TIMEOUT);
afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rouge pipelines', () => {
  it('validates a file locally, naming the line of what is wrong', async () => {
    const ok = await runRouge(['pipelines', 'validate', file('ok.yaml', PROMOTE)]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/pipeline promote is valid \(2 steps: good-enough, promote\)/);
    const bad = await runRouge(['pipelines', 'validate', file('bad.yaml', PROMOTE.replace('needs: [good-enough]', 'needs: [good-enuf]'))]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/steps\[1\]\.needs\[0\] \(line 7\).*good-enuf/);
  }, CLI_TIMEOUT);

  it('applies, runs with typed parameters and follows the run to its end, with the gate and the alias', async () => {
    expect((await rouge('pipelines', 'apply', file('promote.yaml', PROMOTE))).code).toBe(0);
    const low = await rouge('pipelines', 'run', 'promote', '--param', 'score=0.4');
    expect(low.code, low.err).toBe(0);
    expect(low.err).toMatch(/promote SKIPPED/);
    expect(low.out).toMatch(/SUCCEEDED/);
    const typo = await rouge('pipelines', 'run', 'promote', '--param', 'version=two');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/version is an integer: "two" is not one/);
    const high = await rouge('pipelines', 'run', 'promote', '--param', 'score=0.9', '--param', 'version=2');
    expect(high.code, high.err).toBe(0);
    expect(high.err).toMatch(/\[promote\] champion is on ctr version 2/);
    expect((await app.inject({ url: `/v1/projects/${P}/models/ctr/versions/champion` })).json().versionId).toBe('2');
    const list = await rouge('pipelines', 'runs', 'list', '--pipeline', 'promote');
    expect(list.out.match(/SUCCEEDED/g)).toHaveLength(2);
  }, CLI_TIMEOUT);

  it('approves a waiting step, and retries a failed run from its failed step', async () => {
    const wait = `name: wait\nsteps:\n  - { name: ok, kind: approval }\n  - { name: promote, kind: set-alias, needs: [ok], with: { model: ghost, version: 1, alias: champion } }\n`;
    expect((await rouge('pipelines', 'apply', file('wait.yaml', wait))).code).toBe(0);
    const started = await rouge('pipelines', 'run', 'wait', '--no-wait', '--json');
    const runId = JSON.parse(started.out).runId as string;
    await until('the approval', async () => ((await app.inject({ url: `/v1/projects/${P}/pipelineRuns/${runId}` })).json().steps[0].outputs?.waiting ? true : undefined));
    expect((await rouge('pipelines', 'runs', 'approve', runId, 'ok')).code).toBe(0);
    const watched = await rouge('pipelines', 'runs', 'watch', runId);
    expect(watched.code).toBe(1);
    expect(watched.err).toMatch(/promote FAILED.*ghost/);
    expect(watched.err).toMatch(/rouge pipelines runs retry .* --from-failed/);
    const m = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://10.0.0.5:8080'] } }) }]);
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'ghost' } });
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/ghost/versions`, ...m });
    expect((await rouge('pipelines', 'runs', 'retry', runId, '--from-failed')).code).toBe(0);
    const again = await rouge('pipelines', 'runs', 'watch', runId);
    expect(again.code, again.err).toBe(0);
    const logs = await rouge('pipelines', 'runs', 'logs', runId, '--step', 'ok');
    expect(logs.out).toMatch(/approved by /);
  }, CLI_TIMEOUT);
});
