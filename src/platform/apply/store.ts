import type { Kysely, Migration } from 'kysely';
import { type Store } from '../store/index.js';

/** One resource a source manages: its kind, its project ('' for the organisation) and its name. */
export interface ManagedResource {
  kind: string;
  project: string;
  name: string;
}

export interface ApplyRecordTable {
  apply_records: {
    source: string;
    /** JSON: ManagedResource[], sorted. */
    resources: string;
    etag: string;
    update_time: string;
    updated_by: string;
  };
}
export type ApplyRecordRow = ApplyRecordTable['apply_records'];

export const applyRecordsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('apply_records')
      .addColumn('source', 'text', (c) => c.primaryKey())
      .addColumn('resources', 'text', (c) => c.notNull())
      .addColumn('etag', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * Apply records. They are not scoped by one project: a source spans several,
 * so the routes check the caller against every project a record names.
 */
export class ApplyRecordStore {
  private readonly db: Kysely<ApplyRecordTable>;
  constructor(store: Store) {
    this.db = store.typed<ApplyRecordTable>();
  }

  async get(source: string): Promise<ApplyRecordRow | undefined> {
    return this.db.selectFrom('apply_records').selectAll().where('source', '=', source).executeTakeFirst();
  }

  /**
   * Writes the record if its etag is still `expected` (undefined: whatever it
   * is; '': it must not exist yet). False when another writer came first.
   */
  async put(row: ApplyRecordRow, expected: string | undefined): Promise<boolean> {
    const { source, ...rest } = row;
    if (expected === '') return this.insertNew(row);
    let q = this.db.updateTable('apply_records').set(rest).where('source', '=', source);
    if (expected !== undefined) q = q.where('etag', '=', expected);
    const done = await q.executeTakeFirst();
    if (Number(done.numUpdatedRows) > 0) return true;
    if (expected !== undefined) return false;
    return this.insertNew(row);
  }

  /** Inserts the record unless one exists (ON CONFLICT DO NOTHING: no failed statement on PostgreSQL); false when it did. */
  private async insertNew(row: ApplyRecordRow): Promise<boolean> {
    const r = await this.db.insertInto('apply_records').values(row).onConflict((oc) => oc.column('source').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async delete(source: string): Promise<boolean> {
    const done = await this.db.deleteFrom('apply_records').where('source', '=', source).executeTakeFirst();
    return Number(done.numDeletedRows) > 0;
  }
}
