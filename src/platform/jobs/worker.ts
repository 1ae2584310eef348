import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { RougeError } from '../errors/index.js';
import type { EventOutbox } from '../events/index.js';
import type { JobStore } from './job-store.js';
import { operationDoneEvent } from './operation.js';
import type { JobRow } from './tables.js';
import type { Transaction } from 'kysely';
import type { JobsTable } from './tables.js';

/** What a handler gets besides its payload. */
export interface JobContext {
  project: string;
  id: string;
  kind: string;
  /** 1 on the first attempt. */
  attempt: number;
  /** The attempt after which a failure is final (the job ends dead). */
  maxAttempts: number;
  /** Aborted when the job is cancelled or this worker lost its lease: stop soon. */
  signal: AbortSignal;
  /** Reports progress shown by `GET .../operations/{id}` and `rouge operations wait`. */
  progress(progress: Record<string, unknown>): Promise<void>;
  /** What an earlier attempt last passed to `progress`, if any: a handler can resume from it, or count what its attempts did. */
  reported?: Record<string, unknown>;
}

/** Runs one job; its resolved value becomes the Operation's `response`. Handlers must be idempotent (at-least-once). */
export type JobHandler = (payload: any, ctx: JobContext) => Promise<unknown>;

export interface HandlerOptions {
  concurrency?: number;
  leaseMs?: number;
}

interface Registered {
  handler: JobHandler;
  concurrency: number;
  leaseMs: number;
  running: number;
}

export interface WorkerOptions {
  pollMs?: number;
  defaultConcurrency?: number;
  log?: FastifyBaseLogger;
  /** Where `rouge.operation.done` is written, in the transaction that finishes the job. */
  outbox?: EventOutbox;
}

/**
 * A worker: claims due jobs of the kinds it has handlers for, at most
 * `concurrency` at a time per kind, renews their leases while they run, and
 * records success, retry, death or cancellation. A worker that dies stops
 * renewing; its jobs are claimed again when their lease expires.
 */
export class JobWorker {
  readonly workerId = `w-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly handlers = new Map<string, Registered>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private again = false;
  private stopped = true;
  private readonly pollMs: number;
  private readonly defaultConcurrency: number;

  constructor(private readonly store: JobStore, private readonly options: WorkerOptions = {}) {
    this.pollMs = options.pollMs ?? 1000;
    this.defaultConcurrency = options.defaultConcurrency ?? 4;
  }

  /** Registers the handler of a kind; a kind has one handler per process. */
  register(kind: string, handler: JobHandler, opts: HandlerOptions = {}): void {
    this.handlers.set(kind, { handler, concurrency: opts.concurrency ?? this.defaultConcurrency, leaseMs: opts.leaseMs ?? 30_000, running: 0 });
    this.wake();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Looks for work now instead of at the next poll (a job was just enqueued). */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) this.again = true;
    else this.schedule(0);
  }

  /** Stops claiming and waits for running handlers (up to `timeoutMs`); unfinished jobs are reclaimed after their lease. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.ticking = true;
    try {
      for (const [kind, reg] of this.handlers) {
        const free = reg.concurrency - reg.running;
        if (free <= 0) continue;
        const rows = await this.store.claim([kind], free, this.workerId, reg.leaseMs);
        for (const row of rows) this.track(this.run(row, reg));
      }
    } catch (err) {
      this.options.log?.warn({ err }, 'job claim failed; retrying at the next poll');
    } finally {
      this.ticking = false;
      if (!this.stopped) this.schedule(this.again ? 0 : this.pollMs);
      this.again = false;
    }
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async run(row: JobRow, reg: Registered): Promise<void> {
    reg.running++;
    const controller = new AbortController();
    let cancelRequested = false;
    const renew = setInterval(() => {
      this.store.renew(row, this.workerId, reg.leaseMs).then(
        (r) => {
          if (!r) controller.abort(new Error('lease lost'));
          else if (r.cancelRequested) {
            cancelRequested = true;
            controller.abort(new Error('cancelled'));
          }
        },
        () => undefined, // a failed renewal is retried at the next interval; the lease has slack
      );
    }, Math.max(50, Math.floor(reg.leaseMs / 3)));
    try {
      if (row.cancel_requested === 1) {
        // Cancel was requested while an earlier attempt ran, and that attempt never recorded it: its
        // worker died (the job was reclaimed after its lease) or it failed before a renewal saw the
        // request (the job was queued for a retry). Running the handler again would ignore the cancel.
        await this.finish(row, async (db) => ((await this.store.cancelled(row, this.workerId, Date.now(), db)) ? 'cancelled' : undefined));
        return;
      }
      if (row.attempts > row.max_attempts) {
        // Reclaimed after the worker of its last attempt died: nothing left to try.
        await this.finish(row, async (db) => {
          const r = await this.store.fail(row, this.workerId, { status: 'ABORTED', message: 'the worker running the last attempt stopped before finishing (lease expired)' }, Date.now(), db);
          return r === 'dead' ? 'dead' : undefined;
        });
        return;
      }
      const ctx: JobContext = {
        project: row.project, id: row.id, kind: row.kind, attempt: row.attempts, maxAttempts: row.max_attempts, signal: controller.signal,
        progress: (p) => this.store.progress(row, this.workerId, p),
        ...(row.progress ? { reported: JSON.parse(row.progress) as Record<string, unknown> } : {}),
      };
      let outcome: 'ok' | 'error' = 'ok';
      let result: unknown;
      let error: unknown;
      try {
        result = await reg.handler(JSON.parse(row.payload), ctx);
      } catch (e) {
        outcome = 'error';
        error = e;
      }
      await this.finish(row, async (db) => {
        if (cancelRequested) return (await this.store.cancelled(row, this.workerId, Date.now(), db)) ? 'cancelled' : undefined;
        if (outcome === 'ok') return (await this.store.succeed(row, this.workerId, result, Date.now(), db)) ? 'succeeded' : undefined;
        const r = await this.store.fail(row, this.workerId, describe(error), Date.now(), db);
        return r === 'dead' ? 'dead' : undefined;
      });
    } catch (err) {
      this.options.log?.error({ err, job: row.id }, 'recording a job outcome failed; the job runs again after its lease');
    } finally {
      clearInterval(renew);
      reg.running--;
      this.wake();
    }
  }

  /**
   * Records an outcome; when it is final, `rouge.operation.done` is written in
   * the same transaction, so the event exists exactly when the state does.
   */
  private async finish(row: JobRow, write: (db: any) => Promise<'succeeded' | 'dead' | 'cancelled' | undefined>): Promise<void> {
    const outbox = this.options.outbox;
    if (!outbox) {
      await write(undefined);
      return;
    }
    await outbox.transaction(async (trx: Transaction<JobsTable>, emit) => {
      const state = await write(trx);
      if (state) emit(row.project, operationDoneEvent(row, state));
    });
  }
}

function describe(e: unknown): { status: string; message: string; reason?: string } {
  if (e instanceof RougeError) return { status: e.status, message: e.message, reason: e.reason };
  return { status: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
