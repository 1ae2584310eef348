import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { TEST_DATABASE_URL, freshSchema } from './helpers/stores.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';
import { ADMIN_KEY, bearer } from './helpers/app.js';

describe.runIf(TEST_DATABASE_URL)('PostgreSQL going away while serving', () => {
  let app: FastifyInstance | undefined;
  const schema = freshSchema();
  afterEach(async () => {
    await app?.close();
  });

  it('turns /readyz and requests into 503 STORE_UNAVAILABLE instead of crashing, and recovers', async () => {
    const target = new URL(TEST_DATABASE_URL!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const url = new URL(TEST_DATABASE_URL!);
    url.port = String(proxy.port);
    app = await buildApp({ config: { databaseUrl: url.toString(), databaseSchema: schema, bootstrapAdminKey: ADMIN_KEY, keyCacheTtlMs: 0 } });
    const auth = bearer(ADMIN_KEY);
    const created = await app.inject({ method: 'POST', url: '/v1/projects', headers: { 'content-type': 'application/json', ...auth }, payload: { name: 'alive' } });
    expect(created.statusCode).toBe(200);

    await proxy.cut();

    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().status).toBe('unavailable');
    // Anyone may ask /readyz: it names the dependency, never the driver's error (hosts, ports, users).
    expect(ready.json().reason).toBe('the PostgreSQL store is not reachable');
    expect(ready.body).not.toContain(String(proxy.port));
    const got = await app.inject({ url: '/v1/projects/alive', headers: auth });
    expect(got.statusCode).toBe(503);
    expect(got.json().error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    expect(got.json().error.details[0].reason).toBe('STORE_UNAVAILABLE');
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);

    await proxy.restore();
    const deadline = Date.now() + 10_000;
    while ((await app.inject({ url: '/readyz' })).statusCode !== 200) {
      if (Date.now() > deadline) throw new Error('/readyz did not recover within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await app.inject({ url: '/v1/projects/alive', headers: auth })).statusCode).toBe(200);
    await proxy.cut();
  });
});
