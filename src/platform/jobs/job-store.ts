import type { Kysely } from 'kysely';
import { monotonicFactory } from 'ulid';
import { dialectOf, type Store } from '../store/index.js';
import { PlatformErrors } from '../errors/index.js';
import type { JobRow, JobsTable } from './tables.js';

export interface EnqueueOptions {
  /** Same project, kind and key: the existing job is returned, no second one is made. */
  idempotencyKey?: string;
  /** A fingerprint of the request, kept with the key: the same key with another fingerprint is IDEMPOTENCY_KEY_REUSED. */
  requestHash?: string;
  /** The principal whose request made the job; it may read the Operation whatever its bindings. */
  createdBy?: string;
  /** Not before this time. */
  runAt?: Date;
  /** Attempts before the job is dead (default 3). */
  maxAttempts?: number;
  /** Base delay before a retry; doubles each attempt (default 1000 ms). */
  backoffMs?: number;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The job queue over the store's `jobs` table. One implementation serves both
 * dialects; only the claim differs: PostgreSQL adds FOR UPDATE SKIP LOCKED so
 * concurrent workers take disjoint rows, SQLite serialises the single UPDATE
 * statement itself. Every transition is a conditional UPDATE on the expected
 * state and worker, so a worker whose lease was taken over cannot overwrite
 * the new owner's outcome.
 */
export class JobStore {
  private readonly db: Kysely<JobsTable>;
  private readonly dialect;
  private readonly nextId = monotonicFactory();

  constructor(store: Store) {
    this.db = store.typed<JobsTable>();
    this.dialect = dialectOf(store.db);
  }

  /**
   * Inserts a queued job, in the caller's transaction when `db` is one. A job
   * whose idempotency key is taken is not inserted: the existing one is
   * returned. That uses ON CONFLICT DO NOTHING, not a caught unique violation,
   * because on PostgreSQL a failed statement aborts the caller's transaction.
   */
  async enqueue(project: string, kind: string, payload: unknown, opts: EnqueueOptions = {}, now = Date.now(), db: Kysely<JobsTable> = this.db): Promise<{ job: JobRow; created: boolean }> {
    const row: JobRow = {
      project, id: this.nextId(now), kind, payload: JSON.stringify(payload ?? null), state: 'queued',
      attempts: 0, max_attempts: opts.maxAttempts ?? 3, backoff_ms: opts.backoffMs ?? 1000,
      run_at: iso(opts.runAt?.getTime() ?? now), lease_until: null, worker_id: null,
      idempotency_key: opts.idempotencyKey ?? null, request_hash: opts.requestHash ?? null, created_by: opts.createdBy ?? null, cancel_requested: 0, progress: null, result: null, error: null,
      create_time: iso(now), update_time: iso(now), done_time: null,
    };
    const inserted = await db.insertInto('jobs').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { job: row, created: true };
    // Only the idempotency index can conflict: ids are monotonic ULIDs.
    if (!opts.idempotencyKey) throw new Error(`job ${project}/${row.id} was not inserted and has no idempotency key`);
    const existing = await db.selectFrom('jobs').selectAll()
      .where('project', '=', project).where('kind', '=', kind).where('idempotency_key', '=', opts.idempotencyKey)
      .executeTakeFirstOrThrow();
    if ((existing.request_hash ?? undefined) !== opts.requestHash) throw PlatformErrors.IDEMPOTENCY_KEY_REUSED();
    return { job: existing, created: false };
  }

  /**
   * Claims up to `limit` due jobs of the given kinds for a worker: queued jobs
   * whose time has come, and running jobs whose lease expired (their worker
   * died). One UPDATE ... RETURNING, so the claim is atomic on both dialects.
   */
  async claim(kinds: string[], limit: number, workerId: string, leaseMs: number, now = Date.now()): Promise<JobRow[]> {
    if (kinds.length === 0 || limit <= 0) return [];
    const at = iso(now);
    let due = this.db.selectFrom('jobs').select(['project', 'id'])
      .where('kind', 'in', kinds)
      .where((eb) => eb.or([
        eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', at)]),
        eb.and([eb('state', '=', 'running'), eb('lease_until', '<', at)]),
      ]))
      .orderBy('run_at').limit(limit);
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    return this.db.updateTable('jobs')
      .set((eb) => ({ state: 'running', attempts: eb('attempts', '+', 1), lease_until: iso(now + leaseMs), worker_id: workerId, update_time: at }))
      .where((eb) => eb(eb.refTuple('project', 'id'), 'in', due as never))
      .returningAll()
      .execute();
  }

  /** Extends a lease; undefined when the worker no longer owns the job. Reports a cancel request. */
  async renew(row: Pick<JobRow, 'project' | 'id'>, workerId: string, leaseMs: number, now = Date.now()): Promise<{ cancelRequested: boolean } | undefined> {
    const res = await this.db.updateTable('jobs')
      .set({ lease_until: iso(now + leaseMs), update_time: iso(now) })
      .where('project', '=', row.project).where('id', '=', row.id).where('worker_id', '=', workerId).where('state', '=', 'running')
      .returning('cancel_requested')
      .executeTakeFirst();
    return res ? { cancelRequested: res.cancel_requested === 1 } : undefined;
  }

