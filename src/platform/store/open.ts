import { dirname, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Dialect, ModuleMigrations, Store } from './store.js';

/**
 * Thrown when the store cannot be reached (PostgreSQL) or opened (SQLite) at
 * start; the message says which store and why, and `dialect` tells the
 * operator's hint which setting to check.
 */
export class StoreUnreachableError extends Error {
  constructor(description: string, cause: unknown, readonly dialect: Dialect = 'postgres') {
    const why = (cause as Error)?.message || (cause as { code?: string })?.code || String(cause);
    super(`cannot ${dialect === 'sqlite' ? 'open' : 'reach'} the store (${description}): ${why}`, { cause });
    this.name = 'StoreUnreachableError';
  }
}

/**
 * Why the SQLite file could not be opened, in the operator's terms: mkdir's
 * EEXIST means "the data dir is a file", which the raw message does not say.
 */
function sqliteOpenProblem(file: string, cause: unknown): string {
  const e = cause as NodeJS.ErrnoException;
  const dir = dirname(file);
  if (e?.code === 'EEXIST') return `${e.path ?? dir} is a file, not a directory`;
  if (e?.code === 'ENOTDIR') return `a parent of ${e.path ?? dir} is a file, not a directory`;
  if (e?.code === 'EACCES' || e?.code === 'EPERM' || e?.code === 'EROFS') return `no permission to write ${e.path ?? dir}`;
  return e?.message || String(cause);
}

/**
 * Chooses the store adapter from configuration: PostgreSQL when a database URL
 * is set, otherwise SQLite at `<dataDir>/rouge.db` (or `:memory:` when the data
 * dir is `:memory:`, which tests use). Pings it before returning, so a database
 * that is down, or a data dir that cannot hold one, is reported at start as a
 * StoreUnreachableError, not on the first request.
 */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'databaseSchema' | 'dataDir'>,
  modules: ModuleMigrations[],
): Promise<Store> {
  let store: Store;
  if (config.databaseUrl) {
    store = openPostgresStore({ url: config.databaseUrl, schema: config.databaseSchema }, modules);
  } else {
    const file = config.dataDir === ':memory:' ? ':memory:' : resolve(config.dataDir, 'rouge.db');
    try {
      // Creating the data dir and the file happens here, synchronously, not in the ping below.
      store = openSqliteStore(file, modules);
    } catch (e) {
      throw new StoreUnreachableError(`SQLite at ${file}`, new Error(sqliteOpenProblem(file, e), { cause: e }), 'sqlite');
    }
  }
  try {
    await store.ping(5000);
  } catch (e) {
    await store.close().catch(() => undefined);
    throw new StoreUnreachableError(store.description, e, store.dialect);
  }
  return store;
}
