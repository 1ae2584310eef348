import { sql, type Kysely, type Migration } from 'kysely';
import { catalogMigration } from './tables.js';

/**
 * Fewer index entries per written event. Each random-keyed index costs a
 * dirtied page per event of a batch, and on SQLite every dirtied page is
 * written to the WAL at commit: at 500-event batches the index writes, not
 * the rows, set the rate. The anonymous events are the only ones history
 * finds by session (a signed-in event is found by its user), so the session
 * index holds only those and the user index only events with a user: each
 * event lands in one of the two. The session links' user index goes: the
 * sessions linked to a user are found from that user's own events, since the
 * event that made a link carries both ids (see EventStore.history).
 */
export const eventIndexesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.dropIndex('user_events_user').execute();
    await db.schema.dropIndex('user_events_session').execute();
    await db.schema.dropIndex('user_sessions_user').execute();
    await db.schema.createIndex('user_events_signed_in').on('user_events').columns(['project', 'user_id']).where(sql.ref('user_id'), 'is not', null).execute();
    await db.schema.createIndex('user_events_anonymous').on('user_events').columns(['project', 'session_id']).where(sql.ref('user_id'), 'is', null).execute();
  },
};

/** What a purchase held (for ad attribution) and the categories a page view showed (Retail's UserEvent). */
export const eventLineItemsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('user_events').addColumn('line_items', 'text').execute();
    await db.schema.alterTable('user_events').addColumn('page_categories', 'text').execute();
  },
};

/** The catalog module's migrations by name, for the app's migration list. */
export const catalogMigrations: Record<string, Migration> = {
  '0001_catalog': catalogMigration,
  '0002_event_indexes': eventIndexesMigration,
  '0003_event_line_items': eventLineItemsMigration,
};
