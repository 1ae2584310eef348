import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';

describe.each(STORE_KINDS)('operations on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ops' } });
  });
  afterEach(async () => {
    await app.close();
  });
  const op = async (name: string) => (await app.inject({ url: `/v1/${name}` })).json();
  const done = (name: string) => until(`${name} to finish`, async () => {
    const o = await op(name);
    return o.done ? o : undefined;
  });

  it('runs a job on the worker role and shows its progress and response as an Operation', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    app.rouge.worker!.register('test.count', async (payload: { to: number }, ctx) => {
      await ctx.progress({ percent: 50, message: 'half way' });
      await gate;
      return { counted: payload.to };
    });
    const started = await app.rouge.jobs.enqueue('ops', 'test.count', { to: 3 });
    expect(started).toMatchObject({ done: false, metadata: { kind: 'test.count', state: 'QUEUED' } });
    const running = await until('progress', async () => {
      const o = await op(started.name);
      return o.metadata.progress ? o : undefined;
    });
    expect(running.metadata).toMatchObject({ state: 'RUNNING', attempts: 1, progress: { percent: 50, message: 'half way' } });
    release();
    const finished = await done(started.name);
    expect(finished).toMatchObject({ done: true, response: { counted: 3 }, metadata: { state: 'SUCCEEDED' } });
    expect(finished.metadata.endTime).toBeDefined();
    const list = (await app.inject({ url: '/v1/projects/ops/operations?done=true' })).json();
    expect(list.operations.map((o: { name: string }) => o.name)).toEqual([started.name]);
  });

  it('ends a job that keeps failing as dead, with the last error as a google.rpc.Status', async () => {
    let calls = 0;
    app.rouge.worker!.register('test.fail', async () => {
      calls++;
      throw new Error(`broken ${calls}`);
    });
    const started = await app.rouge.jobs.enqueue('ops', 'test.fail', {}, { maxAttempts: 2, backoffMs: 10 });
    const finished = await done(started.name);
    expect(finished).toMatchObject({ done: true, metadata: { state: 'DEAD', attempts: 2 }, error: { code: 13, message: 'broken 2' } });
    expect(calls).toBe(2);
  });

  it('cancels a running job through the API: the handler sees the abort and the Operation ends CANCELLED', async () => {
    app.rouge.worker!.register('test.wait', async (_p, ctx) => {
      await ctx.progress({ waiting: true });
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      throw new Error('stopped');
    }, { leaseMs: 150 });
    const started = await app.rouge.jobs.enqueue('ops', 'test.wait', {});
    await until('the job to run', async () => ((await op(started.name)).metadata.progress ? true : undefined));
    const id = started.name.split('/').pop();
    const res = await app.inject({ method: 'POST', url: `/v1/projects/ops/operations/${id}:cancel` });
    expect(res.statusCode).toBe(200);
    const finished = await done(started.name);
    expect(finished).toMatchObject({ metadata: { state: 'CANCELLED' }, error: { code: 1 } });
  });

  it('answers an unknown operation with 404 OPERATION_NOT_FOUND', async () => {
    const res = await app.inject({ url: '/v1/projects/ops/operations/01JXXXXXXXXXXXXXXXXXXXXXXX' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.details[0].reason).toBe('OPERATION_NOT_FOUND');
  });

  it('lets a viewer poll but not cancel', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects/ops/serviceAccounts', payload: { name: 'watcher' } });
    const key = (await app.inject({ method: 'POST', url: '/v1/projects/ops/serviceAccounts/watcher/keys', payload: {} })).json().key;
    await app.inject({ method: 'POST', url: '/v1/projects/ops/bindings', payload: { principal: 'serviceAccount:watcher@ops', role: 'viewer' } });
    const started = await app.rouge.jobs.enqueue('ops', 'test.never-handled', {});
    const id = started.name.split('/').pop();
    expect((await app.inject({ url: `/v1/${started.name}`, headers: bearer(key) })).statusCode).toBe(200);
    const cancel = await app.inject({ method: 'POST', url: `/v1/projects/ops/operations/${id}:cancel`, headers: bearer(key) });
    expect(cancel.statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/ops/operations/${id}:cancel`, headers: bearer(ADMIN_KEY) })).json().done).toBe(true);
  });

  it('refuses to delete a project with unfinished operations', async () => {
    await app.rouge.jobs.enqueue('ops', 'test.never-handled', {});
    const res = await app.inject({ method: 'DELETE', url: '/v1/projects/ops' });
    expect(res.json().error.message).toContain('1 unfinished operations');
  });
});

describe.each(STORE_KINDS)('the worker role on %s', (kind) => {
  const opened: FastifyInstance[] = [];
  afterEach(async () => {
    // Newest first: the worker-only app borrows the api app's store, which closes it.
    for (const app of opened.splice(0).reverse()) await app.close();
  });
  const importOne = (app: FastifyInstance) => app.inject({
    method: 'POST', url: '/v1/projects/roles/catalog/items:import', headers: { 'content-type': 'application/x-ndjson' },
    payload: `${JSON.stringify({ id: 'SKU-1', title: 'Velvet Lipstick', categoryPath: ['Makeup', 'Lips'] })}\n`,
  });
  const operation = async (app: FastifyInstance, name: string) => (await app.inject({ url: `/v1/${name}` })).json();

  it('leaves a job queued on an api-only process until a worker-role process over the same store runs it', async () => {
    // One blob store for both processes of the deployment, as an S3 bucket would be.
    const blobUrl = pathToFileURL(mkdtempSync(join(tmpdir(), 'rouge-roles-'))).href;
    const api = await buildTestApp(kind, { roles: ['api'], blobUrl }, { workerPollMs: 10 });
    opened.push(api);
    // The same import on a process with every role: how long a worker needs to finish it.
    const control = await buildTestApp(kind, {}, { workerPollMs: 10 });
    opened.push(control);
    expect(api.rouge.worker).toBeUndefined();
    for (const app of [api, control]) await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'roles' } });
    const [queued, ran] = await Promise.all([importOne(api), importOne(control)]);
    expect(queued.statusCode).toBe(200);
    await until('the control import to finish', async () => ((await operation(control, ran.json().name)).done ? true : undefined));
    expect(await operation(api, queued.json().name)).toMatchObject({ done: false, metadata: { state: 'QUEUED', attempts: 0 } });

    // The same deployment: the api process's store and cache (Redis on the PostgreSQL leg).
    const { redisUrl, cachePrefix } = api.rouge.config;
    const worker = await buildApp({ store: api.rouge.store, config: { bootstrapAdminKey: ADMIN_KEY, roles: ['worker'], blobUrl, redisUrl, cachePrefix }, workerPollMs: 10 });
    opened.push(worker);
    const finished = await until('the worker process to run the import', async () => {
      const o = await operation(api, queued.json().name);
      return o.done ? o : undefined;
    });
    expect(finished).toMatchObject({ metadata: { state: 'SUCCEEDED', attempts: 1 }, response: { inserted: 1, rejected: 0 } });
  }, 120_000); // three apps over one store: slow on a busy CI machine
});
