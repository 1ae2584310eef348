import type Database from 'better-sqlite3';

/**
 * Wraps a better-sqlite3 database so `prepare` returns a cached statement for
 * SQL it has seen. Kysely's SQLite driver prepares every query afresh, and the
 * prepare costs more than the query itself for the small lookups on the hot
 * path (a project, a key, a binding). Kysely runs one query at a time on the
 * connection, so a statement is never used by two queries at once. The cache
 * is bounded: Kysely's SQL text depends on the query's shape, not its values,
 * but `in (...)` lists vary with their length.
 */
export function withStatementCache(db: Database.Database, max = 1000): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'prepare') {
        return (sql: string) => {
          let stmt = cache.get(sql);
          if (stmt) return stmt;
          stmt = prepare(sql);
          if (cache.size >= max) cache.delete(cache.keys().next().value!);
          cache.set(sql, stmt);
          return stmt;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
