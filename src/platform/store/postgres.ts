import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { redactUrl } from '../config/index.js';
import { createMigrator, pendingMigrations, runMigrations } from './migrations.js';
import type { ModuleMigrations, Store } from './store.js';

// BIGINT (int8) counts come back as strings by default to protect precision; Rouge's
// counters stay far below 2^53, so parse them as numbers and keep both dialects alike.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PostgresStoreOptions {
  url: string;
  /** Tables live in this schema (created if missing); tests give each file its own. */
  schema?: string;
  poolSize?: number;
}

/**
 * Opens the production store on PostgreSQL. The pool's `error` listener matters:
 * without it, an idle connection dropped by the server crashes the process,
 * where Rouge must instead answer 503 and recover when the database returns.
 */
export function openPostgresStore(opts: PostgresStoreOptions, modules: ModuleMigrations[]): Store {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  pool.on('error', () => {
    /* a dropped idle client; the next checkout reconnects */
  });
  // A connection cut while a client is checked out between queries emits 'error'
  // on the client itself, where no pool listener sees it; the query in flight
  // (if any) rejects on its own, so this listener only keeps the process alive.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  const migrator = createMigrator(db, modules, opts.schema);
  const where = redactUrl(opts.url).replace(/^postgres(ql)?:\/\//, '');
  let closed = false;
  return {
    dialect: 'postgres',
    description: `PostgreSQL at ${where}${opts.schema ? ` (schema ${opts.schema})` : ''}`,
    db,
    typed: <T>() => db as unknown as Kysely<T>,
    async ping(timeoutMs = 2000) {
      if (closed) throw new Error('PostgreSQL store is closed');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([sql`select 1`.execute(db), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async migrate() {
      if (opts.schema) await sql`create schema if not exists ${sql.id(opts.schema)}`.execute(db);
      return runMigrations(migrator);
    },
    pendingMigrations: () => pendingMigrations(migrator),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
