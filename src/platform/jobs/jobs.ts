import { cutPage, type PageRequest } from '../http/pagination.js';
import * as errors from './errors.js';
import type { EnqueueOptions, JobStore } from './job-store.js';
import { operationDoneEvent, toOperation, type Operation } from './operation.js';
import type { EventOutbox } from '../events/index.js';
import type { JobWorker } from './worker.js';

/**
 * The jobs service modules use: enqueue work, read it back as an Operation,
 * cancel it. Enqueueing wakes this process's worker at once; other processes'
 * workers find the job at their next poll (or sooner, once signals tell them).
 */
export class Jobs {
  private readonly listeners: Array<() => void> = [];
  constructor(private readonly store: JobStore, private readonly worker: JobWorker | undefined, private readonly outbox: EventOutbox) {}

  /** Calls `fn` after every enqueue (the app publishes a signal so other workers wake). */
  onEnqueue(fn: () => void): void {
    this.listeners.push(fn);
  }

  async enqueue(project: string, kind: string, payload: unknown, opts?: EnqueueOptions): Promise<Operation> {
    const { job, created } = await this.store.enqueue(project, kind, payload, opts);
    if (created) {
      this.worker?.wake();
      for (const fn of this.listeners) fn();
    }
    return toOperation(job);
  }

  async get(project: string, id: string): Promise<Operation> {
    const row = await this.store.get(project, id);
    if (!row) throw errors.OPERATION_NOT_FOUND({ operation: `projects/${project}/operations/${id}` });
    return toOperation(row);
  }

  async list(project: string, filter: { kind?: string; done?: boolean }, page: PageRequest): Promise<{ operations: Operation[]; nextPageToken?: string }> {
    const rows = await this.store.list(project, filter, page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.id]);
    return { operations: items.map(toOperation), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  async cancel(project: string, id: string): Promise<Operation> {
    const { row } = await this.outbox.transaction(async (trx, emit) => {
      const r = await this.store.cancel(project, id, Date.now(), trx as never);
      if (r.cancelledNow && r.row) emit(project, operationDoneEvent(r.row, 'cancelled'));
      return r;
    });
    if (!row) throw errors.OPERATION_NOT_FOUND({ operation: `projects/${project}/operations/${id}` });
    return toOperation(row);
  }

  countOpen(project: string): Promise<number> {
    return this.store.countOpen(project);
  }
}
