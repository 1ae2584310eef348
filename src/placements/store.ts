import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation, type Store } from '../platform/index.js';
import type { PlacementTables, RecommenderRow } from './tables.js';

type Db = Kysely<PlacementTables> | Transaction<PlacementTables>;

/** Data access for recommenders; every query takes the project. */
export class PlacementStore {
  readonly db: Kysely<PlacementTables>;
  constructor(store: Store) {
    this.db = store.typed<PlacementTables>();
  }

  /** False when the name is taken. */
  async insert(row: RecommenderRow, db: Db = this.db): Promise<boolean> {
    try {
      await db.insertInto('recommenders').values(row).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
  get(project: string, name: string): Promise<RecommenderRow | undefined> {
    return this.db.selectFrom('recommenders').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
  }
  list(project: string, limit: number, after?: string): Promise<RecommenderRow[]> {
    let q = this.db.selectFrom('recommenders').selectAll().where('project', '=', project).orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return q.execute();
  }
  async update(project: string, name: string, set: Partial<RecommenderRow>): Promise<boolean> {
    const r = await this.db.updateTable('recommenders').set(set).where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async delete(project: string, name: string): Promise<boolean> {
    const r = await this.db.deleteFrom('recommenders').where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async deleteProject(project: string, db: Db): Promise<void> {
    await db.deleteFrom('recommenders').where('project', '=', project).execute();
  }
}
