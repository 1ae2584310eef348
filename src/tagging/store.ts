import type { Kysely } from 'kysely';
import type { Store } from '../platform/index.js';
import type { FeedTokenRow, ItemTagRow, ResultRow, TaggingTables } from './tables.js';

type Db = Kysely<TaggingTables>;

/** Data access for image analysis; every query takes the project. */
export class TaggingStore {
  readonly db: Db;
  constructor(store: Store) {
    this.db = store.typed<TaggingTables>();
  }

  image(project: string, hash: string, analyzer: string): Promise<TaggingTables['tagging_images'] | undefined> {
    return this.db.selectFrom('tagging_images').selectAll().where('project', '=', project).where('hash', '=', hash).where('analyzer', '=', analyzer).executeTakeFirst();
  }
  async putImage(row: TaggingTables['tagging_images']): Promise<void> {
    await this.db.insertInto('tagging_images').values(row).onConflict((oc) => oc.columns(['project', 'hash', 'analyzer']).doNothing()).execute();
  }
  itemImage(project: string, item: string): Promise<TaggingTables['item_images'] | undefined> {
    return this.db.selectFrom('item_images').selectAll().where('project', '=', project).where('item', '=', item).executeTakeFirst();
  }
  async putItemImage(row: TaggingTables['item_images']): Promise<void> {
    const { project: _p, item: _i, ...set } = row;
    await this.db.insertInto('item_images').values(row).onConflict((oc) => oc.columns(['project', 'item']).doUpdateSet(set)).execute();
  }

  /** Items of the run that have a result already: a resumed run skips them. */
  async doneItems(project: string, run: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('tagging_results').select('item').where('project', '=', project).where('run', '=', run).execute();
    return new Set(rows.map((r) => r.item));
  }
  /** Stores an item's result and replaces its analyzer tags, in one transaction. */
  async putResult(row: ResultRow, tags: ItemTagRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('tagging_results').values(row).onConflict((oc) => oc.columns(['project', 'run', 'item']).doUpdateSet({ status: row.status, image_hash: row.image_hash, error_code: row.error_code, error_message: row.error_message, checks: row.checks, tags: row.tags, time: row.time })).execute();
      await trx.deleteFrom('item_tags').where('project', '=', row.project).where('item', '=', row.item).where('source', '=', 'analyzer').execute();
      if (tags.length > 0) await trx.insertInto('item_tags').values(tags).execute();
    });
  }
  results(project: string, run: string, limit: number, after?: string): Promise<ResultRow[]> {
    let q = this.db.selectFrom('tagging_results').selectAll().where('project', '=', project).where('run', '=', run).orderBy('item').limit(limit);
    if (after !== undefined) q = q.where('item', '>', after);
    return q.execute();
  }
  async counts(project: string, run: string): Promise<{ ok: number; errors: number }> {
    const rows = await this.db.selectFrom('tagging_results').select(['status', (eb) => eb.fn.countAll<number | string>().as('n')]).where('project', '=', project).where('run', '=', run).groupBy('status').execute();
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { ok: n('ok'), errors: n('error') };
  }
  tags(project: string, item: string): Promise<ItemTagRow[]> {
    return this.db.selectFrom('item_tags').selectAll().where('project', '=', project).where('item', '=', item).orderBy('source').orderBy('name').execute();
  }
  async labels(project: string): Promise<Array<string | null>> {
    const r = await this.db.selectFrom('feed_settings').select('custom_labels').where('project', '=', project).executeTakeFirst();
    return r ? (JSON.parse(r.custom_labels) as Array<string | null>) : [null, null, null, null, null];
  }
  async putLabels(project: string, labels: Array<string | null>): Promise<void> {
    const row = { project, custom_labels: JSON.stringify(labels), update_time: new Date().toISOString() };
    await this.db.insertInto('feed_settings').values(row).onConflict((oc) => oc.column('project').doUpdateSet({ custom_labels: row.custom_labels, update_time: row.update_time })).execute();
  }
  /** How many distinct values a tag has across the project's items. */
  async distinctValues(project: string, name: string): Promise<number> {
    const r = await this.db.selectFrom('item_tags').select((eb) => eb.fn.count<number | string>('value').distinct().as('n')).where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
  /** Tags of many items (every source). */
  tagsOf(project: string, items: readonly string[]): Promise<ItemTagRow[]> {
    if (items.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('item_tags').selectAll().where('project', '=', project).where('item', 'in', items).execute();
  }
  /** Each item's latest successful analysis result (its checks), of many items. */
  async latestChecks(project: string, items: readonly string[]): Promise<Map<string, string>> {
    if (items.length === 0) return new Map();
    const rows = await this.db.selectFrom('tagging_results').select(['item', 'checks', 'time']).where('project', '=', project).where('item', 'in', items).where('status', '=', 'ok').orderBy('time', 'desc').execute();
    const out = new Map<string, string>();
    for (const r of rows) if (!out.has(r.item)) out.set(r.item, r.checks);
    return out;
  }
  async insertToken(row: FeedTokenRow): Promise<void> {
    await this.db.insertInto('feed_tokens').values(row).execute();
  }
  token(project: string, id: string): Promise<FeedTokenRow | undefined> {
    return this.db.selectFrom('feed_tokens').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
  }
  tokens(project: string, feed: string): Promise<FeedTokenRow[]> {
    return this.db.selectFrom('feed_tokens').selectAll().where('project', '=', project).where('feed', '=', feed).orderBy('create_time').execute();
  }
  async deleteToken(project: string, feed: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('feed_tokens').where('project', '=', project).where('feed', '=', feed).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async deleteProject(project: string, db: Kysely<any>): Promise<void> {
    for (const t of ['tagging_images', 'item_images', 'tagging_results', 'item_tags', 'feed_settings', 'feed_tokens']) await db.deleteFrom(t).where('project', '=', project).execute();
  }
}
