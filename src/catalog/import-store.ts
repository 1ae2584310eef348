import type { Kysely } from 'kysely';
import type { Store } from '../platform/index.js';
import type { Db } from './item-store.js';
import type { CatalogTables, ImportRow, RejectionRow } from './tables.js';

/** Counts a chunk adds to an import's progress. */
export interface ChunkCounts {
  records: number;
  inserted: number;
  updated: number;
  duplicates: number;
  rejected: number;
}

/** Progress rows of import Operations and their rejected lines. */
export class ImportStore {
  readonly db: Kysely<CatalogTables>;
  constructor(store: Store) {
    this.db = store.typed<CatalogTables>();
  }

  /** The progress of an import, created at zero on its first run. */
  async start(project: string, operation: string, now: string): Promise<ImportRow> {
    await this.db.insertInto('catalog_imports')
      .values({ project, operation, records_done: 0, inserted: 0, updated: 0, duplicates: 0, rejected: 0, update_time: now })
      .onConflict((oc) => oc.columns(['project', 'operation']).doNothing())
      .execute();
    return this.db.selectFrom('catalog_imports').selectAll().where('project', '=', project).where('operation', '=', operation).executeTakeFirstOrThrow();
  }

  /**
   * Adds a chunk's counts; called in the transaction that wrote the chunk, and
   * conditional on the records done so far, so a chunk that another run of the
   * same Operation already recorded cannot be counted twice.
   */
  async advance(project: string, operation: string, from: number, c: ChunkCounts, rejections: RejectionRow[], now: string, db: Db): Promise<boolean> {
    const r = await db.updateTable('catalog_imports')
      .set((eb) => ({
        records_done: from + c.records,
        inserted: eb('inserted', '+', c.inserted),
        updated: eb('updated', '+', c.updated),
        duplicates: eb('duplicates', '+', c.duplicates),
        rejected: eb('rejected', '+', c.rejected),
        update_time: now,
      }))
      .where('project', '=', project).where('operation', '=', operation).where('records_done', '=', from)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    for (let i = 0; i < rejections.length; i += 500) await db.insertInto('catalog_import_rejections').values(rejections.slice(i, i + 500)).execute();
    return true;
  }

  rejections(project: string, operation: string, limit: number): Promise<RejectionRow[]> {
    return this.db.selectFrom('catalog_import_rejections').selectAll().where('project', '=', project).where('operation', '=', operation).orderBy('line').limit(limit).execute();
  }

  get(project: string, operation: string): Promise<ImportRow | undefined> {
    return this.db.selectFrom('catalog_imports').selectAll().where('project', '=', project).where('operation', '=', operation).executeTakeFirst();
  }
}
