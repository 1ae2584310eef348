import type { Kysely, Migration } from 'kysely';

export type JobState = 'queued' | 'running' | 'succeeded' | 'dead' | 'cancelled';

/** One row per job; the job is also the Operation clients poll. */
export interface JobsTable {
  jobs: {
    project: string;
    id: string;
    kind: string;
    payload: string;
    state: JobState;
    attempts: number;
    max_attempts: number;
    backoff_ms: number;
    run_at: string;
    lease_until: string | null;
    worker_id: string | null;
    idempotency_key: string | null;
    /** What the request that made the job carried (a hash), so a reused idempotency key with another request is refused. */
    request_hash: string | null;
    /** The principal whose request made the job: it may always read the Operation back. */
    created_by: string | null;
    cancel_requested: number;
    progress: string | null;
    result: string | null;
    error: string | null;
    create_time: string;
    update_time: string;
    done_time: string | null;
  };
}
export type JobRow = JobsTable['jobs'];

export const jobsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('jobs')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('backoff_ms', 'integer', (c) => c.notNull())
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('worker_id', 'text')
      .addColumn('idempotency_key', 'text')
      .addColumn('cancel_requested', 'integer', (c) => c.notNull())
      .addColumn('progress', 'text')
      .addColumn('result', 'text')
      .addColumn('error', 'text')
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addColumn('done_time', 'text')
      .addPrimaryKeyConstraint('jobs_pk', ['project', 'id'])
      .execute();
    // The claim query scans by state and due time.
    await db.schema.createIndex('jobs_due').on('jobs').columns(['state', 'run_at']).execute();
    await db.schema
      .createIndex('jobs_idempotency')
      .on('jobs')
      .columns(['project', 'kind', 'idempotency_key'])
      .unique()
      .where('idempotency_key', 'is not', null)
      .execute();
  },
};

/**
 * `request_hash`: the fingerprint of the request an idempotent job was made
 * for. The same key with another request (another body, or an items import's
 * key reused for events) is refused with IDEMPOTENCY_KEY_REUSED instead of
 * silently answering with the first job. `created_by`: whoever started an
 * Operation may poll it, even with a binding on one resource only.
 */
export const jobRequestHashMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('request_hash', 'text').execute();
    await db.schema.alterTable('jobs').addColumn('created_by', 'text').execute();
  },
};
