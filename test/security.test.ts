import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { catalogModule } from '../src/catalog/index.js';
import { ConfigError } from '../src/platform/index.js';
import { finished, jsonl } from './catalog-helpers.js';
import { buildLogisticRegression } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { STORE_KINDS, openTestStore } from './helpers/stores.js';
import { until } from './helpers/until.js';

const reasonOf = (res: { json(): any }) => res.json().error?.details?.[0]?.reason as string;
const item = (id: string) => ({ id, title: `Lipstick ${id}`, categoryPath: ['Makeup', 'Lips'] });

/** The holes a review found (issue #13), each with the test that failed before its fix. */
describe.each(STORE_KINDS)('security on %s', (kind) => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  const start = async (config = {}, options: Parameters<typeof buildTestApp>[2] = {}) => {
    app = await buildTestApp(kind, { keyCacheTtlMs: 0, ...config }, { workerPollMs: 10, ...options });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'sec' } });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'other' } });
    return app;
  };
  const saKey = async (name: string, project = 'sec') => {
    await app.inject({ method: 'POST', url: `/v1/projects/${project}/serviceAccounts`, payload: { name } });
    return (await app.inject({ method: 'POST', url: `/v1/projects/${project}/serviceAccounts/${name}/keys`, payload: {} })).json() as { key: string; keyId: string };
  };
  const bind = (principal: string, role: string, resource?: string, project = 'sec') =>
    app.inject({ method: 'POST', url: `/v1/projects/${project}/bindings`, payload: { principal, role, ...(resource ? { resource } : {}) } });
  const whoami = (key: string) => app.inject({ url: '/v1/whoami', headers: bearer(key) });

  it('1. keeps a revoked key revoked: a later revoke with a delay never brings it back or extends it', async () => {
    await start();
    const k = await saKey('svc');
    const keys = `/v1/projects/sec/serviceAccounts/svc/keys/${k.keyId}`;
    const revoked = await app.inject({ method: 'DELETE', url: keys });
    expect(revoked.json().state).toBe('REVOKED');
    const again = await app.inject({ method: 'DELETE', url: `${keys}?delay=315360000s` });
    expect(again.json()).toMatchObject({ state: 'REVOKED', revokeTime: revoked.json().revokeTime });
    expect(reasonOf(await whoami(k.key))).toBe('KEY_REVOKED');

    const rotating = await saKey('svc2');
    const later = `/v1/projects/sec/serviceAccounts/svc2/keys/${rotating.keyId}`;
    const first = (await app.inject({ method: 'DELETE', url: `${later}?delay=3600s` })).json();
    expect((await app.inject({ method: 'DELETE', url: `${later}?delay=7200s` })).json().revokeTime).toBe(first.revokeTime);
    expect((await app.inject({ method: 'DELETE', url: later })).json().state).toBe('REVOKED'); // brought forward
    expect(reasonOf(await whoami(rotating.key))).toBe('KEY_REVOKED');
  });

  it('2. reads a blobUri only from the project\'s own import area, and never echoes another file', async () => {
    await start();
    const secret = 'top-secret-first-line';
    for (const key of ['imports/other/items.jsonl', 'catalog-imports/other/staged.jsonl', 'models/other/ctr/1/model.onnx']) await app.rouge.blobs.put(key, Readable.from([`${secret}\n`]));
    const sneaky = app.rouge.blobs.uri('imports/sec/x').replace(/x$/, '../other/items.jsonl');
    for (const uri of [...['imports/other/items.jsonl', 'catalog-imports/other/staged.jsonl', 'models/other/ctr/1/model.onnx'].map((k) => app.rouge.blobs.uri(k)), sneaky]) {
      const res = await app.inject({ method: 'POST', url: '/v1/projects/sec/catalog/items:import', payload: { blobUri: uri } });
      expect(res.statusCode, uri).toBeGreaterThanOrEqual(400);
      expect(['BLOB_URI_OUTSIDE_PROJECT', 'BLOB_URI_INVALID']).toContain(reasonOf(res));
      expect(res.body).not.toContain(secret);
    }
    await app.rouge.blobs.put('imports/sec/items.jsonl', Readable.from([jsonl([item('own')])]));
    const op = await app.inject({ method: 'POST', url: '/v1/projects/sec/catalog/items:import', payload: { blobUri: app.rouge.blobs.uri('imports/sec/items.jsonl') } });
    expect((await finished(app, op.json().name)).response).toMatchObject({ inserted: 1 });
  });

  it('3. refuses an import Idempotency-Key reused with another body, concurrently or later, and keeps no staged body', async () => {
    await start();
    const send = (body: string, key: string, what = 'catalog/items') =>
      app.inject({ method: 'POST', url: `/v1/projects/sec/${what}:import`, headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key }, payload: body });
    const a = jsonl([item('a1'), item('a2')]);
    const b = jsonl([item('b1')]);
    const [r1, r2] = await Promise.all([send(a, 'k-1'), send(b, 'k-1')]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 409]);
    const won = r1.statusCode === 200 ? r1 : r2;
    const lost = r1.statusCode === 200 ? r2 : r1;
    expect(reasonOf(lost)).toBe('IDEMPOTENCY_KEY_REUSED');
    const done = await finished(app, won.json().name);
    expect(done.response.inserted).toBe(won === r1 ? 2 : 1);
    // The same request again is the same Operation; another body after completion is refused.
    const same = await send(won === r1 ? a : b, 'k-1');
    expect([same.statusCode, same.json().name]).toEqual([200, won.json().name]);
    expect(reasonOf(await send(jsonl([item('c1')]), 'k-1'))).toBe('IDEMPOTENCY_KEY_REUSED');
    // Items and events under one key no longer share a staged file: each import reads its own body.
    const events = jsonl([{ eventId: 'e1', type: 'view', userId: 'u', itemIds: ['a1'], eventTime: new Date().toISOString() }]);
    const ev = await send(events, 'k-2', 'userEvents');
    const it2 = await send(jsonl([item('d1')]), 'k-2');
    expect((await finished(app, ev.json().name)).response).toMatchObject({ written: 1 });
    expect((await finished(app, it2.json().name)).response).toMatchObject({ inserted: 1 });
    await until('staged bodies to be removed', async () => ((await app.rouge.blobs.list('catalog-imports/')).length === 0 ? true : undefined));
    // A staged body left by an import that never ran (its process died, or it was cancelled) is swept once stale.
    const stale = `catalog-imports/sec/${ulid(Date.now() - 3_600_000)}.jsonl`;
    await app.rouge.blobs.put(stale, Readable.from(['{}\n']));
    const fresh = `catalog-imports/sec/${ulid()}.jsonl`;
    await app.rouge.blobs.put(fresh, Readable.from(['{}\n']));
    expect(await app.rouge.use(catalogModule).sweepStagedImports(600_000)).toBe(1);
    expect(await app.rouge.blobs.list('catalog-imports/')).toEqual([fresh]);
  });

  it('4. never keeps a key secret in an idempotency record: key creation refuses Idempotency-Key', async () => {
    await start();
    await app.inject({ method: 'POST', url: '/v1/projects/sec/serviceAccounts', payload: { name: 'svc' } });
    for (const url of ['/v1/projects/sec/serviceAccounts/svc/keys', '/v1/users/admin/keys']) {
      const res = await app.inject({ method: 'POST', url, headers: { 'idempotency-key': 'retry-1' }, payload: {} });
      expect([res.statusCode, reasonOf(res)], url).toEqual([400, 'IDEMPOTENCY_KEY_NOT_ACCEPTED']);
    }
    expect((await app.inject({ method: 'POST', url: '/v1/projects/sec/serviceAccounts/svc/keys', payload: {} })).statusCode).toBe(200);
    const rows = await app.rouge.store.db.selectFrom('idempotency_records').selectAll().execute();
    expect(JSON.stringify(rows)).not.toMatch(/rk_[A-Za-z0-9]+_/);
  });

  it('5a. serves /metrics only to a key with platform.metrics.get or the scrape token', async () => {
    const token = 't'.repeat(40);
    await start({ metricsToken: token });
    const viewer = await saKey('dash');
    await bind('serviceAccount:dash@sec', 'viewer');
    expect(reasonOf(await app.inject({ url: '/metrics', headers: { authorization: '' } }))).toBe('KEY_INVALID');
    const denied = await app.inject({ url: '/metrics', headers: bearer(viewer.key) });
    expect([denied.statusCode, reasonOf(denied)]).toEqual([403, 'PERMISSION_DENIED']);
    expect(denied.json().error.message).toContain('ask an organisation admin for a binding with role metricsViewer');
    expect((await app.inject({ url: '/metrics', headers: bearer(token) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200); // the admin key
    const granted = await app.inject({ method: 'POST', url: '/v1/bindings', payload: { principal: 'serviceAccount:dash@sec', role: 'metricsViewer' } });
    expect(granted.statusCode, granted.body).toBe(200);
    expect((await app.inject({ url: '/metrics', headers: bearer(viewer.key) })).statusCode).toBe(200);
    expect(reasonOf(await app.inject({ method: 'POST', url: '/v1/bindings', payload: { principal: 'serviceAccount:dash@sec', role: 'viewer' } }))).toBe('ROLE_UNKNOWN');
    expect(reasonOf(await app.inject({ method: 'DELETE', url: '/v1/bindings?principal=user:admin&role=orgAdmin' }))).toBe('LAST_ADMIN_BINDING');
  });

  it('5b. redacts a key sent in a URL from the access log, on Fastify and on the fast lane', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    await start({}, { logger: { level: 'info', stream } });
    await app.inject({ url: `/v1/projects?apiKey=${ADMIN_KEY}&pageSize=1` });
    await app.inject({ url: `/v1/projects/sec?key=${ADMIN_KEY}` });
    await until('the access lines', () => (lines.filter((l) => l.includes('"request"')).length >= 2 ? true : undefined));
    expect(lines.join('')).not.toContain(ADMIN_KEY.split('_')[2]);
    expect(lines.join('')).toContain('apiKey=[REDACTED]');
  });

  it('6. makes a binding on one endpoint need registry read access to deploy, and lets the deployer poll its own Operation', async () => {
    await start();
    const onnx = Buffer.from(buildLogisticRegression({ features: 4, seed: 5 }));
    await app.inject({ method: 'POST', url: '/v1/projects/sec/models', payload: { name: 'ctr' } });
    const { payload, headers } = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'onnx' }) }, { name: 'artifact', filename: 'm.onnx', data: onnx }]);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/sec/models/ctr/versions', headers, payload })).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/v1/projects/sec/endpoints', payload: { name: 'web' } });
    const deployer = await saKey('deployer');
    const stranger = await saKey('stranger');
    expect((await bind('serviceAccount:deployer@sec', 'editor', 'endpoints/web')).statusCode).toBe(200);
    expect((await bind('serviceAccount:stranger@sec', 'editor', 'endpoints/web')).statusCode).toBe(200);
    const deploy = (key: string) => app.inject({ method: 'POST', url: '/v1/projects/sec/endpoints/web:deployModel', headers: bearer(key), payload: { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } } });
    const refused = await deploy(deployer.key);
    expect([refused.statusCode, reasonOf(refused)]).toEqual([403, 'PERMISSION_DENIED']);
    expect(refused.json().error.message).toContain('registry.versions.get');
    await bind('serviceAccount:deployer@sec', 'viewer');
    const op = await deploy(deployer.key);
    expect(op.statusCode, op.body).toBe(200);
    const poll = (key: string) => app.inject({ url: `/v1/${op.json().name}`, headers: bearer(key) });
    expect((await poll(deployer.key)).statusCode).toBe(200);
    expect(reasonOf(await poll(stranger.key))).toBe('PERMISSION_DENIED');
    expect(reasonOf(await app.inject({ url: '/v1/projects/sec/operations/01JZZZZZZZZZZZZZZZZZZZZZZZ', headers: bearer(stranger.key) }))).toBe('PERMISSION_DENIED');
  });

  it('7. records refused data-plane calls and reads, one entry per principal, permission and minute', async () => {
    await start();
    const ingestor = await saKey('feeder');
    await bind('serviceAccount:feeder@sec', 'ingestor');
    for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/v1/projects/sec/endpoints/web:predict', headers: { authorization: '' }, payload: { instances: [[1]] } });
    for (let i = 0; i < 3; i++) await app.inject({ url: '/v1/projects/sec/catalog:search?query=x', headers: bearer(ingestor.key) });
    await app.inject({ url: '/v1/projects/sec/models', headers: bearer(ingestor.key) });
    await app.rouge.iam.flushDenials();
    const entries = (await app.inject({ url: `/v1/projects/sec/auditLog?filter=${encodeURIComponent('result = "denied"')}` })).json().auditEntries as Array<{ principal: string; permission: string; count: number; status: number }>;
    const of = (permission: string) => entries.filter((e) => e.permission === permission);
    expect(of('serving.endpoints.predict')).toMatchObject([{ principal: 'unauthenticated', count: 5, status: 401 }]);
    expect(of('catalog.search')).toMatchObject([{ principal: 'serviceAccount:feeder@sec', count: 3, status: 403 }]);
    expect(of('registry.models.list')).toMatchObject([{ count: 1 }]);
  });
});

