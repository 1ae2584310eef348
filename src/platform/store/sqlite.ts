import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { createMigrator, pendingMigrations, runMigrations } from './migrations.js';
import { withStatementCache } from './statement-cache.js';
import type { ModuleMigrations, Store } from './store.js';

/**
 * Opens the embedded store: one SQLite file (or `:memory:`). WAL lets readers
 * run while a write commits; busy_timeout makes a second process wait for the
 * lock instead of failing at once. Kysely's SQLite driver serialises access to
 * the single connection, so transactions never interleave.
 */
export function openSqliteStore(path: string, modules: ModuleMigrations[]): Store {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') {
    // Private by default: the data dir holds every project's data and the key pepper.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Created here with 0600 before SQLite opens it, so SQLite (which gives its WAL and
    // shared-memory files the database file's mode) never makes a world-readable file.
    closeSync(openSync(file, 'a', 0o600));
  }
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // The default page cache is 2 MB: the live history a personal placement reads per request
  // (a shopper's events, scattered over a table of millions) then costs a read() per page.
  // Mapped, those pages come straight from the OS cache; the page cache keeps the indexes' upper levels.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('mmap_size = 1073741824');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const migrator = createMigrator(db, modules);
  let closed = false;
  return {
    dialect: 'sqlite',
    description: file === ':memory:' ? 'SQLite in memory' : `SQLite at ${file}`,
    db,
    typed: <T>() => db as unknown as Kysely<T>,
    async ping() {
      if (closed || !sqlite.open) throw new Error('SQLite database is closed');
      await sql`select 1`.execute(db);
    },
    migrate: () => runMigrations(migrator),
    pendingMigrations: () => pendingMigrations(migrator),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
