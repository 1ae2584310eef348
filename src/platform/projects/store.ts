import type { Kysely, Migration } from 'kysely';
import { isUniqueViolation, type Store } from '../store/index.js';

export interface ProjectsTable {
  projects: {
    name: string;
    display_name: string;
    time_zone: string;
    create_time: string;
    update_time: string;
  };
}
export type ProjectRow = ProjectsTable['projects'];

export const projectsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('projects')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .execute();
  },
};

/** Data access for projects. The project is the key, so every query is scoped by it. */
export class ProjectStore {
  private readonly db: Kysely<ProjectsTable>;
  private readonly dialect: Store['dialect'];
  constructor(store: Store) {
    this.db = store.typed<ProjectsTable>();
    this.dialect = store.dialect;
  }

  /** Inserts (in the caller's transaction when given); returns false when the name is taken. */
  async insert(row: ProjectRow, db: Kysely<any> = this.db): Promise<boolean> {
    try {
      await (db as Kysely<ProjectsTable>).insertInto('projects').values(row).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async get(name: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async list(limit: number, after?: string): Promise<ProjectRow[]> {
    let q = this.db.selectFrom('projects').selectAll().orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return q.execute();
  }

  /**
   * Reads the project's row in the caller's transaction; false when it does
   * not exist. On PostgreSQL the read takes FOR KEY SHARE: holders do not
   * block each other, but a delete of the row waits for every one of them, and
   * a holder arriving during a delete waits for it and then finds no row.
   * SQLite has no row locks and needs none: its transactions never interleave.
   */
  async hold(name: string, db: Kysely<any>): Promise<boolean> {
    let q = (db as Kysely<ProjectsTable>).selectFrom('projects').select('name').where('name', '=', name);
    if (this.dialect === 'postgres') q = q.forKeyShare();
    return (await q.executeTakeFirst()) !== undefined;
  }

  /** Deletes in the caller's transaction; returns false when there was nothing to delete. */
  async delete(name: string, db: Kysely<any>): Promise<boolean> {
    const res = await (db as Kysely<ProjectsTable>).deleteFrom('projects').where('name', '=', name).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  /** Projects among the given names, for a caller who may see only some. */
  async listAmong(names: string[], limit: number, after?: string): Promise<ProjectRow[]> {
    if (names.length === 0) return [];
    let q = this.db.selectFrom('projects').selectAll().where('name', 'in', names).orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return q.execute();
  }
}
