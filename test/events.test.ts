import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { RedisCache, type CloudEvent } from '../src/platform/index.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { STORE_KINDS, TEST_REDIS_URL, openTestStore } from './helpers/stores.js';
import { until } from './helpers/until.js';

describe.each(STORE_KINDS)('platform events on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
  });
  afterEach(async () => {
    await app.close();
  });

  it('writes rouge.project.created as a CloudEvent and lists it', async () => {
    const received: CloudEvent[] = [];
    await app.rouge.events.subscribe((e) => received.push(e));
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'evented' } });
    const list = (await app.inject({ url: '/v1/projects/evented/cloudEvents' })).json();
    expect(list.cloudEvents).toHaveLength(1);
    const [event] = list.cloudEvents;
    expect(event).toMatchObject({
      specversion: '1.0', type: 'rouge.project.created', source: '//rouge/projects/evented', subject: 'projects/evented',
      datacontenttype: 'application/json', data: { name: 'projects/evented', projectId: 'evented' },
    });
    expect(Date.parse(event.time)).toBeGreaterThan(Date.now() - 60_000);
    const published = await until('the event to be published', () => received.find((e) => e.id === event.id));
    expect(published).toEqual(event);
  });

  it('writes no event for a refused create', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'once' } });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'once' } });
    expect((await app.inject({ url: '/v1/projects/once/cloudEvents' })).json().cloudEvents).toHaveLength(1);
  });

  it('writes rouge.operation.done when a job finishes, and filters by type and since', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'jobs' } });
    app.rouge.worker!.register('test.noop', async () => ({ ok: true }));
    const op = await app.rouge.jobs.enqueue('jobs', 'test.noop', {});
    const done = await until('rouge.operation.done', async () => {
      const list = (await app.inject({ url: '/v1/projects/jobs/cloudEvents?type=rouge.operation.done' })).json().cloudEvents;
      return list.length ? list : undefined;
    });
    expect(done[0]).toMatchObject({ subject: `operations/${op.name.split('/').pop()}`, data: { name: op.name, kind: 'test.noop', state: 'SUCCEEDED' } });
    const later = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    expect((await app.inject({ url: `/v1/projects/jobs/cloudEvents?since=${later}` })).json().cloudEvents).toEqual([]);
    const bad = await app.inject({ url: '/v1/projects/jobs/cloudEvents?since=yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('RFC 3339');
  });

  it('replays an event committed by a process that died before publishing it, with the same id', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'crashy' } });
    const db = app.rouge.store.db;
    // As if the process had died between the commit and the publish.
    await db.updateTable('cloud_events').set({ published: 0 }).where('project', '=', 'crashy').execute();
    const row = await db.selectFrom('cloud_events').selectAll().where('project', '=', 'crashy').executeTakeFirstOrThrow();
    const received: CloudEvent[] = [];
    await app.rouge.events.subscribe((e) => received.push(e));
    expect(await app.rouge.events.replay()).toBe(1);
    const again = await until('the replayed event', () => received.find((e) => e.id === row.id));
    expect(again.type).toBe('rouge.project.created');
    const after = await db.selectFrom('cloud_events').select('published').where('project', '=', 'crashy').executeTakeFirstOrThrow();
    expect(after.published).toBe(1);
  });
});

