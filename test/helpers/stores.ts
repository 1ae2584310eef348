import { randomBytes } from 'node:crypto';
import { ALL_MIGRATIONS } from '../../src/app.js';
import { openPostgresStore, openSqliteStore, type ModuleMigrations, type Store } from '../../src/platform/index.js';

export type StoreKind = 'sqlite' | 'postgres';

/** The PostgreSQL URL tests use, when set (see test/global-setup.ts for the skip notice). */
export const TEST_DATABASE_URL = process.env.ROUGE_TEST_DATABASE_URL;
export const TEST_REDIS_URL = process.env.ROUGE_TEST_REDIS_URL;

/** The store kinds this run can test: SQLite always, PostgreSQL when configured. */
export const STORE_KINDS: StoreKind[] = TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

let cachePrefixes = 0;

/**
 * The cache of one leg of the matrix: SQLite runs with the in-memory cache,
 * PostgreSQL with Redis (when ROUGE_TEST_REDIS_URL is set), as the two real
 * deployments do. Each app gets a key prefix of its own under this test
 * file's (`rouge-t:<run>:<pid>:<n>:`), so no two apps share counters or
 * signals unless a test passes the same `shared` prefix to both (two
 * processes of one deployment); the global teardown deletes the run's keys.
 */
export function testCacheConfig(kind: StoreKind, shared?: string): { redisUrl?: string; cachePrefix?: string } {
  if (kind !== 'postgres' || !TEST_REDIS_URL) return shared ? { cachePrefix: shared } : {};
  return { redisUrl: TEST_REDIS_URL, cachePrefix: shared ?? newCachePrefix() };
}

/** A fresh Redis key prefix under this run's and this test file's. */
export function newCachePrefix(): string {
  return `rouge-t:${process.env.ROUGE_TEST_RUN_ID ?? 'adhoc'}:${process.pid}:${++cachePrefixes}:`;
}

/** A fresh schema name, so parallel test files never see each other's rows. */
export function freshSchema(): string {
  return `rouge_t_${process.env.ROUGE_TEST_RUN_ID ?? 'adhoc'}_${process.pid}_${randomBytes(4).toString('hex')}`;
}


/**
 * Opens an empty store of the given kind: SQLite in memory, or PostgreSQL in a
 * schema of its own. Test schemas are never dropped by the file that made
 * them: Kysely's migrator introspects every table of every schema in the
 * database, and a schema dropped by another file in the middle of that query
 * makes it fail. The global teardown (test/global-setup.ts) drops this run's
 * schemas once every file has finished.
 */
export async function openTestStore(kind: StoreKind, modules: ModuleMigrations[] = ALL_MIGRATIONS): Promise<Store> {
  if (kind === 'sqlite') return openSqliteStore(':memory:', modules);
  return openPostgresStore({ url: TEST_DATABASE_URL!, schema: freshSchema(), poolSize: 5 }, modules);
}
