import type { Kysely, Transaction } from 'kysely';
import type { JobRow, JobsTable } from './tables.js';
import { cutPage, type PageRequest } from '../http/pagination.js';
import type { ProjectHold } from '../projects/index.js';
import * as errors from './errors.js';
import type { EnqueueOptions, JobStore } from './job-store.js';
import { operationDoneEvent, toOperation, type Operation } from './operation.js';
import type { EventOutbox } from '../events/index.js';
import type { JobWorker } from './worker.js';

/** The project of organisation-level work, which no project deletion concerns (IAM's ORG). */
const ORG = '';

/**
 * The jobs service modules use: enqueue work, read it back as an Operation,
 * cancel it. Enqueueing wakes this process's worker at once; other processes'
 * workers find the job at their next poll (or sooner, once signals tell them).
 */
export class Jobs {
  private readonly listeners: Array<() => void> = [];
  /**
   * `hold` checks a job's project in the transaction that enqueues it, so an
   * unfinished operation is never left in a deleted project. Without it (tools
   * and tests that drive the queue with no projects) any project is taken.
   */
  constructor(
    private readonly store: JobStore,
    private readonly worker: JobWorker | undefined,
    private readonly outbox: EventOutbox,
    private readonly hold?: ProjectHold,
  ) {}

  /** Calls `fn` after every enqueue (the app publishes a signal so other workers wake). */
  onEnqueue(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Enqueues a job; throws PROJECT_NOT_FOUND when the project does not exist (org-level work, project '', has none). */
  async enqueue(project: string, kind: string, payload: unknown, opts?: EnqueueOptions): Promise<Operation> {
    return (await this.enqueueJob(project, kind, payload, opts)).operation;
  }

  /**
   * Enqueues a job and says whether it is new: false when an idempotency key
   * returned an existing job (whose request hash matched; another hash is
   * IDEMPOTENCY_KEY_REUSED), so the caller can drop what it prepared for it.
   */
  async enqueueJob(project: string, kind: string, payload: unknown, opts?: EnqueueOptions): Promise<{ operation: Operation; created: boolean }> {
    const hold = project === ORG ? undefined : this.hold;
    const { job, created } = hold
      ? await this.outbox.transaction(async (trx: Transaction<JobsTable>) => {
        await hold(project, trx);
        return this.store.enqueue(project, kind, payload, opts, Date.now(), trx);
      })
      : await this.store.enqueue(project, kind, payload, opts);
    if (created) {
      this.worker?.wake();
      for (const fn of this.listeners) fn();
    }
    return { operation: toOperation(job), created };
  }

  /** Payloads of the queued and running jobs of some kinds, every project: for sweeps of what those jobs still need. */
  openPayloads(kinds: string[]): Promise<unknown[]> {
    return this.store.openPayloads(kinds).then((rows) => rows.map((p) => JSON.parse(p) as unknown));
  }

  async get(project: string, id: string): Promise<Operation> {
    return toOperation(await this.row(project, id));
  }

  /** The Operation and who started it, for the route that lets its creator read it. */
  async getWithCreator(project: string, id: string): Promise<{ operation: Operation; createdBy: string | undefined }> {
    const row = await this.row(project, id);
    return { operation: toOperation(row), createdBy: row.created_by ?? undefined };
  }

  private async row(project: string, id: string): Promise<JobRow> {
    const row = await this.store.get(project, id);
    if (!row) throw errors.OPERATION_NOT_FOUND({ operation: `projects/${project}/operations/${id}` });
    return row;
  }

  async list(project: string, filter: { kind?: string; done?: boolean }, page: PageRequest): Promise<{ operations: Operation[]; nextPageToken?: string }> {
    const rows = await this.store.list(project, filter, page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.id]);
    return { operations: items.map(toOperation), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  async cancel(project: string, id: string): Promise<Operation> {
    const { row } = await this.outbox.transaction(async (trx: Transaction<JobsTable>, emit) => {
      const r = await this.store.cancel(project, id, Date.now(), trx);
      if (r.cancelledNow && r.row) emit(project, operationDoneEvent(r.row, 'cancelled'));
      return r;
    });
    if (!row) throw errors.OPERATION_NOT_FOUND({ operation: `projects/${project}/operations/${id}` });
    return toOperation(row);
  }

  /** Unfinished jobs of the project, counted through `db` (the deleting transaction) when given. */
  countOpen(project: string, db?: Kysely<any>): Promise<number> {
    return this.store.countOpen(project, db);
  }
}
