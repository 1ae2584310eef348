import type { Kysely, Migration } from 'kysely';

/** The classifier's tables: embeddings per image content, and the review queue. */
export interface ClassifierTables {
  /** The backbone's embeddings of an image (and its mirror), as bytes (see tagger-file.ts): computed once per content. */
  tagging_embeddings: {
    project: string;
    hash: string;
    backbone: string;
    /** base64 of 2 x 1280 quantised activations. */
    vector: string;
    create_time: string;
  };
  /** A tag proposal a person decides on: uncertain predictions, and a sample of auto-accepted ones (audit). */
  tagging_review_tasks: {
    project: string;
    id: string;
    run: string;
    item: string;
    image_hash: string;
    kind: string;
    /** The tagger version that proposed it (projects/p/models/m/versions/n). */
    model_version: string;
    /** JSON [{name, value, confidence}]. */
    proposed: string;
    /** JSON of the version's class mappings, so a correction maps to the same categories. */
    choices: string;
    state: string;
    decision: string | null;
    /** JSON of the tags the decision left on the item. */
    tags: string | null;
    resolved_by: string | null;
    create_time: string;
    resolve_time: string | null;
  };
}

/** What a tagging run's result says of the classifier's prediction (null when no tagger ran). */
export interface PredictionColumns {
  predicted_label: string | null;
  confidence: number | null;
  auto_accepted: number | null;
}

export type ReviewTaskRow = ClassifierTables['tagging_review_tasks'];

/** Issue #21: embeddings, review tasks, and each result's prediction. */
export const classifierMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('tagging_embeddings')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('hash', 'text', (c) => c.notNull()).addColumn('backbone', 'text', (c) => c.notNull())
      .addColumn('vector', 'text', (c) => c.notNull()).addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tagging_embeddings_pk', ['project', 'hash', 'backbone']).execute();
    await db.schema.createTable('tagging_review_tasks')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('id', 'text', (c) => c.notNull()).addColumn('run', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull()).addColumn('image_hash', 'text', (c) => c.notNull()).addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('model_version', 'text', (c) => c.notNull()).addColumn('proposed', 'text', (c) => c.notNull()).addColumn('choices', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull()).addColumn('decision', 'text').addColumn('tags', 'text').addColumn('resolved_by', 'text')
      .addColumn('create_time', 'text', (c) => c.notNull()).addColumn('resolve_time', 'text')
      .addPrimaryKeyConstraint('tagging_review_tasks_pk', ['project', 'id']).execute();
    await db.schema.createIndex('tagging_review_tasks_state').on('tagging_review_tasks').columns(['project', 'state', 'id']).execute();
    await db.schema.createIndex('tagging_review_tasks_item').on('tagging_review_tasks').columns(['project', 'item', 'image_hash']).execute();
    await db.schema.createIndex('tagging_review_tasks_run').on('tagging_review_tasks').columns(['project', 'run']).execute();
    await db.schema.alterTable('tagging_results').addColumn('predicted_label', 'text').execute();
    await db.schema.alterTable('tagging_results').addColumn('confidence', 'real').execute();
    await db.schema.alterTable('tagging_results').addColumn('auto_accepted', 'integer').execute();
  },
};
