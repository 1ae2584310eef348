import type { Kysely, Migration } from 'kysely';

/** Registry tables; every key starts with the project. */
export interface RegistryTables {
  models: {
    project: string;
    name: string;
    display_name: string;
    description: string;
    labels: string;
    create_time: string;
    update_time: string;
    /** The highest version number ever given out in this model (0 before the first); never goes down, so numbers are not reused. */
    last_version: number;
  };
  model_versions: {
    project: string;
    model: string;
    version: number;
    framework: string;
    description: string;
    labels: string;
    metrics: string;
    lineage: string;
    signature: string | null;
    /** JSON object of facts the framework read from the artifact (ModelFramework.inspect). */
    metadata: string | null;
    spec: string | null;
    artifact_uri: string | null;
    artifact_key: string | null;
    artifact_sha256: string | null;
    artifact_size: number | null;
    created_by: string;
    create_time: string;
  };
  model_aliases: {
    project: string;
    model: string;
    alias: string;
    version: number;
    update_time: string;
  };
  /** Artifacts written to the blob store whose version row may not exist yet: swept if it never does. */
  model_uploads: {
    project: string;
    upload_id: string;
    model: string;
    blob_key: string;
    create_time: string;
  };
}

export type ModelRow = RegistryTables['models'];
export type VersionRow = RegistryTables['model_versions'];
export type AliasRow = RegistryTables['model_aliases'];

/** The registry's first schema; later changes are in migrations.ts. */
export const registryMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('models')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('models_pk', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('model_versions')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('framework', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('metrics', 'text', (c) => c.notNull())
      .addColumn('lineage', 'text', (c) => c.notNull())
      .addColumn('signature', 'text')
      .addColumn('spec', 'text')
      .addColumn('artifact_uri', 'text')
      .addColumn('artifact_key', 'text')
      .addColumn('artifact_sha256', 'text')
      .addColumn('artifact_size', 'bigint')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_versions_pk', ['project', 'model', 'version'])
      .execute();
    await db.schema
      .createTable('model_aliases')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('alias', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_aliases_pk', ['project', 'model', 'alias'])
      .execute();
    await db.schema
      .createTable('model_uploads')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('upload_id', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_uploads_pk', ['project', 'upload_id'])
      .execute();
  },
};
