import type { Kysely } from 'kysely';
import type { TaggingTables } from '../tables.js';
import type { ReviewTaskRow } from './tables.js';
import { PRODUCT_TAGS } from './decide.js';

type Db = Kysely<TaggingTables>;

/** The review queue's queries; every one takes the project. */
export class ReviewStore {
  constructor(private readonly db: Db) {}

  list(project: string, q: { state?: string; kind?: string; run?: string }, limit: number, after?: string): Promise<ReviewTaskRow[]> {
    let s = this.db.selectFrom('tagging_review_tasks').selectAll().where('project', '=', project).orderBy('id').limit(limit);
    if (q.state) s = s.where('state', '=', q.state);
    if (q.kind) s = s.where('kind', '=', q.kind);
    if (q.run) s = s.where('run', '=', q.run);
    if (after !== undefined) s = s.where('id', '>', after);
    return s.execute();
  }

  get(project: string, id: string): Promise<ReviewTaskRow | undefined> {
    return this.db.selectFrom('tagging_review_tasks').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
  }

  /**
   * Records a decision and sets the item's tags, in one transaction, only if
   * the task is still pending (two reviewers racing: one wins, the other is
   * told). `reviewTags` replace the item's reviewed product tags; a reject
   * removes the model's.
   */
  async resolve(task: ReviewTaskRow, decision: string, by: string, reviewTags: TaggingTables['item_tags'][]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      const r = await trx.updateTable('tagging_review_tasks')
        .set({ state: 'resolved', decision, tags: JSON.stringify(reviewTags.map((t) => ({ name: t.name, value: t.value }))), resolved_by: by, resolve_time: now })
        .where('project', '=', task.project).where('id', '=', task.id).where('state', '=', 'pending').executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      const names = [...PRODUCT_TAGS];
      if (decision === 'reject') {
        await trx.deleteFrom('item_tags').where('project', '=', task.project).where('item', '=', task.item).where('source', '=', 'model').where('name', 'in', names).execute();
      } else {
        await trx.deleteFrom('item_tags').where('project', '=', task.project).where('item', '=', task.item).where('source', '=', 'review').where('name', 'in', names).execute();
        if (reviewTags.length > 0) await trx.insertInto('item_tags').values(reviewTags).execute();
      }
      return true;
    });
  }

  /** Per run: tasks by kind, state and decision, for the savings report. */
  async tally(project: string, run: string): Promise<Array<{ kind: string; state: string; decision: string | null; n: number }>> {
    const rows = await this.db.selectFrom('tagging_review_tasks').select(['kind', 'state', 'decision', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('project', '=', project).where('run', '=', run).groupBy(['kind', 'state', 'decision']).execute();
    return rows.map((r) => ({ ...r, n: Number(r.n) }));
  }

  /** Every accepted or corrected decision with the embeddings of its image: training data for the next tagger. */
  async decisions(project: string): Promise<Array<{ hash: string; tags: string; vector: string | null }>> {
    return this.db.selectFrom('tagging_review_tasks as t')
      .leftJoin('tagging_embeddings as e', (j) => j.onRef('e.project', '=', 't.project').onRef('e.hash', '=', 't.image_hash'))
      .select(['t.image_hash as hash', 't.tags as tags', 'e.vector as vector'])
      .where('t.project', '=', project).where('t.state', '=', 'resolved').where('t.decision', 'in', ['accept', 'correct']).orderBy('t.resolve_time').execute()
      .then((rows) => rows.map((r) => ({ hash: r.hash, tags: r.tags ?? '[]', vector: r.vector })));
  }
}
