import type { Kysely, Transaction } from 'kysely';
import { dialectOf, isUniqueViolation, type Store } from '../platform/index.js';
import type { DeployedRow, EndpointRow, ServingTables } from './tables.js';

type Db = Kysely<ServingTables> | Transaction<ServingTables>;

/** Data access for endpoints and deployed models; every query takes the project. */
export class ServingStore {
  readonly db: Kysely<ServingTables>;
  private readonly postgres: boolean;
  constructor(store: Store) {
    this.db = store.typed<ServingTables>();
    this.postgres = dialectOf(store.db) === 'postgres';
  }

  async insertEndpoint(row: EndpointRow, db: Db = this.db): Promise<boolean> {
    try {
      await db.insertInto('endpoints').values(row).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
  /** Reads the endpoint; inside a transaction on PostgreSQL it locks the row, so deploys on one endpoint serialise. */
  getEndpoint(project: string, name: string, db: Db = this.db, lock = false): Promise<EndpointRow | undefined> {
    let q = db.selectFrom('endpoints').selectAll().where('project', '=', project).where('name', '=', name);
    if (lock && this.postgres) q = q.forUpdate();
    return q.executeTakeFirst();
  }
  listEndpoints(project: string, limit: number, after?: string): Promise<EndpointRow[]> {
    let q = this.db.selectFrom('endpoints').selectAll().where('project', '=', project).orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return q.execute();
  }
  /** Every endpoint of every project: an inference process loads them all at start. */
  allEndpoints(): Promise<EndpointRow[]> {
    return this.db.selectFrom('endpoints').selectAll().execute();
  }
  async setSplit(project: string, name: string, split: Record<string, number>, now: string, db: Db): Promise<void> {
    await db.updateTable('endpoints').set({ traffic_split: JSON.stringify(split), update_time: now }).where('project', '=', project).where('name', '=', name).execute();
  }
  async deleteEndpoint(project: string, name: string, db: Db): Promise<boolean> {
    const r = await db.deleteFrom('endpoints').where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async countEndpoints(project: string, db: Db = this.db): Promise<number> {
    const r = await db.selectFrom('endpoints').select((eb) => eb.fn.countAll<number>().as('n')).where('project', '=', project).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Deployed models still loading, in every project, created before `before` (for the abandoned-deploy sweep). */
  deployingBefore(before: string): Promise<DeployedRow[]> {
    return this.db.selectFrom('deployed_models').selectAll().where('state', '=', 'deploying').where('create_time', '<', before).execute();
  }

  deployedOn(project: string, endpoint: string, db: Db = this.db): Promise<DeployedRow[]> {
    return db.selectFrom('deployed_models').selectAll().where('project', '=', project).where('endpoint', '=', endpoint).orderBy('create_time').execute();
  }
  getDeployed(project: string, endpoint: string, id: string, db: Db = this.db): Promise<DeployedRow | undefined> {
    return db.selectFrom('deployed_models').selectAll().where('project', '=', project).where('endpoint', '=', endpoint).where('id', '=', id).executeTakeFirst();
  }
  async insertDeployed(row: DeployedRow, db: Db = this.db): Promise<boolean> {
    try {
      await db.insertInto('deployed_models').values(row).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
  async setDeployedState(project: string, endpoint: string, id: string, state: DeployedRow['state'], error: string | null, db: Db = this.db): Promise<void> {
    await db.updateTable('deployed_models').set({ state, error }).where('project', '=', project).where('endpoint', '=', endpoint).where('id', '=', id).execute();
  }
  async deleteDeployed(project: string, endpoint: string, id: string, db: Db): Promise<void> {
    await db.deleteFrom('deployed_models').where('project', '=', project).where('endpoint', '=', endpoint).where('id', '=', id).execute();
  }
  /** Endpoints where a model version is deployed (ready or still deploying). */
  async endpointsServing(project: string, model: string, version: number): Promise<string[]> {
    const rows = await this.db.selectFrom('deployed_models').select('endpoint').distinct()
      .where('project', '=', project).where('model', '=', model).where('version', '=', version).where('state', '!=', 'failed').execute();
    return rows.map((r) => `projects/${project}/endpoints/${r.endpoint}`);
  }
}
