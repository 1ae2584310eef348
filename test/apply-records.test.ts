/**
 * Apply records (/v1/applyRecords/{source}) on both stores: what one source
 * of `rouge apply` manages, read and replaced whole, guarded by an etag, and
 * readable or writable only by a caller with the permission in every project
 * the record names (before and after the write).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonOf } from './catalog-helpers.js';
import { bearer, buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';

type Record = { name: string; resources: Array<{ kind: string; project: string; name: string }>; projects: string[]; etag: string; updatedBy: string };

describe.each(STORE_KINDS)('apply records on %s', (storeKind) => {
  let app: FastifyInstance;
  let alice: string;
  const put = (source: string, payload: object, headers: { authorization?: string } = {}) => app.inject({ method: 'PUT', url: `/v1/applyRecords/${source}`, payload, headers });

  beforeAll(async () => {
    app = await buildTestApp(storeKind);
    for (const name of ['ds', 'sf']) expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'alice' } })).statusCode).toBe(200);
    alice = ((await app.inject({ method: 'POST', url: '/v1/users/alice/keys', payload: {} })).json() as { key: string }).key;
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/bindings', payload: { principal: 'user:alice', role: 'admin' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/sf/bindings', payload: { principal: 'user:alice', role: 'viewer' } })).statusCode).toBe(200);
  });
  afterAll(() => app?.close());

  it('creates a record, reads it back sorted with its projects, and 404s an unknown source', async () => {
    const res = await put('infra', { resources: [{ kind: 'ServiceAccount', project: 'sf', name: 'web' }, { kind: 'Project', project: 'ds', name: 'ds' }, { kind: 'Project', project: 'ds', name: 'ds' }] });
    expect(res.statusCode, res.body).toBe(200);
    const got = (await app.inject({ url: '/v1/applyRecords/infra' })).json() as Record;
    expect(got.name).toBe('applyRecords/infra');
    expect(got.resources).toEqual([{ kind: 'Project', project: 'ds', name: 'ds' }, { kind: 'ServiceAccount', project: 'sf', name: 'web' }]);
    expect(got.projects).toEqual(['ds', 'sf']);
    expect(got.updatedBy).toBe('user:admin');
    expect(reasonOf(await app.inject({ url: '/v1/applyRecords/nothing-here' }))).toBe('APPLY_RECORD_NOT_FOUND');
  });

  it('refuses a write with a stale etag, and a create-only write of a record that exists', async () => {
    const first = (await put('etagged', { resources: [{ kind: 'Project', project: 'ds', name: 'ds' }], etag: '' })).json() as Record;
    expect(reasonOf(await put('etagged', { resources: [], etag: '' }))).toBe('APPLY_RECORD_CHANGED');
    const second = await put('etagged', { resources: [{ kind: 'Project', project: 'sf', name: 'sf' }], etag: first.etag });
    expect(second.statusCode, second.body).toBe(200);
    const stale = await put('etagged', { resources: [], etag: first.etag });
    expect(stale.statusCode).toBe(409);
    expect(reasonOf(stale)).toBe('APPLY_RECORD_CHANGED');
    expect(((await app.inject({ url: '/v1/applyRecords/etagged' })).json() as Record).projects).toEqual(['sf']);
  });

  it('lets a project admin write records of its projects only, and a viewer read them', async () => {
    const mine = await put('alice-ds', { resources: [{ kind: 'Binding', project: 'ds', name: 'b1' }] }, bearer(alice));
    expect(mine.statusCode, mine.body).toBe(200);
    // Admin of ds, viewer of sf: a record that reaches into sf is refused, and so is taking over one that does.
    const wider = await put('alice-ds', { resources: [{ kind: 'Binding', project: 'ds', name: 'b1' }, { kind: 'Binding', project: 'sf', name: 'b2' }] }, bearer(alice));
    expect(wider.statusCode).toBe(403);
    expect(wider.body).toMatch(/platform\.applyRecords\.update/);
    expect((await put('infra', { resources: [] }, bearer(alice))).statusCode).toBe(403);
    // An organisation binding (project "") needs an organisation admin.
    expect((await put('org-level', { resources: [{ kind: 'Binding', project: '', name: 'x' }] }, bearer(alice))).statusCode).toBe(403);
    // Reading needs platform.applyRecords.get in each project: a viewer of sf holds it there.
    expect((await app.inject({ url: '/v1/applyRecords/infra', headers: bearer(alice) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/applyRecords/alice-ds', headers: bearer(alice) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/v1/applyRecords/infra', headers: bearer(alice) })).statusCode).toBe(403);
  });

  it('deletes a record and leaves nothing behind', async () => {
    expect((await put('gone', { resources: [{ kind: 'Project', project: 'ds', name: 'ds' }] })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/v1/applyRecords/gone' })).statusCode).toBe(200);
    expect(reasonOf(await app.inject({ url: '/v1/applyRecords/gone' }))).toBe('APPLY_RECORD_NOT_FOUND');
  });
});
