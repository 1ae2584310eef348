import type { Kysely, Migration } from 'kysely';

/**
 * Catalog tables; every primary key starts with the project. Timestamps are
 * ISO-8601 text and JSON is text, so one migration serves SQLite and PostgreSQL.
 */
export interface CatalogTables {
  catalog_items: {
    project: string;
    id: string;
    title: string;
    description: string;
    brand: string;
    /** JSON array of strings. */
    category_path: string;
    /** The path joined by ` > `: what list filters and the category tree group by. */
    category: string;
    price_amount: number | null;
    price_currency: string | null;
    availability: string;
    link: string | null;
    image_link: string | null;
    condition: string;
    gtin: string | null;
    /** JSON object. */
    attributes: string;
    create_time: string;
    update_time: string;
  };
  /** Per-project search settings: synonym groups. */
  catalog_settings: {
    project: string;
    synonyms: string;
    update_time: string;
  };
  user_events: {
    project: string;
    event_id: string;
    type: string;
    user_id: string | null;
    session_id: string | null;
    /** JSON array of item ids. */
    item_ids: string;
    query: string | null;
    event_time: string;
    variant: string | null;
    recommendation_id: string | null;
    resolved_bid_id: string | null;
    value_amount: number | null;
    value_currency: string | null;
    /** JSON array of {id, quantity, price?}; null when the event had none. */
    line_items: string | null;
    /** JSON array of the categories a page_view showed. */
    page_categories: string | null;
    ingest_time: string;
  };
  /** A session seen with a user id: its anonymous events count for that user. */
  user_sessions: {
    project: string;
    session_id: string;
    user_id: string;
    link_time: string;
  };
  /** How far an import Operation got: written in the same transaction as each chunk, so a resumed run skips exactly what is stored. */
  catalog_imports: {
    project: string;
    operation: string;
    records_done: number;
    inserted: number;
    updated: number;
    duplicates: number;
    rejected: number;
    update_time: string;
  };
  catalog_import_rejections: {
    project: string;
    operation: string;
    line: number;
    reason: string;
    field: string | null;
    message: string;
  };
}

export type ItemRow = CatalogTables['catalog_items'];
export type EventRow = CatalogTables['user_events'];
export type ImportRow = CatalogTables['catalog_imports'];
export type RejectionRow = CatalogTables['catalog_import_rejections'];

/** The catalog module's first migration: items, settings, user events, session links, import progress. */
export const catalogMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('catalog_items')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('brand', 'text', (c) => c.notNull())
      .addColumn('category_path', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('price_amount', 'bigint')
      .addColumn('price_currency', 'text')
      .addColumn('availability', 'text', (c) => c.notNull())
      .addColumn('link', 'text')
      .addColumn('image_link', 'text')
      .addColumn('condition', 'text', (c) => c.notNull())
      .addColumn('gtin', 'text')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('catalog_items_pk', ['project', 'id'])
      .execute();
    await db.schema.createIndex('catalog_items_category').on('catalog_items').columns(['project', 'category']).execute();
    await db.schema.createIndex('catalog_items_updated').on('catalog_items').columns(['project', 'update_time']).execute();
    await db.schema
      .createTable('catalog_settings')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('synonyms', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('catalog_settings_pk', ['project'])
      .execute();
    await db.schema
      .createTable('user_events')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('session_id', 'text')
      .addColumn('item_ids', 'text', (c) => c.notNull())
      .addColumn('query', 'text')
      .addColumn('event_time', 'text', (c) => c.notNull())
      .addColumn('variant', 'text')
      .addColumn('recommendation_id', 'text')
      .addColumn('resolved_bid_id', 'text')
      .addColumn('value_amount', 'bigint')
      .addColumn('value_currency', 'text')
      .addColumn('ingest_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_events_pk', ['project', 'event_id'])
      .execute();
    // Export reads by time; a user's history reads by user and by linked session.
    await db.schema.createIndex('user_events_time').on('user_events').columns(['project', 'event_time', 'event_id']).execute();
    await db.schema.createIndex('user_events_user').on('user_events').columns(['project', 'user_id']).execute();
    await db.schema.createIndex('user_events_session').on('user_events').columns(['project', 'session_id']).execute();
    await db.schema
      .createTable('user_sessions')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('link_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_sessions_pk', ['project', 'session_id'])
      .execute();
    await db.schema.createIndex('user_sessions_user').on('user_sessions').columns(['project', 'user_id']).execute();
    await db.schema
      .createTable('catalog_imports')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('records_done', 'integer', (c) => c.notNull())
      .addColumn('inserted', 'integer', (c) => c.notNull())
      .addColumn('updated', 'integer', (c) => c.notNull())
      .addColumn('duplicates', 'integer', (c) => c.notNull())
      .addColumn('rejected', 'integer', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('catalog_imports_pk', ['project', 'operation'])
      .execute();
    await db.schema
      .createTable('catalog_import_rejections')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('line', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('field', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('catalog_import_rejections_pk', ['project', 'operation', 'line'])
      .execute();
  },
};
