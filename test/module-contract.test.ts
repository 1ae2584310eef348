import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { notesModule } from '../examples/notes-module/index.js';
import { buildPlatformApp, migrationsOf, orderModules, type RougeModule } from '../src/platform/index.js';
import { ADMIN_KEY, bearer } from './helpers/app.js';
import { STORE_KINDS, openTestStore, testCacheConfig } from './helpers/stores.js';
import { until } from './helpers/until.js';

const reasonOf = (res: { json(): any }) => res.json().error?.details?.[0]?.reason as string;

describe.each(STORE_KINDS)('the module contract, with only the platform and the example module, on %s', (kind) => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  const build = async (roles: Array<'api' | 'inference' | 'worker'> = ['api', 'inference', 'worker']) => {
    const store = await openTestStore(kind, migrationsOf([notesModule]));
    app = await buildPlatformApp({ modules: [notesModule], store, closeStore: true, workerPollMs: 10, config: { bootstrapAdminKey: ADMIN_KEY, roles, ...testCacheConfig(kind) } });
    return app;
  };
  const as = (key: string) => ({ ...bearer(key) });
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, key = ADMIN_KEY) =>
    app.inject({ method, url, headers: as(key), ...(payload === undefined ? {} : { payload: payload as object }) });

  const serviceAccountKey = async (project: string, name: string) => {
    await call('POST', `/v1/projects/${project}/serviceAccounts`, { name });
    return (await call('POST', `/v1/projects/${project}/serviceAccounts/${name}/keys`, {})).json().key as string;
  };

  it('migrates the module, serves its routes, runs its job, and answers with its own errors', async () => {
    await build();
    expect((await call('POST', '/v1/projects', { name: 'pj' })).statusCode).toBe(200);
    const created = await call('POST', '/v1/projects/pj/notes', { id: 'n1', text: 'hello' });
    expect(created.statusCode, created.body).toBe(200);
    expect((await call('GET', '/v1/projects/pj/notes/n1')).json()).toEqual({ id: 'n1', text: 'hello', archived: false });
    const missing = await call('GET', '/v1/projects/pj/notes/nope');
    expect([missing.statusCode, reasonOf(missing)]).toEqual([404, 'NOTE_NOT_FOUND']);
    const op = await call('POST', '/v1/projects/pj/notes/n1:archive');
    expect(op.statusCode, op.body).toBe(200);
    await until('the archive job', async () => ((await call('GET', '/v1/projects/pj/notes/n1')).json().archived ? true : undefined));
  });

  it('grants its permissions to the platform roles and defines its own role, bindable in a project', async () => {
    await build();
    await call('POST', '/v1/projects', { name: 'pj' });
    const taker = await serviceAccountKey('pj', 'taker');
    const bound = await call('POST', '/v1/projects/pj/bindings', { principal: 'serviceAccount:taker@pj', role: 'noteTaker' });
    expect(bound.statusCode, bound.body).toBe(200);
    expect((await call('POST', '/v1/projects/pj/notes', { id: 'n2', text: 't' }, taker)).statusCode).toBe(200);
    expect((await call('GET', '/v1/projects/pj/notes/n2', undefined, taker)).statusCode).toBe(200);
    const denied = await call('POST', '/v1/projects/pj/notes/n2:archive', undefined, taker);
    expect([denied.statusCode, reasonOf(denied)]).toEqual([403, 'PERMISSION_DENIED']);
    expect(denied.json().error.message).toContain('ask a project admin for a binding with role editor or admin');
    const viewer = await serviceAccountKey('pj', 'reader');
    await call('POST', '/v1/projects/pj/bindings', { principal: 'serviceAccount:reader@pj', role: 'viewer' });
    expect((await call('GET', '/v1/projects/pj/notes/n2', undefined, viewer)).statusCode).toBe(200);
    expect((await call('POST', '/v1/projects/pj/notes', { id: 'n3', text: 't' }, viewer)).statusCode).toBe(403);
  });

  it('lets a binding name one of its resources, and refuses a missing one or an undeclared kind', async () => {
    await build();
    await call('POST', '/v1/projects', { name: 'pj' });
    await call('POST', '/v1/projects/pj/notes', { id: 'mine', text: 'a' });
    await call('POST', '/v1/projects/pj/notes', { id: 'other', text: 'b' });
    const key = await serviceAccountKey('pj', 'one');
    expect((await call('POST', '/v1/projects/pj/bindings', { principal: 'serviceAccount:one@pj', role: 'viewer', resource: 'notes/mine' })).statusCode).toBe(200);
    expect((await call('GET', '/v1/projects/pj/notes/mine', undefined, key)).statusCode).toBe(200);
    expect((await call('GET', '/v1/projects/pj/notes/other', undefined, key)).statusCode).toBe(403);
    const ghost = await call('POST', '/v1/projects/pj/bindings', { principal: 'serviceAccount:one@pj', role: 'viewer', resource: 'notes/ghost' });
    expect([ghost.statusCode, reasonOf(ghost)]).toEqual([404, 'BINDING_RESOURCE_NOT_FOUND']);
    const undeclared = await call('POST', '/v1/projects/pj/bindings', { principal: 'serviceAccount:one@pj', role: 'viewer', resource: 'endpoints/ctr' });
    expect([undeclared.statusCode, reasonOf(undeclared)]).toEqual([400, 'BINDING_RESOURCE_INVALID']);
    expect(undeclared.json().error.message).toContain('use one of notes/{id}');
  });

  it('keeps a project that holds notes from being deleted, and reports ready only after start', async () => {
    await build();
    await call('POST', '/v1/projects', { name: 'pj' });
    await call('POST', '/v1/projects/pj/notes', { id: 'n', text: 'a' });
    const refused = await call('DELETE', '/v1/projects/pj');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('notes');
    const before = await app.inject({ url: '/readyz' });
    expect([before.statusCode, before.json().reason]).toEqual([503, 'notes are warming up']);
    await app.rouge.start();
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('answers its inference route with ROUTE_ON_OTHER_ROLE in an api-only process, and lists it in the route table', async () => {
    await build(['api']);
    await call('POST', '/v1/projects', { name: 'pj' });
    const res = await call('GET', '/v1/projects/pj/notes/n1');
    expect([res.statusCode, reasonOf(res)]).toEqual([404, 'ROUTE_ON_OTHER_ROLE']);
    expect(res.json().error.message).toContain('served by the inference role, and this process runs api');
    const rows = app.rouge.routes.entries().filter((r) => r.path.includes('notes'));
    expect(rows).toEqual([
      { method: 'POST', path: '/v1/projects/{project}/notes/{note}:archive', regex: '^/v1/projects/(?:[^/]+)/notes/(?:[^:/]+):archive/?$', role: 'api', exposure: 'internal' },
      { method: 'POST', path: '/v1/projects/{project}/notes', regex: '^/v1/projects/(?:[^/]+)/notes/?$', role: 'api', exposure: 'internal' },
      { method: 'GET', path: '/v1/projects/{project}/notes/{note}', regex: '^/v1/projects/(?:[^/]+)/notes/(?:[^/]+)/?$', role: 'inference', exposure: 'public' },
    ]);
  });

  it('exposes the face to the app and refuses a module it was not built with', async () => {
    await build();
    expect(app.rouge.use(notesModule).notes).toBeDefined();
    const stranger: RougeModule = { name: 'stranger', setup: () => ({ face: {} }) };
    expect(() => app.rouge.use(stranger)).toThrow(/built without module stranger/);
  });
});

