import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { writeDuringDelete } from './helpers/project-delete.js';
import { STORE_KINDS } from './helpers/stores.js';

const json = { 'content-type': 'application/json' };
type Res = Awaited<ReturnType<FastifyInstance['inject']>>;
const reasonOf = (res: Res) => res.json().error?.details?.[0]?.reason as string | undefined;

describe.each(STORE_KINDS)('IAM on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind, { keyCacheTtlMs: 0 });
  });
  afterEach(async () => {
    await app.close();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, key: string | null, body?: unknown) =>
    app.inject({ method, url, headers: { ...json, ...(key === null ? { authorization: '' } : bearer(key)) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => call(method, url, ADMIN_KEY, body);

  async function serviceAccountKey(project: string, name: string): Promise<string> {
    await admin('POST', `/v1/projects/${project}/serviceAccounts`, { name });
    const res = await admin('POST', `/v1/projects/${project}/serviceAccounts/${name}/keys`, {});
    expect(res.statusCode).toBe(200);
    return res.json().key as string;
  }

  describe('authentication', () => {
    it('answers every kind of bad key with 401 KEY_INVALID and WWW-less Google error', async () => {
      await admin('POST', '/v1/projects', { name: 'p-one' });
      const realKey = await serviceAccountKey('p-one', 'svc');
      const keyId = realKey.split('_')[1]!;
      const cases: Array<[string, Record<string, string>]> = [
        ['no key', {}],
        ['a non-bearer scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
        ['a garbled key', { authorization: 'Bearer not-a-key' }],
        ['an unknown keyId', { authorization: `Bearer rk_unknownKey1_${'x'.repeat(43)}` }],
        ['a wrong secret for a real keyId', { authorization: `Bearer rk_${keyId}_${'y'.repeat(43)}` }],
      ];
      for (const [what, headers] of cases) {
        const res = await app.inject({ url: '/v1/whoami', headers: { authorization: '', ...headers } });
        expect(res.statusCode, what).toBe(401);
        expect(res.json().error.status, what).toBe('UNAUTHENTICATED');
        expect(reasonOf(res), what).toBe('KEY_INVALID');
      }
    });

    it('rejects an expired key with KEY_EXPIRED and a revoked one with KEY_REVOKED', async () => {
      await admin('POST', '/v1/projects', { name: 'p-two' });
      const expiring = await serviceAccountKey('p-two', 'svc');
      const revoked = (await admin('POST', '/v1/projects/p-two/serviceAccounts/svc/keys', {})).json();
      const db = app.rouge.store.db;
      await db.updateTable('api_keys').set({ expire_time: '2000-01-01T00:00:00.000Z' }).where('key_id', '=', expiring.split('_')[1]!).execute();
      const expired = await call('GET', '/v1/whoami', expiring);
      expect(expired.statusCode).toBe(401);
      expect(reasonOf(expired)).toBe('KEY_EXPIRED');

      expect((await call('GET', '/v1/whoami', revoked.key)).statusCode).toBe(200);
      const del = await admin('DELETE', `/v1/projects/p-two/serviceAccounts/svc/keys/${revoked.keyId}`);
      expect(del.json().state).toBe('REVOKED');
      const after = await call('GET', '/v1/whoami', revoked.key);
      expect(after.statusCode).toBe(401);
      expect(reasonOf(after)).toBe('KEY_REVOKED');
    });

    it('keeps a key working during a delayed revocation, so two keys overlap while rotating', async () => {
      await admin('POST', '/v1/projects', { name: 'p-rot' });
      const old = await serviceAccountKey('p-rot', 'svc');
      const oldId = old.split('_')[1]!;
      const res = await admin('DELETE', `/v1/projects/p-rot/serviceAccounts/svc/keys/${oldId}?delay=3600s`);
      expect(res.json().state).toBe('REVOKING');
      const fresh = (await admin('POST', '/v1/projects/p-rot/serviceAccounts/svc/keys', {})).json().key;
      expect((await call('GET', '/v1/whoami', old)).statusCode).toBe(200);
      expect((await call('GET', '/v1/whoami', fresh)).statusCode).toBe(200);
      // When the delay has passed the old key stops working.
      await app.rouge.store.db.updateTable('api_keys').set({ revoke_time: '2000-01-01T00:00:00.000Z' }).where('key_id', '=', oldId).execute();
      expect(reasonOf(await call('GET', '/v1/whoami', old))).toBe('KEY_REVOKED');
    });

    it('shows a key once, then only its id, a redacted form and its last use', async () => {
      await admin('POST', '/v1/projects', { name: 'p-list' });
      const key = await serviceAccountKey('p-list', 'svc');
      expect(key).toMatch(/^rk_[A-Za-z0-9]{16}_[A-Za-z0-9]{43}$/);
      await call('GET', '/v1/whoami', key);
      const list = await admin('GET', '/v1/projects/p-list/serviceAccounts/svc/keys');
      const [info] = list.json().keys;
      expect(info.keyId).toBe(key.split('_')[1]);
      expect(info.redactedKey).toBe(`rk_${info.keyId}_********`);
      expect(info.state).toBe('ACTIVE');
      expect(info.lastUseTime).toBeDefined();
      expect(list.body).not.toContain(key.split('_')[2]);
      const days = (Date.parse(info.expireTime) - Date.parse(info.createTime)) / 86_400_000;
      expect(Math.round(days)).toBe(90);
    });

    it('stops the keys of a deleted service account from working', async () => {
      await admin('POST', '/v1/projects', { name: 'p-del' });
      const key = await serviceAccountKey('p-del', 'svc');
      expect((await call('GET', '/v1/whoami', key)).statusCode).toBe(200);
      expect((await admin('DELETE', '/v1/projects/p-del/serviceAccounts/svc')).statusCode).toBe(200);
      expect(reasonOf(await call('GET', '/v1/whoami', key))).toBe('KEY_INVALID');
    });

    it('answers 429 with Retry-After when a key exceeds its rate limit', async () => {
      const limited = await buildTestApp(kind, { rateLimitPerSecond: 3 });
      try {
        const codes: number[] = [];
        let retryAfter: string | undefined;
        for (let i = 0; i < 10; i++) {
          const res = await limited.inject({ url: '/v1/whoami' });
          codes.push(res.statusCode);
          if (res.statusCode === 429) {
            retryAfter = String(res.headers['retry-after']);
            expect(reasonOf(res)).toBe('TOO_MANY_REQUESTS');
          }
        }
        expect(codes.filter((c) => c === 200).length).toBeLessThanOrEqual(6);
        expect(retryAfter).toBe('1');
      } finally {
        await limited.close();
      }
    });
  });

  describe('the three-project example', () => {
    let web: string;
    beforeEach(async () => {
      for (const name of ['data-engineering', 'data-science', 'storefront']) await admin('POST', '/v1/projects', { name });
      web = await serviceAccountKey('storefront', 'web');
      const bound = await admin('POST', '/v1/projects/data-science/bindings', { principal: 'serviceAccount:web@storefront', role: 'predictor' });
      expect(bound.statusCode).toBe(200);
    });

    it('lets the storefront account see only the project it is bound in', async () => {
      const me = (await call('GET', '/v1/whoami', web)).json();
      expect(me).toMatchObject({ principal: 'serviceAccount:web@storefront', orgAdmin: false, projects: ['data-science'] });
      const list = (await call('GET', '/v1/projects', web)).json();
      expect(list.projects.map((p: { projectId: string }) => p.projectId)).toEqual(['data-science']);
    });

    it('refuses everything a predictor may not do with 403 naming the permission', async () => {
      const cases: Array<[string, Res]> = [
        ['create a project', await call('POST', '/v1/projects', web, { name: 'mine' })],
        ['read data-engineering', await call('GET', '/v1/projects/data-engineering', web)],
        ['create an account in data-science', await call('POST', '/v1/projects/data-science/serviceAccounts', web, { name: 'evil' })],
        ['grant itself admin', await call('POST', '/v1/projects/data-science/bindings', web, { principal: 'serviceAccount:web@storefront', role: 'admin' })],
        ['list users', await call('GET', '/v1/users', web)],
      ];
      for (const [what, res] of cases) {
        expect(res.statusCode, what).toBe(403);
        expect(reasonOf(res), what).toBe('PERMISSION_DENIED');
      }
      expect(cases[2]![1].json().error.message).toBe(
        'serviceAccount:web@storefront lacks permission iam.serviceAccounts.create on projects/data-science; ask a project admin for a binding with role admin.',
      );
      expect((await admin('GET', '/v1/projects/data-science/serviceAccounts')).json().serviceAccounts).toEqual([]);
    });

    it('grants more with a stronger role, and takes it back when the binding goes', async () => {
      await admin('POST', '/v1/projects/data-science/bindings', { principal: 'serviceAccount:web@storefront', role: 'viewer' });
      expect((await call('GET', '/v1/projects/data-science', web)).statusCode).toBe(200);
      const removed = await admin('DELETE', '/v1/projects/data-science/bindings?principal=serviceAccount:web@storefront&role=viewer');
      expect(removed.statusCode).toBe(200);
      expect((await call('GET', '/v1/projects/data-science', web)).statusCode).toBe(403);
    });

    it('lets a project admin manage its project but not another', async () => {
      const owner = await serviceAccountKey('data-science', 'owner');
      await admin('POST', '/v1/projects/data-science/bindings', { principal: 'serviceAccount:owner@data-science', role: 'admin' });
      expect((await call('POST', '/v1/projects/data-science/serviceAccounts', owner, { name: 'trainer' })).statusCode).toBe(200);
      expect((await call('POST', '/v1/projects/storefront/serviceAccounts', owner, { name: 'trainer' })).statusCode).toBe(403);
    });
  });

  describe('bindings', () => {
    beforeEach(async () => {
      await admin('POST', '/v1/projects', { name: 'bind' });
      await admin('POST', '/v1/projects/bind/serviceAccounts', { name: 'svc' });
    });

    it('refuses an unknown principal, a malformed one, an unknown role and a bad resource with 400', async () => {
      const cases: Array<[unknown, string]> = [
        [{ principal: 'serviceAccount:ghost@bind', role: 'viewer' }, 'PRINCIPAL_NOT_FOUND'],
        [{ principal: 'user:ghost', role: 'viewer' }, 'PRINCIPAL_NOT_FOUND'],
        [{ principal: 'group:everyone', role: 'viewer' }, 'PRINCIPAL_INVALID'],
        [{ principal: 'serviceAccount:svc@bind', role: 'owner' }, 'ROLE_UNKNOWN'],
        [{ principal: 'serviceAccount:svc@bind', role: 'orgAdmin' }, 'ROLE_UNKNOWN'],
        [{ principal: 'serviceAccount:svc@bind', role: 'viewer', resource: 'models/../x' }, 'BINDING_RESOURCE_INVALID'],
      ];
      for (const [body, reason] of cases) {
        const res = await admin('POST', '/v1/projects/bind/bindings', body);
        expect(res.statusCode, reason).toBe(400);
        expect(reasonOf(res)).toBe(reason);
      }
      expect((await admin('GET', '/v1/projects/bind/bindings')).json().bindings).toEqual([]);
    });

    it('refuses to remove the last admin binding of a project', async () => {
      await admin('POST', '/v1/projects/bind/bindings', { principal: 'serviceAccount:svc@bind', role: 'admin' });
      const res = await admin('DELETE', '/v1/projects/bind/bindings?principal=serviceAccount:svc@bind&role=admin');
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('LAST_ADMIN_BINDING');
      await admin('POST', '/v1/users', { name: 'alice' });
      await admin('POST', '/v1/projects/bind/bindings', { principal: 'user:alice', role: 'admin' });
      expect((await admin('DELETE', '/v1/projects/bind/bindings?principal=serviceAccount:svc@bind&role=admin')).statusCode).toBe(200);
    });

    it('answers a duplicate binding with 409 and a missing one with 404', async () => {
      const b = { principal: 'serviceAccount:svc@bind', role: 'viewer' };
      expect((await admin('POST', '/v1/projects/bind/bindings', b)).statusCode).toBe(200);
      expect(reasonOf(await admin('POST', '/v1/projects/bind/bindings', b))).toBe('BINDING_ALREADY_EXISTS');
      expect(reasonOf(await admin('DELETE', '/v1/projects/bind/bindings?principal=serviceAccount:svc@bind&role=editor'))).toBe('BINDING_NOT_FOUND');
    });

    const bindingRows = async (project: string) =>
      Number((await app.rouge.store.db.selectFrom('role_bindings').select((eb) => eb.fn.countAll().as('n')).where('project', '=', project).executeTakeFirstOrThrow()).n);

    it('answers a grant or removal in a project that does not exist with 404 PROJECT_NOT_FOUND, whatever the principal, and stores nothing', async () => {
      await admin('POST', '/v1/users', { name: 'carol' });
      for (const principal of ['user:carol', 'user:ghost', 'serviceAccount:svc@bind']) {
        const res = await admin('POST', '/v1/projects/nowhere/bindings', { principal, role: 'viewer' });
        expect(res.statusCode, principal).toBe(404);
        expect(reasonOf(res), principal).toBe('PROJECT_NOT_FOUND');
        expect(res.json().error.message, principal).toContain('nowhere');
      }
      const removed = await admin('DELETE', '/v1/projects/nowhere/bindings?principal=user:carol&role=viewer');
      expect(removed.statusCode).toBe(404);
      expect(reasonOf(removed)).toBe('PROJECT_NOT_FOUND');
      expect(await bindingRows('nowhere')).toBe(0);
    });

    it('never leaves a binding in a deleted project when the grant races the delete', async () => {
      await admin('POST', '/v1/users', { name: 'bob' });
      for (let round = 0; round < 5; round++) {
        const project = `race-${round}`;
        await admin('POST', '/v1/projects', { name: project });
        const [granted, deleted] = await Promise.all([
          admin('POST', `/v1/projects/${project}/bindings`, { principal: 'user:bob', role: 'editor' }),
          admin('DELETE', `/v1/projects/${project}`),
        ]);
        // Bindings never keep a project: the grant lands first and goes with it, or finds it gone.
        expect(deleted.statusCode).toBe(200);
        if (granted.statusCode !== 200) expect(reasonOf(granted)).toBe('PROJECT_NOT_FOUND');
        expect(await bindingRows(project)).toBe(0);
      }
    });

    it('refuses a grant arriving while the delete of its project is committing', async () => {
      await admin('POST', '/v1/users', { name: 'bob' });
      await admin('POST', '/v1/projects', { name: 'doomed' });
      const { deleted, written } = await writeDuringDelete(app, kind, 'doomed', () => admin('POST', '/v1/projects/doomed/bindings', { principal: 'user:bob', role: 'editor' }));
      expect(deleted.statusCode).toBe(200);
      expect(written.statusCode).toBe(404);
      expect(reasonOf(written)).toBe('PROJECT_NOT_FOUND');
      expect(await bindingRows('doomed')).toBe(0);
    });

    it('deletes a project\'s bindings with the project, so a new project of that name starts clean', async () => {
      await admin('POST', '/v1/users', { name: 'bob' });
      await admin('POST', '/v1/projects', { name: 'gone' });
      await admin('POST', '/v1/projects/gone/bindings', { principal: 'user:bob', role: 'editor' });
      expect(reasonOf(await admin('DELETE', '/v1/projects/bind'))).toBe('PROJECT_NOT_EMPTY');
      expect((await admin('DELETE', '/v1/projects/gone')).statusCode).toBe(200);
      await admin('POST', '/v1/projects', { name: 'gone' });
      expect((await admin('GET', '/v1/projects/gone/bindings')).json().bindings).toEqual([]);
    });
  });

  describe('small contracts', () => {
    it('creates a key from a POST with no body at all', async () => {
      await admin('POST', '/v1/users', { name: 'dora' });
      const res = await app.inject({ method: 'POST', url: '/v1/users/dora/keys' });
      expect(res.statusCode).toBe(200);
      expect(res.json().key).toMatch(/^rk_/);
    });

    it('caps a key lifetime at 3650 days', async () => {
      await admin('POST', '/v1/users', { name: 'eve' });
      const res = await admin('POST', '/v1/users/eve/keys', { ttl: `${3651 * 86400}s` });
      expect(reasonOf(res)).toBe('INVALID_EXPIRY');
    });

    it('names a missing principal or role when removing a binding', async () => {
      await admin('POST', '/v1/projects', { name: 'missing' });
      const res = await admin('DELETE', '/v1/projects/missing/bindings?role=viewer');
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('MISSING_FIELD');
      expect(res.json().error.message).toContain('principal');
    });

    it('puts the permission, principal and resource of a denial in ErrorInfo metadata', async () => {
      await admin('POST', '/v1/projects', { name: 'meta' });
      const key = await serviceAccountKey('meta', 'svc');
      const res = await call('GET', '/v1/projects/meta/bindings', key);
      expect(res.json().error.details[0].metadata).toEqual({ principal: 'serviceAccount:svc@meta', permission: 'iam.bindings.list', resource: 'projects/meta' });
    });

    it('audits creating and deleting a project in the organisation log', async () => {
      await admin('POST', '/v1/projects', { name: 'short-lived' });
      await admin('DELETE', '/v1/projects/short-lived');
      const org = (await admin('GET', '/v1/auditLog')).json().auditEntries.map((e: { permission: string }) => e.permission);
      expect(org.slice(0, 2)).toEqual(['resourcemanager.projects.delete', 'resourcemanager.projects.create']);
    });
  });

  describe('users and personal keys', () => {
    it('lets a user manage their own keys but not another user\'s', async () => {
      await admin('POST', '/v1/users', { name: 'alice' });
      await admin('POST', '/v1/users', { name: 'bob' });
      const alice = (await admin('POST', '/v1/users/alice/keys', { displayName: 'laptop' })).json().key;
      expect((await call('POST', '/v1/users/alice/keys', alice, {})).statusCode).toBe(200);
      expect((await call('GET', '/v1/users/alice/keys', alice)).json().keys).toHaveLength(2);
      expect((await call('POST', '/v1/users/bob/keys', alice, {})).statusCode).toBe(403);
      expect((await call('GET', '/v1/whoami', alice)).json().principal).toBe('user:alice');
    });

    it('refuses a key that expires in the past', async () => {
      await admin('POST', '/v1/users', { name: 'carol' });
      const res = await admin('POST', '/v1/users/carol/keys', { expireTime: '2001-01-01T00:00:00Z' });
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('INVALID_EXPIRY');
    });

    it('refuses to delete the principal making the call', async () => {
      expect(reasonOf(await admin('DELETE', '/v1/users/admin'))).toBe('CANNOT_DELETE_SELF');
    });
  });

  describe('audit log', () => {
    it('records allowed and denied mutations with who, what, where and the request id, and no secrets', async () => {
      await admin('POST', '/v1/projects', { name: 'audited' });
      const key = await serviceAccountKey('audited', 'svc');
      const denied = await call('POST', '/v1/projects/audited/serviceAccounts', key, { name: 'nope' });
      expect(denied.statusCode).toBe(403);
      await app.inject({ method: 'POST', url: '/v1/projects/audited/serviceAccounts', headers: { ...json, authorization: 'Bearer garbage', 'user-agent': 'curl/8' }, payload: '{}' });

      const res = await admin('GET', '/v1/projects/audited/auditLog');
      const entries = res.json().auditEntries as Array<Record<string, unknown>>;
      expect(entries.map((e) => [e.principal, e.permission, e.result])).toEqual([
        ['unauthenticated', 'iam.serviceAccounts.create', 'denied'],
        ['serviceAccount:svc@audited', 'iam.serviceAccounts.create', 'denied'],
        ['user:admin', 'iam.serviceAccountKeys.create', 'allowed'],
        ['user:admin', 'iam.serviceAccounts.create', 'allowed'],
      ]);
      expect(entries[1]).toMatchObject({ resource: 'projects/audited/serviceAccounts', method: 'POST', status: 403, reason: 'PERMISSION_DENIED', requestId: denied.headers['x-request-id'] });
      expect(entries[0]).toMatchObject({ userAgent: 'curl/8', reason: 'KEY_INVALID' });
      expect(res.body).not.toContain(key.split('_')[2]);

      const org = (await admin('GET', '/v1/auditLog')).json().auditEntries;
      expect(org.map((e: { permission: string }) => e.permission)).toContain('resourcemanager.projects.create');
    });

    it('filters by principal, result and time, and rejects a filter it cannot read', async () => {
      await admin('POST', '/v1/projects', { name: 'filtered' });
      await admin('POST', '/v1/projects/filtered/serviceAccounts', { name: 'aa' });
      const since = new Date(Date.now() - 3600_000).toISOString();
      const q = encodeURIComponent(`principal="user:admin" AND result="allowed" AND time>="${since}"`);
      expect((await admin('GET', `/v1/projects/filtered/auditLog?filter=${q}`)).json().auditEntries).toHaveLength(1);
      const future = encodeURIComponent(`time>="${new Date(Date.now() + 3600_000).toISOString()}"`);
      expect((await admin('GET', `/v1/projects/filtered/auditLog?filter=${future}`)).json().auditEntries).toHaveLength(0);
      const bad = await admin('GET', `/v1/projects/filtered/auditLog?filter=${encodeURIComponent('colour="red"')}`);
      expect(bad.statusCode).toBe(400);
      expect(reasonOf(bad)).toBe('FILTER_INVALID');
    });

    it('takes the platform filter syntax: quoted values with keywords, OR, NOT and status numbers', async () => {
      await admin('POST', '/v1/projects', { name: 'filtered' });
      await admin('POST', '/v1/projects/filtered/serviceAccounts', { name: 'aa' });
      await admin('POST', '/v1/projects/filtered/serviceAccounts', { name: 'aa' }); // 409, audited as failed
      const list = async (filter: string) => (await admin('GET', `/v1/projects/filtered/auditLog?filter=${encodeURIComponent(filter)}`)).json().auditEntries as Array<{ status: number; result: string }>;
      expect((await list('result = "failed" AND status = 409')).map((e) => e.status)).toEqual([409]);
      expect(await list('result = "allowed" OR result = "failed"')).toHaveLength(2);
      expect(await list('NOT result IN ("allowed", "failed")')).toHaveLength(0);
      expect(await list('principal = "user:admin AND more"')).toHaveLength(0);
      expect(reasonOf(await admin('GET', `/v1/projects/filtered/auditLog?filter=${encodeURIComponent('result = "maybe"')}`))).toBe('FILTER_INVALID');
    });
  });

  it('requires a permission on every route except the documented public ones', async () => {
    // /review is a static page: it asks for a key and every API call it makes needs one.
    const PUBLIC = ['/healthz', '/readyz', '/openapi.json', '/v2/health/live', '/v2/health/ready', '/review'];
    // The demo's product images and pages, fetched by browsers and ad channels (docs/iam.md): public, and 404 without --demo.
    const PUBLIC_DEMO = /^\/demo\/(images|products)\//;
    const routes: Array<{ url: string; method: string; config: Record<string, unknown> }> = [];
    const walker = await buildTestApp(kind, {}, {});
    try {
      // Fastify exposes route options through printRoutes only as text; probe every route instead.
      const doc = (await walker.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const method of Object.keys(methods)) routes.push({ url: path.replace(/\{[^}]+\}/g, 'x-probe'), method: method.toUpperCase(), config: {} });
      }
      expect(routes.length).toBeGreaterThan(15);
      for (const r of routes) {
        const res = await walker.inject({ method: r.method as 'GET', url: r.url, headers: { authorization: '' } });
        if (PUBLIC.includes(r.url)) continue;
        if (PUBLIC_DEMO.test(r.url)) {
          expect(res.statusCode, `${r.method} ${r.url}`).not.toBe(401);
          continue;
        }
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      }
      for (const url of PUBLIC) expect((await walker.inject({ url, headers: { authorization: '' } })).statusCode, url).toBe(200);
    } finally {
      await walker.close();
    }
  });
});

describe('bootstrap', () => {
  it('generates an admin key on first start only, and it works', async () => {
    const { openTestStore } = await import('./helpers/stores.js');
    const { buildApp } = await import('../src/app.js');
    const store = await openTestStore('sqlite');
    const first = await buildApp({ store, config: { keyPepper: 'p'.repeat(32) } });
    const key = first.rouge.iam.generatedAdminKey!;
    expect(key).toMatch(/^rk_[A-Za-z0-9]{16}_[A-Za-z0-9]{43}$/);
    const me = await first.inject({ url: '/v1/whoami', headers: bearer(key) });
    expect(me.json()).toMatchObject({ principal: 'user:admin', orgAdmin: true });
    await first.close();
    const second = await buildApp({ store, config: { keyPepper: 'p'.repeat(32) }, closeStore: true });
    expect(second.rouge.iam.generatedAdminKey).toBeUndefined();
    expect((await second.inject({ url: '/v1/whoami', headers: bearer(key) })).statusCode).toBe(200);
    await second.close();
  });
});
