import { sql, type Kysely, type Migration } from 'kysely';
import { registryMigration } from './tables.js';

/**
 * Version numbers that are never reused. Numbering by max(version) + 1 gave a
 * deleted top version's number to the next upload, so `ctr@2` could name
 * different bytes over time, and two concurrent uploads on PostgreSQL computed
 * the same number and the loser hit the primary key. `models.last_version` is
 * the counter an upload increments in its own transaction (the row lock
 * serialises concurrent uploads to one model); existing models start from
 * their highest version, which is the best the old scheme can tell us.
 *
 * `model_versions.metadata` holds what a framework's `inspect` read from the
 * artifact beyond the signature.
 */
export const versionCounterMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('models').addColumn('last_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('model_versions').addColumn('metadata', 'text').execute();
    await db
      .updateTable('models')
      .set({
        last_version: sql`coalesce((select max(v.version) from model_versions v where v.project = models.project and v.model = models.name), 0)`,
      })
      .execute();
  },
};

/** The registry module's migrations by name, for the app's migration list. */
export const registryMigrations: Record<string, Migration> = {
  '0001_registry': registryMigration,
  '0002_version_counter': versionCounterMigration,
};
