import { Migrator, SqliteAdapter, type Kysely, type Migration, type MigrationProvider } from 'kysely';
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

/** Builds the Kysely migrator over the given modules. */
export function createMigrator(db: Kysely<any>, modules: ModuleMigrations[], schema?: string): Migrator {
  return new Migrator({
    db,
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
