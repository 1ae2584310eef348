import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { Role } from '../src/platform/index.js';
import { buildLogisticRegression } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, bearer } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { STORE_KINDS, newCachePrefix, openTestStore, testCacheConfig, type StoreKind } from './helpers/stores.js';
import { until } from './helpers/until.js';

const reasonOf = (res: { json(): any }) => res.json().error?.details?.[0]?.reason as string;

/**
 * Processes of one deployment, each with some roles, over one store and (on
 * the PostgreSQL leg) one Redis, as Kubernetes runs them.
 */
describe.each(STORE_KINDS)('routes on the role that serves them, on %s', (kind: StoreKind) => {
  const apps: FastifyInstance[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** Starts one process per role set; `more` starts another later in the same deployment. */
  const deployment = async (...roleSets: Role[][]) => {
    const store = await openTestStore(kind);
    // One cache (Redis on the PostgreSQL leg) and one blob store, as a deployment's pods share them.
    const blobs = mkdtempSync(join(tmpdir(), 'rouge-roles-'));
    dirs.push(blobs);
    const shared = { ...testCacheConfig(kind, newCachePrefix()), blobUrl: `file://${blobs}` };
    let first = true;
    const start = async (roles: Role[]) => {
      // The first process owns the store; the others share it, as pods share a database.
      const app = await buildApp({ store, closeStore: first, workerPollMs: 10, config: { bootstrapAdminKey: ADMIN_KEY, keyPepper: 'p'.repeat(32), roles, ...shared } });
      first = false;
      apps.unshift(app);
      return app;
    };
    const out: FastifyInstance[] = [];
    for (const roles of roleSets) out.push(await start(roles));
    return Object.assign(out, { more: start });
  };
  const call = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = bearer(ADMIN_KEY)) =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('serves catalog:search and userEvents:write on inference, and the catalogue management on api', async () => {
    const [api, inference] = await deployment(['api'], ['inference']);
    expect((await call(api!, 'POST', '/v1/projects', { name: 'shop' })).statusCode).toBe(200);
    const item = { title: 'Velvet matte lipstick', categoryPath: ['Makeup', 'Lips'], price: { amount: 49900, currency: 'INR' }, availability: 'in_stock' };
    expect((await call(api!, 'PUT', '/v1/projects/shop/catalog/items/l1', item)).statusCode).toBe(200);
    const found = await until<{ items: Array<{ id: string }> }>('the item to be searchable on inference', async () => {
      const res = await call(inference!, 'GET', '/v1/projects/shop/catalog:search?query=lipstick');
      return res.statusCode === 200 && res.json().items.length === 1 ? res.json() : undefined;
    });
    expect(found.items[0]!.id).toBe('l1');
    const written = await call(inference!, 'POST', '/v1/projects/shop/userEvents:write', { events: [{ eventId: 'e1', type: 'view', userId: 'u1', itemIds: ['l1'], eventTime: '2026-12-01T00:00:00Z' }] });
    expect([written.statusCode, written.json()]).toEqual([200, { written: 1, duplicates: 0 }]);

    for (const [app, method, url, role] of [
      [api, 'GET', '/v1/projects/shop/catalog:search?query=lipstick', 'inference'],
      [api, 'POST', '/v1/projects/shop/userEvents:write', 'inference'],
      [inference, 'PUT', '/v1/projects/shop/catalog/items/l2', 'api'],
      [inference, 'POST', '/v1/projects', 'api'],
    ] as const) {
      const res = await call(app!, method, url, method === 'GET' ? undefined : { events: [] });
      expect([res.statusCode, reasonOf(res)], `${method} ${url}`).toEqual([404, 'ROUTE_ON_OTHER_ROLE']);
      expect(res.json().error.message).toContain(`served by the ${role} role`);
    }
  });

  it('answers a route of another role 404 before authentication, so a misrouted call says where to go even without a key', async () => {
    const [api] = await deployment(['api']);
    const res = await call(api!, 'POST', '/v1/projects/shop/endpoints/ctr:predict', { instances: [[1]] }, {});
    expect([res.statusCode, reasonOf(res)]).toEqual([404, 'ROUTE_ON_OTHER_ROLE']);
  });

  it('names the role in the Open Inference Protocol\'s own error shape', async () => {
    const [api] = await deployment(['api']);
    const res = await call(api!, 'POST', '/v2/models/shop.ctr/infer', { inputs: [] });
    expect(res.statusCode).toBe(404);
    expect(Object.keys(res.json())).toEqual(['error']);
    expect(res.json().error).toContain('served by the inference role');
  });

  it('does not take a route of another role down the fast lane over real HTTP', async () => {
    const processes = await deployment(['api', 'worker']);
    const api = processes[0]!;
    await call(api, 'POST', '/v1/projects', { name: 'shop' });
    const { payload, headers } = multipart([
      { name: 'metadata', value: JSON.stringify({ framework: 'onnx' }) },
      { name: 'artifact', filename: 'm.onnx', data: Buffer.from(buildLogisticRegression({ features: 4, seed: 3 })) },
    ]);
    await call(api!, 'POST', '/v1/projects/shop/models', { name: 'ctr' });
    expect((await api!.inject({ method: 'POST', url: '/v1/projects/shop/models/ctr/versions', headers: { ...headers, ...bearer(ADMIN_KEY) }, payload })).statusCode).toBe(200);
    await call(api!, 'POST', '/v1/projects/shop/endpoints', { name: 'ctr' });
    const op = await call(api!, 'POST', '/v1/projects/shop/endpoints/ctr:deployModel', { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } });
    const deployed = await until('the deploy', async () => { const o = (await call(api!, 'GET', `/v1/${op.json().name}`)).json(); return o.done ? o : undefined; });
    expect(deployed.error, JSON.stringify(deployed)).toBeUndefined();
    // Started after the deploy, so it loads the endpoint at start on either leg (SQLite's has no shared signals).
    const inference = await processes.more(['inference']);
    const body = JSON.stringify({ instances: [[0.1, 0.2, 0.3, 0.4]] });
    for (const app of [api!, inference!]) await app.listen({ port: 0, host: '127.0.0.1' });
    const predict = async (app: FastifyInstance) => {
      const port = (app.server.address() as { port: number }).port;
      // Twice: the first call warms the key and binding caches the lane reads.
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/v1/projects/shop/endpoints/ctr:predict`, { method: 'POST', headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, body });
        if (i === 1) return { status: res.status, json: (await res.json()) as any };
      }
      throw new Error('unreachable');
    };
    const onApi = await predict(api!);
    expect([onApi.status, onApi.json.error.details[0].reason]).toEqual([404, 'ROUTE_ON_OTHER_ROLE']);
    const onInference = await until('the endpoint to load on inference', async () => {
      const r = await predict(inference!);
      return r.status === 200 ? r : undefined;
    });
    expect(onInference.json.predictions).toHaveLength(1);
  });

  it('builds the same route table in every process, whatever its roles', async () => {
    const [a, b, c] = await deployment(['api'], ['inference'], ['worker']);
    const table = a!.rouge.routes.entries();
    expect(b!.rouge.routes.entries()).toEqual(table);
    expect(c!.rouge.routes.entries()).toEqual(table);
    const roleOf = (method: string, path: string) => table.find((r) => r.method === method && r.path === path)?.role;
    expect(roleOf('POST', '/v1/projects/{project}/userEvents:write')).toBe('inference');
    expect(roleOf('GET', '/v1/projects/{project}/catalog:search')).toBe('inference');
    expect(roleOf('POST', '/v1/projects/{project}/catalog/items:import')).toBe('api');
    expect(roleOf('GET', '/healthz')).toBe('any');
  });
});
