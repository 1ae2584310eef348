import { Migrator, SqliteAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect, ModuleMigrations } from './store.js';

/**
 * Flattens every module's migrations into one ordered set. Names become
 * `<module>/<NNNN_what>`; modules are applied in the order given (platform first),
 * and `allowUnorderedMigrations` lets an older module add a migration after a
 * newer module's have run.
 */
export function migrationProvider(modules: ModuleMigrations[]): MigrationProvider {
  return {
    async getMigrations() {
      const all: Record<string, Migration> = {};
      modules.forEach((m, i) => {
        for (const [name, migration] of Object.entries(m.migrations)) {
          if (!/^\d{4}_[a-z0-9_]+$/.test(name)) throw new Error(`migration ${m.module}/${name} must be named NNNN_what`);
          all[`${String(i).padStart(2, '0')}_${m.module}/${name}`] = migration;
        }
      });
      return all;
    },
  };
}

/**
 * Kysely's migrator asks whether its two tables exist by introspecting every
 * column of every table in every schema of the database. In a database that
 * holds many schemas (a test run makes one per app; some deployments keep one
 * per tenant) that query grows with all of them and dominated start-up. On
 * PostgreSQL the migrator gets a view of the database whose introspection
 * looks only at the migrator's own schema.
 */
function narrowIntrospection(db: Kysely<any>, schema: string | undefined): Kysely<any> {
  if (dialectOf(db) !== 'postgres') return db;
  const introspection = {
    getSchemas: async () => (await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(db)).rows,
    getTables: async () => {
      const rows = (await sql<{ name: string; schema: string }>`select table_name as name, table_schema as schema from information_schema.tables
        where table_schema = coalesce(${schema ?? null}::text, current_schema())`.execute(db)).rows;
      return rows.map((r) => ({ name: r.name, schema: r.schema, isView: false, columns: [] }));
    },
    getMetadata: async () => ({ tables: await introspection.getTables() }),
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const v = Reflect.get(target, prop, target) as unknown;
      // Kysely's methods use private fields: they must run on the real instance.
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Builds the Kysely migrator over the given modules. */
export function createMigrator(db: Kysely<any>, modules: ModuleMigrations[], schema?: string): Migrator {
  return new Migrator({
    db: narrowIntrospection(db, schema),
    provider: migrationProvider(modules),
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Runs the migrations and throws the first failure with its migration name. */
export async function runMigrations(migrator: Migrator): Promise<string[]> {
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Lists migrations the database has not applied. */
export async function pendingMigrations(migrator: Migrator): Promise<string[]> {
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Returns `bigint`-safe integer column type for the dialect. */
export function bigintType(dialect: Dialect): 'integer' | 'bigint' {
  return dialect === 'sqlite' ? 'integer' : 'bigint';
}

/** Which dialect a migration runs on; migrations receive only the Kysely instance. */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres';
}
