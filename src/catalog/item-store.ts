import { sql, type Kysely, type Transaction } from 'kysely';
import type { CheckedFilter, Store } from '../platform/index.js';
import { itemFilterSql } from './item-filter.js';
import type { CatalogTables, ItemRow } from './tables.js';

export type Db = Kysely<CatalogTables> | Transaction<CatalogTables>;

/** What the search index reads of an item; the rest would only be copied out of the store to be dropped. */
const INDEXED = ['id', 'title', 'brand', 'description', 'category', 'category_path', 'update_time'] as const;
export type IndexedRow = Pick<ItemRow, (typeof INDEXED)[number]>;

/** Columns an upsert replaces; `create_time` stays as first written. */
const UPDATABLE = ['title', 'description', 'brand', 'category_path', 'category', 'price_amount', 'price_currency', 'availability', 'link', 'image_link', 'condition', 'gtin', 'attributes', 'update_time'] as const;

/** Data access for catalog items; every query takes the project. */
export class ItemStore {
  readonly db: Kysely<CatalogTables>;
  /**
   * Rows per page of a full scan. SQLite reads a page in one synchronous
   * call that holds the event loop, so its pages are small; PostgreSQL's
   * arrive asynchronously, and before its planner has statistics each page
   * costs a sort of every row after the cursor, so its pages are large.
   */
  readonly scanPage: number;
  private readonly dialect: Store['dialect'];
  constructor(store: Store) {
    this.db = store.typed<CatalogTables>();
    this.dialect = store.dialect;
    this.scanPage = store.dialect === 'sqlite' ? 1000 : 5000;
  }

  /**
   * Refreshes PostgreSQL's statistics of the items table after a bulk load.
   * Until autovacuum gets to it (up to a minute later), the planner believes
   * the table nearly empty, and each page of the index build's scan sorts
   * every row after its cursor: 4 s instead of 0.3 s for 100,000 items.
   * SQLite plans without statistics and gets none here.
   */
  async refreshStatistics(): Promise<void> {
    if (this.dialect === 'postgres') await sql`analyze catalog_items`.execute(this.db);
  }

  get(project: string, id: string, db: Db = this.db): Promise<ItemRow | undefined> {
    return db.selectFrom('catalog_items').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
  }

  byIds(project: string, ids: string[], db: Db = this.db): Promise<ItemRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('catalog_items').selectAll().where('project', '=', project).where('id', 'in', ids).execute();
  }

  /**
   * Inserts or replaces items (ids unique within the call) and says which were
   * new. Run inside the caller's transaction, so the count and the write agree.
   */
  async upsertMany(project: string, rows: ItemRow[], db: Db): Promise<{ inserted: number; updated: number }> {
    if (rows.length === 0) return { inserted: 0, updated: 0 };
    const existing = await db.selectFrom('catalog_items').select('id').where('project', '=', project).where('id', 'in', rows.map((r) => r.id)).execute();
    await db.insertInto('catalog_items').values(rows)
      .onConflict((oc) => oc.columns(['project', 'id']).doUpdateSet((eb) => Object.fromEntries(UPDATABLE.map((c) => [c, eb.ref(`excluded.${c}`)])) as never))
      .execute();
    return { inserted: rows.length - existing.length, updated: existing.length };
  }

  async patch(project: string, id: string, set: Partial<ItemRow>, db: Db = this.db): Promise<boolean> {
    const r = await db.updateTable('catalog_items').set(set).where('project', '=', project).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(project: string, id: string, db: Db = this.db): Promise<boolean> {
    const r = await db.deleteFrom('catalog_items').where('project', '=', project).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  list(project: string, filter: CheckedFilter | undefined, limit: number, after?: string): Promise<ItemRow[]> {
    let q = this.db.selectFrom('catalog_items').selectAll().where('project', '=', project);
    if (filter) q = q.where(itemFilterSql(filter, this.dialect));
    if (after !== undefined) q = q.where('id', '>', after);
    return q.orderBy('id').limit(limit).execute();
  }

  /** The ids among `ids` whose items pass the filter (in no order), read in chunks. */
  async passing(project: string, ids: string[], filter: CheckedFilter): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.selectFrom('catalog_items').select('id').where('project', '=', project).where('id', 'in', ids.slice(i, i + 500)).where(itemFilterSql(filter, this.dialect)).execute();
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  /** Item counts per leaf category path. */
  async categoryCounts(project: string): Promise<Array<{ category: string; category_path: string; n: number }>> {
    const rows = await this.db.selectFrom('catalog_items')
      .select((eb) => ['category', eb.fn.min('category_path').as('category_path'), eb.fn.countAll<number>().as('n')])
      .where('project', '=', project).groupBy('category').orderBy('category').execute();
    return rows.map((r) => ({ category: r.category, category_path: String(r.category_path), n: Number(r.n) }));
  }

  /** One page of a full scan in id order, with the columns the search index reads (index builds read the catalogue this way). */
  scan(project: string, limit: number, after?: string): Promise<IndexedRow[]> {
    let q = this.db.selectFrom('catalog_items').select(INDEXED).where('project', '=', project);
    if (after !== undefined) q = q.where('id', '>', after);
    return q.orderBy('id').limit(limit).execute();
  }

  /** The projects that have items (what a search index warm-up builds). */
  async projects(): Promise<string[]> {
    return (await this.db.selectFrom('catalog_items').select('project').distinct().orderBy('project').execute()).map((r) => r.project);
  }

  /** How many items and the latest change: a cheap fingerprint the search index compares with its own. */
  async fingerprint(project: string): Promise<{ count: number; latest: string }> {
    const r = await this.db.selectFrom('catalog_items')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('update_time').as('latest')])
      .where('project', '=', project).executeTakeFirstOrThrow();
    return { count: Number(r.n), latest: String(r.latest ?? '') };
  }

  /** Items changed at or after a time (the index re-reads them when a signal was lost). */
  changedSince(project: string, since: string): Promise<Array<{ id: string }>> {
    return this.db.selectFrom('catalog_items').select('id').where('project', '=', project).where('update_time', '>=', since).execute();
  }

  async count(project: string): Promise<number> {
    return (await this.fingerprint(project)).count;
  }

  async deleteProject(project: string, db: Db): Promise<void> {
    await db.deleteFrom('catalog_items').where('project', '=', project).execute();
    await db.deleteFrom('catalog_settings').where('project', '=', project).execute();
  }

  async synonyms(project: string): Promise<string[][]> {
    const r = await this.db.selectFrom('catalog_settings').select('synonyms').where('project', '=', project).executeTakeFirst();
    return r ? (JSON.parse(r.synonyms) as string[][]) : [];
  }

  async setSynonyms(project: string, groups: string[][], now: string, db: Db = this.db): Promise<void> {
    const synonyms = JSON.stringify(groups);
    await db.insertInto('catalog_settings').values({ project, synonyms, update_time: now })
      .onConflict((oc) => oc.column('project').doUpdateSet({ synonyms, update_time: now }))
      .execute();
  }
}
