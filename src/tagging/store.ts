import type { Kysely } from 'kysely';
import type { Store } from '../platform/index.js';
import { dequantise, quantise } from './classifier/quantise.js';
import type { ReviewTaskRow } from './classifier/tables.js';
import type { FeedTokenRow, ItemTagRow, ResultRow, TaggingTables } from './tables.js';
import { BACKBONE } from './vision/backbone.js';

/** What the classifier decided for one item, written with its result. */
export interface Classified {
  /** The item's tags from the model (auto-accepted), replacing its earlier ones of these names. */
  tags: ItemTagRow[];
  names: readonly string[];
  /** The tagger version that decided (projects/p/models/m/versions/n). */
  modelVersion: string;
  /** A review task, unless the item has one pending for this image and tagger already. */
  task?: ReviewTaskRow;
}

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
  /**
   * Stores an item's result and replaces its analyzer tags, and with
   * `classified` its model tags and pending review task, in one transaction:
   * a run killed between items leaves no half-written item.
   */
  async putResult(row: ResultRow, tags: ItemTagRow[], classified?: Classified): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const { project: _p, run: _r, item: _i, ...set } = row;
      await trx.insertInto('tagging_results').values(row).onConflict((oc) => oc.columns(['project', 'run', 'item']).doUpdateSet(set)).execute();
      await trx.deleteFrom('item_tags').where('project', '=', row.project).where('item', '=', row.item).where('source', '=', 'analyzer').execute();
      if (tags.length > 0) await trx.insertInto('item_tags').values(tags).execute();
      if (!classified) return;
      // Classified means no person decided on this image: earlier reviewed tags were for another image.
      await trx.deleteFrom('item_tags').where('project', '=', row.project).where('item', '=', row.item).where('source', 'in', ['model', 'review']).where('name', 'in', [...classified.names]).execute();
      if (classified.tags.length > 0) await trx.insertInto('item_tags').values(classified.tags).execute();
      // A pending task for this image and tagger stays (a reviewer may be on it, an audit sample keeps building);
      // one for another image or tagger is stale.
      const pending = await trx.selectFrom('tagging_review_tasks').select(['id', 'image_hash', 'model_version']).where('project', '=', row.project).where('item', '=', row.item).where('state', '=', 'pending').execute();
      const current = (t: { image_hash: string; model_version: string }) => t.image_hash === row.image_hash && t.model_version === classified.modelVersion;
      const stale = pending.filter((t) => !current(t)).map((t) => t.id);
      if (stale.length > 0) await trx.deleteFrom('tagging_review_tasks').where('project', '=', row.project).where('id', 'in', stale).execute();
      if (classified.task && !pending.some(current)) await trx.insertInto('tagging_review_tasks').values(classified.task).execute();
    });
  }
  /** A person's latest decision on the product type of this item's very image, if any. */
  async reviewed(project: string, item: string, hash: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('tagging_review_tasks').select('decision').where('project', '=', project).where('item', '=', item).where('image_hash', '=', hash)
      .where('state', '=', 'resolved').orderBy('resolve_time', 'desc').limit(1).executeTakeFirst();
    return r?.decision ?? undefined;
  }
  /** How a run's images were classified: auto-accepted, and sent to review as uncertain or as an audit sample. */
  async classifiedCounts(project: string, run: string): Promise<{ classified: number; autoAccepted: number; sentToReview: number; audited: number }> {
    const r = await this.db.selectFrom('tagging_results').select([(eb) => eb.fn.count<number | string>('predicted_label').as('classified'), (eb) => eb.fn.sum<number | string | null>('auto_accepted').as('accepted')])
      .where('project', '=', project).where('run', '=', run).executeTakeFirst();
    const tasks = await this.db.selectFrom('tagging_review_tasks').select(['kind', (eb) => eb.fn.countAll<number | string>().as('n')]).where('project', '=', project).where('run', '=', run).groupBy('kind').execute();
    const n = (k: string) => Number(tasks.find((t) => t.kind === k)?.n ?? 0);
    return { classified: Number(r?.classified ?? 0), autoAccepted: Number(r?.accepted ?? 0), sentToReview: n('uncertain'), audited: n('audit') };
  }
  async embeddings(project: string, hash: string): Promise<Float32Array | undefined> {
    const r = await this.db.selectFrom('tagging_embeddings').select('vector').where('project', '=', project).where('hash', '=', hash).where('backbone', '=', BACKBONE).executeTakeFirst();
    return r ? dequantise(Buffer.from(r.vector, 'base64')) : undefined;
  }
  async putEmbeddings(project: string, hash: string, v: Float32Array): Promise<void> {
    const row = { project, hash, backbone: BACKBONE, vector: Buffer.from(quantise(v)).toString('base64'), create_time: new Date().toISOString() };
    await this.db.insertInto('tagging_embeddings').values(row).onConflict((oc) => oc.columns(['project', 'hash', 'backbone']).doNothing()).execute();
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
    for (const t of ['tagging_images', 'item_images', 'tagging_results', 'item_tags', 'feed_settings', 'feed_tokens', 'tagging_embeddings', 'tagging_review_tasks']) await db.deleteFrom(t).where('project', '=', project).execute();
  }
}
