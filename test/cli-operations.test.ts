import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProgress, parseOperationArg } from '../src/cli/commands/operations.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { until } from './helpers/until.js';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
// Each run starts Node and tsx afresh; on a busy CI machine that is seconds, not milliseconds.
const SLOW = 120_000;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Starts the real `rouge` (TypeScript source through tsx) with only the
 * environment given; its output so far can be read while it runs.
 */
function start(args: string[], env: Record<string, string>): { done: Promise<Run>; soFar: () => Run } {
  const home = mkdtempSync(join(tmpdir(), 'rouge-cli-home-'));
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: home,
    env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { code: null, out: '', err: '' };
  child.stdout!.on('data', (d) => (run.out += d));
  child.stderr!.on('data', (d) => (run.err += d));
  return {
    done: new Promise((resolve) => child.on('close', (code) => resolve({ ...run, code }))),
    soFar: () => ({ ...run }),
  };
}

let app: FastifyInstance;
let env: Record<string, string>;

beforeAll(async () => {
  app = await buildTestApp('sqlite', {}, { workerPollMs: 10 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: 'ops' };
  await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ops' } });
});

afterAll(async () => {
  await app.close();
});

const rouge = (...args: string[]) => start(args, env).done;
const api = async (path: string) => (await app.inject({ method: 'GET', url: path })).json();
const idOf = (name: string) => name.split('/').pop()!;

describe('rouge operations wait', () => {
  it('shows the progress the job reports and exits 0 with the response when it succeeds', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    app.rouge.worker!.register('test.count', async (payload: { to: number }, ctx) => {
      await ctx.progress({ percent: 50, message: 'half way', rows: 1200 });
      await gate;
      return { counted: payload.to };
    });
    const op = await app.rouge.jobs.enqueue('ops', 'test.count', { to: 3 });

    // By full name: the project comes from it, not from ROUGE_PROJECT.
    const waiting = start(['operations', 'wait', op.name, '--timeout', '2m'], { ...env, ROUGE_PROJECT: '' });
    await until('wait to show the progress', () => (waiting.soFar().err.includes('half way') ? true : undefined));
    release();
    const r = await waiting.done;
    expect(r.code).toBe(0);
    expect(r.err).toMatch(new RegExp(`^${idOf(op.name)} test\\.count: RUNNING  \\[##########----------\\] 50%  half way  rows=1200$`, 'm'));
    expect(r.err).not.toContain('\r');
    expect(r.out).toBe(`Operation ${idOf(op.name)} (test.count) SUCCEEDED.\nresponse: {"counted":3}\n`);

    const got = await rouge('operations', 'get', idOf(op.name), '--json');
    expect(JSON.parse(got.out)).toEqual(await api(`/v1/${op.name}`));
  }, SLOW);

  it('exits 1 with the error when the job fails', async () => {
    app.rouge.worker!.register('test.fail', async () => {
      throw new Error('the input table is empty');
    });
    const op = await app.rouge.jobs.enqueue('ops', 'test.fail', {}, { maxAttempts: 1 });
    const r = await rouge('operations', 'wait', idOf(op.name));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`rouge: operation ${idOf(op.name)} (test.fail) ended DEAD: the input table is empty`);
    expect(r.out).toBe('');

    const json = await rouge('operations', 'wait', op.name, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ done: true, metadata: { state: 'DEAD' }, error: { code: 13, message: 'the input table is empty' } });
  }, SLOW);

  it('gives up at --timeout with exit 1, leaving the operation to go on', async () => {
    const op = await app.rouge.jobs.enqueue('ops', 'test.nobody', {});
    const r = await rouge('operations', 'wait', idOf(op.name), '--timeout', '1s');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`rouge: timed out after 1 s waiting for operation ${idOf(op.name)}; it is still QUEUED and goes on`);
    expect(r.err).toContain(`rouge operations cancel ${idOf(op.name)}`);
    expect((await api(`/v1/${op.name}`)).done).toBe(false);
  }, SLOW);
});

