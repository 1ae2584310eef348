import type { Kysely, Migration } from 'kysely';

export type DeployedState = 'deploying' | 'ready' | 'failed';

/** Endpoints and the models deployed on them; keys start with the project. */
export interface ServingTables {
  endpoints: {
    project: string;
    name: string;
    display_name: string;
    labels: string;
    request_logging: string;
    traffic_split: string;
    create_time: string;
    update_time: string;
  };
  deployed_models: {
    project: string;
    endpoint: string;
    id: string;
    model: string;
    version: number;
    display_name: string;
    batching: string | null;
    state: DeployedState;
    error: string | null;
    create_time: string;
  };
}
export type EndpointRow = ServingTables['endpoints'];
export type DeployedRow = ServingTables['deployed_models'];

export const servingMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('endpoints')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('request_logging', 'text', (c) => c.notNull())
      .addColumn('traffic_split', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('endpoints_pk', ['project', 'name'])
      .execute();
    await db.schema
      .createTable('deployed_models')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('batching', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('deployed_models_pk', ['project', 'endpoint', 'id'])
      .execute();
    await db.schema.createIndex('deployed_models_version').on('deployed_models').columns(['project', 'model', 'version']).execute();
  },
};
