/**
 * The store port and its two adapters (SQLite embedded, PostgreSQL production),
 * migrations, and driver-neutral error classification.
 */
export type { Store, Dialect, ModuleMigrations } from './store.js';
export { openStore, StoreUnreachableError } from './open.js';
export { openSqliteStore } from './sqlite.js';
export { openPostgresStore } from './postgres.js';
export type { PostgresStoreOptions } from './postgres.js';
export { dialectOf, bigintType } from './migrations.js';
export { isUniqueViolation, isStoreUnavailable } from './errors.js';
export { nowIso, parseJson } from './values.js';
export { precompile, type Precompiled } from './precompiled.js';