describe('rouge operations cancel, get and list', () => {
  it('cancels a queued job at once; get shows it done and CANCELLED, and list shows it', async () => {
    // No handler for this kind: the job stays queued until cancelled.
    const op = await app.rouge.jobs.enqueue('ops', 'test.idle', { n: 1 });
    const id = idOf(op.name);
    const running = await rouge('operations', 'list', '--running', '--kind', 'test.idle');
    expect(running.out).toMatch(new RegExp(`^${id}\\s+test\\.idle\\s+QUEUED\\s+0/3\\s+`, 'm'));

    const cancelled = await rouge('operations', 'cancel', id);
    expect(cancelled.code).toBe(0);
    expect(cancelled.out).toBe(`Cancelled operation ${id}.\n`);

    const [get, list, done, stillRunning, json] = await Promise.all([
      rouge('operations', 'get', op.name),
      rouge('operations', 'list'),
      rouge('operations', 'list', '--done', '--kind', 'test.idle'),
      rouge('operations', 'list', '--running', '--kind', 'test.idle'),
      rouge('operations', 'list', '--json', '--kind', 'test.idle'),
    ]);
    expect(get.code).toBe(0);
    expect(get.out).toMatch(/^state:\s+CANCELLED$/m);
    expect(get.out).toMatch(/^done:\s+yes$/m);
    expect(get.out).toMatch(/^error:\s+cancelled by request$/m);
    expect(list.out).toMatch(/^ID\s+KIND\s+STATE\s+ATTEMPTS\s+CREATED\s+ENDED\s+PROGRESS \/ ERROR$/m);
    expect(list.out).toMatch(new RegExp(`^${id}\\s+test\\.idle\\s+CANCELLED\\s+0/3\\s+\\S+\\s+\\S+\\s+cancelled by request$`, 'm'));
    expect(done.out).toContain(id);
    expect(stillRunning.code).toBe(0);
    expect(stillRunning.out).toBe('');
    expect(stillRunning.err).toBe('No operations in project ops match.\n');
    expect(JSON.parse(json.out)).toEqual(await api('/v1/projects/ops/operations?kind=test.idle&pageSize=100'));

    const again = await rouge('operations', 'cancel', id);
    expect(again.out).toBe(`Operation ${id} had already ended CANCELLED; nothing to cancel.\n`);
  }, SLOW);

  it('asks a running job to stop; wait then exits 1 with CANCELLED', async () => {
    app.rouge.worker!.register('test.long', async (_p, ctx) => {
      await ctx.progress({ message: 'working' });
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throw new Error('stopped');
    }, { leaseMs: 150 });
    const op = await app.rouge.jobs.enqueue('ops', 'test.long', {});
    const id = idOf(op.name);
    await until('the job to run', async () => ((await api(`/v1/${op.name}`)).metadata.progress ? true : undefined));
    const asked = await rouge('operations', 'cancel', id);
    expect(asked.code).toBe(0);
    expect(asked.out).toContain(`Asked operation ${id} to stop; it is RUNNING`);
    const r = await rouge('operations', 'wait', id);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`ended CANCELLED: cancelled by request`);
  }, SLOW);

  it('exits 1 for an unknown operation and 2 for what cannot be an operation', async () => {
    const [missing, bad, both, otherProject, noProject] = await Promise.all([
      rouge('operations', 'get', '01JD3M8X0QK1V6ZP2B7T9YF4RC'),
      rouge('operations', 'get', 'not-an-id'),
      rouge('operations', 'list', '--done', '--running'),
      rouge('operations', 'get', 'projects/ops/operations/01JD3M8X0QK1V6ZP2B7T9YF4RC', '--project', 'elsewhere'),
      start(['operations', 'list'], { ...env, ROUGE_PROJECT: '' }).done,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('(OPERATION_NOT_FOUND)');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"not-an-id" is not an operation');
    expect(both.code).toBe(2);
    expect(both.err).toContain("option '--done' cannot be used with option '--running'");
    expect(otherProject.code).toBe(2);
    expect(otherProject.err).toContain('is in project ops, not elsewhere');
    expect(noProject.code).toBe(2);
  }, SLOW);
});

describe('operation arguments and progress rendering', () => {
  it('reads a full name or an id', () => {
    expect(parseOperationArg('projects/p/operations/01jd3m8x0qk1v6zp2b7t9yf4rc', undefined)).toEqual({ project: 'p', id: '01JD3M8X0QK1V6ZP2B7T9YF4RC' });
    expect(parseOperationArg('01JD3M8X0QK1V6ZP2B7T9YF4RC', 'p')).toEqual({ project: undefined, id: '01JD3M8X0QK1V6ZP2B7T9YF4RC' });
    expect(() => parseOperationArg('projects/p/operations/x', undefined)).toThrow(/is not an operation/);
  });

  it('renders whatever keys the job reports', () => {
    expect(formatProgress(undefined)).toBe('');
    expect(formatProgress({ percent: 25 })).toBe('[#####---------------] 25%');
    expect(formatProgress({ percent: 25, message: 'tagging', done: 10, total: 40 }, false)).toBe('25%  tagging  done=10 total=40');
    expect(formatProgress({ stage: 'load', nested: { a: 1 } })).toBe('stage=load nested={"a":1}');
    expect(formatProgress({ percent: 'soon' })).toBe('percent=soon');
  });
});