describe('module wiring mistakes', () => {
  const mod = (name: string, requires: RougeModule[] = []): RougeModule => ({ name, requires, setup: () => ({ face: {} }) });

  it('orders modules after what they require, and refuses a missing requirement, a duplicate and a cycle', () => {
    const a = mod('a');
    const b = mod('b', [a]);
    expect(orderModules([b, a]).map((m) => m.name)).toEqual(['a', 'b']);
    expect(() => orderModules([b])).toThrow(/b requires a, which is not in the app's module list/);
    expect(() => orderModules([a, a])).toThrow(/listed twice/);
    const c: RougeModule = { name: 'c', requires: [], setup: () => ({ face: {} }) };
    const d: RougeModule = { name: 'd', requires: [c], setup: () => ({ face: {} }) };
    (c as unknown as { requires: RougeModule[] }).requires = [d];
    expect(() => orderModules([c, d])).toThrow(/cycle/);
  });

  it('refuses a module that uses a peer it did not declare', async () => {
    const a = mod('a');
    const sneaky: RougeModule = { name: 'sneaky', setup: (ctx) => ({ face: ctx.use(a) }) };
    await expect(buildPlatformApp({ modules: [a, sneaky] })).rejects.toThrow(/sneaky uses a without declaring it in requires/);
  });
});
