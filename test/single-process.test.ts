import { afterEach, describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS, buildApp } from '../src/app.js';
import { SingleProcessLockError, openPostgresStore, type Store } from '../src/platform/index.js';
import type { FastifyInstance } from 'fastify';
import { ADMIN_KEY } from './helpers/app.js';
import { TEST_DATABASE_URL, freshSchema } from './helpers/stores.js';

// The lock exists only on PostgreSQL: an embedded SQLite store has one process by construction.
describe.runIf(TEST_DATABASE_URL)('--single-process on PostgreSQL', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  it('refuses a second single-process Rouge on the same database and schema, and lets one start once the first has stopped', async () => {
    const schema = freshSchema();
    const open = (): Store => openPostgresStore({ url: TEST_DATABASE_URL!, schema, poolSize: 3 }, ALL_MIGRATIONS);
    const config = { bootstrapAdminKey: ADMIN_KEY, singleProcess: true, roles: ['api' as const, 'inference' as const, 'worker' as const] };
    const first = await buildApp({ store: open(), closeStore: true, config });
    apps.push(first);
    await expect(buildApp({ store: open(), closeStore: true, config })).rejects.toBeInstanceOf(SingleProcessLockError);
    // A process that is not single-process (roles split, Redis shared) is not held back by the lock.
    const split = await buildApp({ store: open(), closeStore: true, config: { bootstrapAdminKey: ADMIN_KEY, roles: ['api'] } });
    apps.push(split);
    await apps.shift()!.close();
    const third = await buildApp({ store: open(), closeStore: true, config });
    apps.push(third);
    expect((await third.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
