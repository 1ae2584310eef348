import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { ModuleMigrations, Store } from './store.js';

/** Thrown when the store cannot be reached at start; the message says which store and why. */
export class StoreUnreachableError extends Error {
  constructor(description: string, cause: unknown) {
    const why = (cause as Error)?.message || (cause as { code?: string })?.code || String(cause);
    super(`cannot reach the store (${description}): ${why}`, { cause });
    this.name = 'StoreUnreachableError';
  }
}

/**
 * Chooses the store adapter from configuration: PostgreSQL when a database URL
 * is set, otherwise SQLite at `<dataDir>/rouge.db` (or `:memory:` when the data
 * dir is `:memory:`, which tests use). Pings it before returning, so a database
 * that is down is reported at start, not on the first request.
 */
export async function openStore(
  config: Pick<Config, 'databaseUrl' | 'databaseSchema' | 'dataDir'>,
  modules: ModuleMigrations[],
): Promise<Store> {
  const store = config.databaseUrl
    ? openPostgresStore({ url: config.databaseUrl, schema: config.databaseSchema }, modules)
    : openSqliteStore(config.dataDir === ':memory:' ? ':memory:' : join(config.dataDir, 'rouge.db'), modules);
  try {
    await store.ping(5000);
  } catch (e) {
    await store.close().catch(() => undefined);
    throw new StoreUnreachableError(store.description, e);
  }
  return store;
}