  async progress(row: Pick<JobRow, 'project' | 'id'>, workerId: string, progress: unknown, now = Date.now()): Promise<void> {
    await this.db.updateTable('jobs').set({ progress: JSON.stringify(progress), update_time: iso(now) })
      .where('project', '=', row.project).where('id', '=', row.id).where('worker_id', '=', workerId).where('state', '=', 'running')
      .execute();
  }

  /** Records success; false when the lease was lost (another worker owns the job now). */
  async succeed(row: Pick<JobRow, 'project' | 'id'>, workerId: string, result: unknown, now = Date.now(), db: Kysely<JobsTable> = this.db): Promise<boolean> {
    return this.finish(row, workerId, { state: 'succeeded', result: JSON.stringify(result ?? null) }, now, db);
  }

  /** Records a cancelled run: the handler stopped after a cancel request, or a reclaimed job had one pending. */
  async cancelled(row: Pick<JobRow, 'project' | 'id'>, workerId: string, now = Date.now(), db: Kysely<JobsTable> = this.db): Promise<boolean> {
    return this.finish(row, workerId, { state: 'cancelled', error: JSON.stringify({ status: 'CANCELLED', message: 'cancelled by request' }) }, now, db);
  }

  /**
   * Records a failed attempt: queued again after exponential backoff, or dead
   * after the last attempt, with the error kept either way.
   */
  async fail(row: Pick<JobRow, 'project' | 'id' | 'attempts' | 'max_attempts' | 'backoff_ms'>, workerId: string, error: { status: string; message: string; reason?: string }, now = Date.now(), db: Kysely<JobsTable> = this.db): Promise<'retry' | 'dead' | 'lost'> {
    const errorText = JSON.stringify(error);
    if (row.attempts >= row.max_attempts) {
      return (await this.finish(row, workerId, { state: 'dead', error: errorText }, now, db)) ? 'dead' : 'lost';
    }
    const delay = Math.min(row.backoff_ms * 2 ** (row.attempts - 1), MAX_BACKOFF_MS);
    const res = await db.updateTable('jobs')
      .set({ state: 'queued', run_at: iso(now + delay), lease_until: null, worker_id: null, error: errorText, update_time: iso(now) })
      .where('project', '=', row.project).where('id', '=', row.id).where('worker_id', '=', workerId).where('state', '=', 'running')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1 ? 'retry' : 'lost';
  }

  private async finish(row: Pick<JobRow, 'project' | 'id'>, workerId: string, set: Partial<JobRow>, now: number, db: Kysely<JobsTable>): Promise<boolean> {
    const res = await db.updateTable('jobs')
      .set({ ...set, lease_until: null, update_time: iso(now), done_time: iso(now) })
      .where('project', '=', row.project).where('id', '=', row.id).where('worker_id', '=', workerId).where('state', '=', 'running')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Cancels: a queued job ends at once; a running one is asked to stop (its
   * worker sees the request at the next lease renewal; if that worker died, the
   * worker that reclaims the job ends it cancelled without running it again);
   * a finished one stays as it is.
   */
  async cancel(project: string, id: string, now = Date.now(), db: Kysely<JobsTable> = this.db): Promise<{ row: JobRow | undefined; cancelledNow: boolean }> {
    const at = iso(now);
    const res = await db.updateTable('jobs')
      .set({ state: 'cancelled', done_time: at, update_time: at, error: JSON.stringify({ status: 'CANCELLED', message: 'cancelled by request' }) })
      .where('project', '=', project).where('id', '=', id).where('state', '=', 'queued')
      .executeTakeFirst();
    await db.updateTable('jobs').set({ cancel_requested: 1, update_time: at })
      .where('project', '=', project).where('id', '=', id).where('state', '=', 'running')
      .execute();
    const row = await db.selectFrom('jobs').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
    return { row, cancelledNow: Number(res.numUpdatedRows) === 1 };
  }

  get(project: string, id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
  }

  /** Newest first. */
  list(project: string, filter: { kind?: string; done?: boolean }, limit: number, before?: string): Promise<JobRow[]> {
    let q = this.db.selectFrom('jobs').selectAll().where('project', '=', project);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.done === true) q = q.where('state', 'in', ['succeeded', 'dead', 'cancelled']);
    if (filter.done === false) q = q.where('state', 'in', ['queued', 'running']);
    if (before) q = q.where('id', '<', before);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Queued and running jobs of the project, counted through `db` when given (project deletion's transaction). */
  async countOpen(project: string, db: Kysely<JobsTable> = this.db): Promise<number> {
    const r = await db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project', '=', project).where('state', 'in', ['queued', 'running']).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Payloads of the queued and running jobs of some kinds, in every project (sweeps of what jobs still need). */
  async openPayloads(kinds: string[]): Promise<string[]> {
    if (kinds.length === 0) return [];
    const rows = await this.db.selectFrom('jobs').select('payload').where('kind', 'in', kinds).where('state', 'in', ['queued', 'running']).execute();
    return rows.map((r) => r.payload);
  }
}
