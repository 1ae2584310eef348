import type { Kysely, Migration } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/**
 * A module's migrations: named `NNNN_what`, applied in order within the module.
 * Both dialects run the same migration; where they differ, the migration asks
 * `dialectOf(db)`.
 */
export interface ModuleMigrations {
  module: string;
  migrations: Record<string, Migration>;
}

/**
 * The store port: a Kysely instance over SQLite or PostgreSQL, plus the few
 * things the platform needs beyond queries (health, migrations, shutdown).
 * Modules type the shared `db` with their own table interfaces through `typed()`.
 */
export interface Store {
  readonly dialect: Dialect;
  /** Human-readable location without secrets, e.g. "SQLite at /srv/.rouge/rouge.db". */
  readonly description: string;
  readonly db: Kysely<any>;
  /** The same Kysely instance typed with one module's tables. */
  typed<T>(): Kysely<T>;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Names of migrations known to the code but not applied to the database. */
  pendingMigrations(): Promise<string[]>;
  close(): Promise<void>;
}