describe.runIf(TEST_REDIS_URL)('two processes sharing PostgreSQL or SQLite and Redis', () => {
  const prefix = `rouge-test-${randomBytes(4).toString('hex')}:`;
  let a: FastifyInstance;
  let b: FastifyInstance;
  beforeEach(async () => {
    const store = await openTestStore(STORE_KINDS.includes('postgres') ? 'postgres' : 'sqlite');
    const config = { redisUrl: TEST_REDIS_URL, cachePrefix: prefix, bootstrapAdminKey: ADMIN_KEY, keyCacheTtlMs: 60_000, keyPepper: 'p'.repeat(32) };
    a = await buildApp({ store, config });
    b = await buildApp({ store, config, closeStore: true });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  it('makes a revocation on one process reach the other at once, despite a 60 s key cache', async () => {
    const admin = auth(ADMIN_KEY);
    await a.inject({ method: 'POST', url: '/v1/projects', headers: admin, payload: { name: 'shared' } });
    await a.inject({ method: 'POST', url: '/v1/projects/shared/serviceAccounts', headers: admin, payload: { name: 'svc' } });
    const { key, keyId } = (await a.inject({ method: 'POST', url: '/v1/projects/shared/serviceAccounts/svc/keys', headers: admin, payload: {} })).json();
    expect((await b.inject({ url: '/v1/whoami', headers: auth(key) })).statusCode).toBe(200); // now cached on b
    await a.inject({ method: 'DELETE', url: `/v1/projects/shared/serviceAccounts/svc/keys/${keyId}`, headers: admin });
    await until('b to refuse the revoked key', async () => ((await b.inject({ url: '/v1/whoami', headers: auth(key) })).statusCode === 401 ? true : undefined), 3000);
  });

  it('holds a key\'s rate limit across both processes', async () => {
    const limitedConfig = { redisUrl: TEST_REDIS_URL, cachePrefix: prefix, bootstrapAdminKey: ADMIN_KEY, rateLimitPerSecond: 4, keyPepper: 'p'.repeat(32) };
    const store = a.rouge.store;
    const c = await buildApp({ store, config: limitedConfig });
    const d = await buildApp({ store, config: limitedConfig });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) codes.push((await (i % 2 ? c : d).inject({ url: '/v1/whoami', headers: auth(ADMIN_KEY) })).statusCode);
      // 8 requests in at most two one-second windows: at most 8 allowed only if split 4+4;
      // the same 8 against two separate in-memory limits would all pass.
      const started = Date.now();
      for (let i = 0; i < 8 && Date.now() - started < 900; i++) codes.push((await (i % 2 ? c : d).inject({ url: '/v1/whoami', headers: auth(ADMIN_KEY) })).statusCode);
      expect(codes.filter((x) => x === 429).length).toBeGreaterThan(0);
      expect(codes.filter((x) => x === 200).length).toBeLessThanOrEqual(12);
    } finally {
      await c.close();
      await d.close();
    }
  });

  it('delivers an event written on one process to a subscriber on another', async () => {
    const received: CloudEvent[] = [];
    await b.rouge.events.subscribe((e) => received.push(e));
    await a.inject({ method: 'POST', url: '/v1/projects', headers: auth(ADMIN_KEY), payload: { name: 'across' } });
    const e = await until('the event on b', () => received.find((x) => x.subject === 'projects/across'));
    expect(e.type).toBe('rouge.project.created');
  });

  it('wakes the other process\'s worker when a job is enqueued', async () => {
    await a.inject({ method: 'POST', url: '/v1/projects', headers: auth(ADMIN_KEY), payload: { name: 'wake' } });
    let ranOn = '';
    b.rouge.worker!.register('test.where', async () => {
      ranOn = 'b';
      return null;
    });
    // a has no handler for the kind, so only b can run it; b's idle poll is 1 s, the signal is faster.
    const op = await a.rouge.jobs.enqueue('wake', 'test.where', {});
    await until('the job to run on b', async () => ((await a.rouge.jobs.get('wake', op.name.split('/').pop()!)).done ? true : undefined), 5000);
    expect(ranOn).toBe('b');
  });
});

describe.runIf(TEST_REDIS_URL)('RedisCache shared by name', () => {
  it('is what the app opens when REDIS_URL is set', async () => {
    const app = await buildTestApp('sqlite', { redisUrl: TEST_REDIS_URL, cachePrefix: `rouge-test-${randomBytes(3).toString('hex')}:` });
    try {
      expect(app.rouge.cache).toBeInstanceOf(RedisCache);
    } finally {
      await app.close();
    }
  });
});
