import type { Kysely, Migration } from 'kysely';
import type { ClassifierTables, PredictionColumns } from './classifier/tables.js';

/** Image analysis: images by content, runs' per-item results, and the tags items carry. */
export interface TaggingTables extends ClassifierTables {
  /** One analysis per image content (and analyzer version): an unchanged image is never analysed twice. */
  tagging_images: {
    project: string;
    hash: string;
    analyzer: string;
    /** JSON of the Analysis, or null when the image could not be analysed. */
    analysis: string | null;
    error_code: string | null;
    error_message: string | null;
    create_time: string;
  };
  /** The image an item has, fetched from its imageLink or uploaded. */
  item_images: {
    project: string;
    item: string;
    hash: string;
    source: string;
    link: string | null;
    content_type: string;
    update_time: string;
  };
  tagging_results: PredictionColumns & {
    project: string;
    run: string;
    item: string;
    status: string;
    image_hash: string | null;
    error_code: string | null;
    error_message: string | null;
    checks: string;
    tags: string;
    time: string;
  };
  /** Which item tags a project's feeds carry in custom_label_0..4. */
  feed_settings: {
    project: string;
    /** JSON array of five tag names or nulls. */
    custom_labels: string;
    update_time: string;
  };
  /** Tokens a channel fetches a feed with (HTTP Basic): the secret's SHA-256 only. */
  feed_tokens: {
    project: string;
    id: string;
    feed: string;
    hash: string;
    create_time: string;
  };
  item_tags: {
    project: string;
    item: string;
    source: string;
    name: string;
    value: string;
    confidence: number | null;
    run: string;
    update_time: string;
  };
}

export type ResultRow = TaggingTables['tagging_results'];
export type FeedTokenRow = TaggingTables['feed_tokens'];
export type ItemTagRow = TaggingTables['item_tags'];

export const taggingMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('tagging_images')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('hash', 'text', (c) => c.notNull()).addColumn('analyzer', 'text', (c) => c.notNull())
      .addColumn('analysis', 'text').addColumn('error_code', 'text').addColumn('error_message', 'text').addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tagging_images_pk', ['project', 'hash', 'analyzer']).execute();
    await db.schema.createTable('item_images')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('item', 'text', (c) => c.notNull()).addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull()).addColumn('link', 'text').addColumn('content_type', 'text', (c) => c.notNull()).addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('item_images_pk', ['project', 'item']).execute();
    await db.schema.createTable('tagging_results')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('run', 'text', (c) => c.notNull()).addColumn('item', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull()).addColumn('image_hash', 'text').addColumn('error_code', 'text').addColumn('error_message', 'text')
      .addColumn('checks', 'text', (c) => c.notNull()).addColumn('tags', 'text', (c) => c.notNull()).addColumn('time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tagging_results_pk', ['project', 'run', 'item']).execute();
    await db.schema.createTable('item_tags')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('item', 'text', (c) => c.notNull()).addColumn('source', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull()).addColumn('value', 'text', (c) => c.notNull()).addColumn('confidence', 'real').addColumn('run', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('item_tags_pk', ['project', 'item', 'source', 'name']).execute();
  },
};

/** Ad feeds (issue #20): label mappings and fetch tokens. */
export const feedsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('feed_settings')
      .addColumn('project', 'text', (c) => c.primaryKey()).addColumn('custom_labels', 'text', (c) => c.notNull()).addColumn('update_time', 'text', (c) => c.notNull()).execute();
    await db.schema.createTable('feed_tokens')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('id', 'text', (c) => c.notNull()).addColumn('feed', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull()).addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('feed_tokens_pk', ['project', 'id']).execute();
    await db.schema.createIndex('item_tags_name').on('item_tags').columns(['project', 'name', 'value']).execute();
    await db.schema.createIndex('tagging_results_item').on('tagging_results').columns(['project', 'item', 'time']).execute();
  },
};