describe('the data directory and the bootstrap admin key', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('5c. creates the data dir and its files private to Rouge\'s user', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rouge-perms-'));
    dirs.push(root);
    const dataDir = join(root, 'data');
    const app = await buildApp({ config: { dataDir, bootstrapAdminKey: ADMIN_KEY } });
    await app.inject({ method: 'POST', url: '/v1/projects', headers: bearer(ADMIN_KEY), payload: { name: 'sec' } });
    await app.rouge.blobs.put('imports/sec/x.jsonl', Readable.from(['{}\n']));
    await app.close();
    const walk = (p: string): string[] => [p, ...(statSync(p).isDirectory() ? readdirSync(p).flatMap((n) => walk(join(p, n))) : [])];
    for (const p of walk(dataDir)) {
      const mode = statSync(p).mode & 0o777;
      expect(mode & 0o077, `${p} is ${mode.toString(8)}`).toBe(0);
    }
  });

  it('8. refuses a different bootstrap key on restart, accepts the installed one or its replacement, and sets its expiry', async () => {
    const store = await openTestStore('sqlite');
    // One pepper for every start, as a deployment keeps it (an in-memory app otherwise makes a new one).
    const keyPepper = 'p'.repeat(32);
    const first = await buildApp({ store, config: { keyPepper, bootstrapAdminKey: ADMIN_KEY, bootstrapAdminKeyExpiresSeconds: 86_400 } });
    const keys = (await first.inject({ url: '/v1/users/admin/keys', headers: bearer(ADMIN_KEY) })).json().keys as Array<{ expireTime: string }>;
    expect(Date.parse(keys[0]!.expireTime) - Date.now()).toBeGreaterThan(86_000_000);
    expect(Date.parse(keys[0]!.expireTime) - Date.now()).toBeLessThanOrEqual(86_400_000);
    const replacement = (await first.inject({ method: 'POST', url: '/v1/users/admin/keys', headers: bearer(ADMIN_KEY), payload: {} })).json().key as string;
    await first.close();
    const other = `rk_otheradmin1_${'Z9'.repeat(20)}`;
    await expect(buildApp({ store, config: { keyPepper, bootstrapAdminKey: other } })).rejects.toThrow(ConfigError);
    await expect(buildApp({ store, config: { keyPepper, bootstrapAdminKey: other } })).rejects.toThrow(/not a key of user:admin.*rouge users keys create admin/);
    const again = await buildApp({ store, config: { keyPepper, bootstrapAdminKey: ADMIN_KEY } });
    expect((await again.inject({ url: '/v1/users/admin/keys', headers: bearer(ADMIN_KEY) })).json().keys).toHaveLength(2);
    await again.close();
    const rotated = await buildApp({ store, config: { keyPepper, bootstrapAdminKey: replacement }, closeStore: true });
    expect((await rotated.inject({ url: '/v1/whoami', headers: bearer(replacement) })).statusCode).toBe(200);
    await rotated.close();
  });
});
