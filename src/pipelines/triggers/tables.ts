import type { Kysely, Migration } from 'kysely';

/** Triggers, their deliveries (one per firing: the dedupe key and the dead-letter list) and events posted from outside. */
export interface TriggerTables {
  pipeline_triggers: {
    project: string;
    name: string;
    pipeline: string;
    /** 'schedule' | 'event' | 'http' */
    kind: string;
    /** JSON of the trigger's settings (schedule, time zone, filter, parameters, policies). */
    spec: string;
    /** AES-256-GCM ciphertext of an HTTP trigger's signing secret (iv.tag.data, base64url). */
    secret: string | null;
    /** Who the runs act as: the principal that created the trigger. */
    run_as: string;
    paused: number;
    /** A schedule's next time to fire (ISO, UTC); null for other kinds or while paused. */
    next_fire_time: string | null;
    /** An event trigger's scan position: the time of the latest event it has looked at. */
    cursor: string | null;
    create_time: string;
    update_time: string;
  };
  trigger_deliveries: {
    project: string;
    /** A ULID: the delivery's name in the dead-letter list. */
    id: string;
    trigger: string;
    /** Unique per trigger: `schedule:<time>`, `event:<source> <id>`, `http:<Idempotency-Key>`: a firing happens once. */
    key: string;
    /** 'PENDING' | 'DELIVERED' | 'SKIPPED' | 'DEAD' */
    state: string;
    /** The run this delivery starts, chosen up front so a delivery retried after a crash cannot start a second one. */
    run: string;
    /** JSON of the parameters asked for (before the pipeline's defaults). */
    parameters: string;
    /** The schedule time it stands for (schedules and backfills). */
    scheduled_time: string | null;
    /** A hash of an HTTP invocation's body, to refuse the same Idempotency-Key with another body. */
    body_hash: string | null;
    attempts: number;
    next_attempt_time: string;
    lease_until: string | null;
    reason: string | null;
    create_time: string;
    update_time: string;
  };
  pipeline_events: {
    project: string;
    source: string;
    id: string;
    type: string;
    subject: string | null;
    time: string;
    /** JSON: the event's data (null when it had none). */
    data: string;
    received_time: string;
  };
}

export type TriggerRow = TriggerTables['pipeline_triggers'];
export type DeliveryRow = TriggerTables['trigger_deliveries'];
export type ExternalEventRow = TriggerTables['pipeline_events'];

export const triggersMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('pipeline_runs').addColumn('trigger', 'text').execute();
    await db.schema.createTable('pipeline_triggers')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull()).addColumn('pipeline', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull()).addColumn('spec', 'text', (c) => c.notNull()).addColumn('secret', 'text')
      .addColumn('run_as', 'text', (c) => c.notNull()).addColumn('paused', 'integer', (c) => c.notNull())
      .addColumn('next_fire_time', 'text').addColumn('cursor', 'text')
      .addColumn('create_time', 'text', (c) => c.notNull()).addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pipeline_triggers_pk', ['project', 'name']).execute();
    await db.schema.createIndex('pipeline_triggers_due').on('pipeline_triggers').columns(['kind', 'next_fire_time']).execute();
    await db.schema.createTable('trigger_deliveries')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('id', 'text', (c) => c.notNull()).addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull()).addColumn('state', 'text', (c) => c.notNull()).addColumn('run', 'text', (c) => c.notNull())
      .addColumn('parameters', 'text', (c) => c.notNull()).addColumn('scheduled_time', 'text').addColumn('body_hash', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull()).addColumn('next_attempt_time', 'text', (c) => c.notNull()).addColumn('lease_until', 'text')
      .addColumn('reason', 'text').addColumn('create_time', 'text', (c) => c.notNull()).addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('trigger_deliveries_pk', ['project', 'id']).execute();
    await db.schema.createIndex('trigger_deliveries_key').unique().on('trigger_deliveries').columns(['project', 'trigger', 'key']).execute();
    await db.schema.createIndex('trigger_deliveries_pending').on('trigger_deliveries').columns(['state', 'next_attempt_time']).execute();
    await db.schema.createIndex('trigger_deliveries_scheduled').on('trigger_deliveries').columns(['project', 'trigger', 'scheduled_time']).execute();
    await db.schema.createTable('pipeline_events')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('source', 'text', (c) => c.notNull()).addColumn('id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull()).addColumn('subject', 'text').addColumn('time', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull()).addColumn('received_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pipeline_events_pk', ['project', 'source', 'id']).execute();
    await db.schema.createIndex('pipeline_events_received').on('pipeline_events').columns(['project', 'received_time']).execute();
  },
};
