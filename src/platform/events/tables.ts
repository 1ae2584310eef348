import type { Kysely, Migration } from 'kysely';

/** The transactional outbox: events are written with the change, published after commit. */
export interface EventsTable {
  cloud_events: {
    project: string;
    id: string;
    type: string;
    source: string;
    subject: string;
    time: string;
    data: string;
    published: number;
  };
}
export type EventRow = EventsTable['cloud_events'];

export const eventsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('cloud_events')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('published', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('cloud_events_pk', ['project', 'id'])
      .execute();
    await db.schema.createIndex('cloud_events_unpublished').on('cloud_events').columns(['published', 'time']).execute();
    await db.schema.createIndex('cloud_events_type').on('cloud_events').columns(['project', 'type', 'id']).execute();
  },
};
