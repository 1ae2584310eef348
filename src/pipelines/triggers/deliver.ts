import { RougeError, type Cache } from '../../platform/index.js';
import type { PipelineEngine } from '../engine.js';
import type { PipelineStore } from '../store.js';
import type { TriggerSpec } from './spec.js';
import type { TriggerStore } from './store.js';
import type { DeliveryRow } from './tables.js';

/** Attempts at a delivery that keeps failing for a reason other than its parameters, before it is a dead letter. */
export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;

export interface DelivererDeps {
  triggers: TriggerStore;
  pipelines: PipelineStore;
  engine: PipelineEngine;
  /**
   * Whether the trigger's run-as principal may still start runs in the project:
   * false only when it is denied; an error (the store or cache down) rejects, and the delivery is retried.
   */
  holds: (principal: string, permission: string, project: string) => Promise<boolean>;
  /** The shared cache: a schedule's overlap check and its run's start hold a lock here, across processes. */
  cache: Cache;
  warn: (err: unknown, msg: string) => void;
}

export type Outcome = { state: 'DELIVERED' | 'SKIPPED' | 'DEAD'; reason?: string } | { state: 'PENDING'; reason: string; retryInMs?: number };
/** How often a firing waiting for a paused pipeline looks again: a resumed pipeline gets its runs within this. */
const PAUSED_RECHECK_MS = 15_000;
/** How long a schedule's overlap lock lives if its holder dies before releasing it. */
const OVERLAP_LOCK_MS = 30_000;

/**
 * Turns recorded firings (deliveries) into pipeline runs, at least once and
 * with one run per firing: the run's id is fixed when the firing is
 * recorded, so a delivery retried after a crash finds its run instead of
 * starting another. A delivery the pipeline refuses (its parameters) or that
 * waits on a paused pipeline past the trigger's limit becomes a dead letter.
 */
export class Deliverer {
  constructor(private readonly d: DelivererDeps) {}

  /** Delivers every PENDING delivery whose time has come; returns how many it handled. */
  async drain(now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.d.triggers.claimPending(now, 100, LEASE_MS);
      for (const row of batch) await this.deliver(row, now).catch((e: unknown) => this.d.warn(e, 'triggers: a delivery failed'));
      total += batch.length;
      if (batch.length < 100) return total;
    }
  }

  /** One delivery (leased by the caller, or just created): starts its run, or says why not. */
  async deliver(row: DeliveryRow, now = new Date()): Promise<Outcome> {
    const { triggers } = this.d;
    const outcome = await this.decide(row, now).catch((e: unknown): Outcome => {
      if (e instanceof RougeError && e.reason === 'PIPELINE_PARAMETERS_INVALID') return { state: 'DEAD', reason: e.message };
      const reason = `starting the run failed: ${(e as Error).message}`;
      return row.attempts + 1 >= MAX_ATTEMPTS ? { state: 'DEAD', reason: `${reason} (after ${MAX_ATTEMPTS} attempts)` } : { state: 'PENDING', reason };
    });
    if (outcome.state === 'PENDING') {
      // Waiting on a paused pipeline is not a failed attempt: only failures count towards the dead letter.
      const attempts = outcome.retryInMs === undefined ? row.attempts + 1 : row.attempts;
      const backoffMs = outcome.retryInMs ?? Math.min(600_000, 5_000 * 2 ** (attempts - 1));
      await triggers.settle(row, ['PENDING'], { attempts, reason: outcome.reason, lease_until: null, next_attempt_time: new Date(now.getTime() + backoffMs).toISOString() });
    } else {
      await triggers.settle(row, ['PENDING'], { state: outcome.state, reason: outcome.reason ?? null, lease_until: null, attempts: row.attempts + 1 });
    }
    return outcome;
  }

  private async decide(row: DeliveryRow, now: Date): Promise<Outcome> {
    const { triggers, pipelines, engine } = this.d;
    if (await pipelines.run(row.project, row.run)) return { state: 'DELIVERED' };
    const t = await triggers.get(row.project, row.trigger);
    if (!t) return { state: 'DEAD', reason: `trigger ${row.trigger} was deleted` };
    const spec = JSON.parse(t.spec) as TriggerSpec;
    const p = await pipelines.pipeline(row.project, t.pipeline);
    if (!p) return { state: 'DEAD', reason: `pipeline ${t.pipeline} does not exist in ${row.project}` };
    if (p.paused || t.paused) {
      const what = p.paused ? `pipeline ${t.pipeline}` : `trigger ${t.name}`;
      const waited = now.getTime() - Date.parse(row.create_time);
      if (waited > spec.maxPausedSeconds * 1000) return { state: 'DEAD', reason: `${what} stayed paused for more than ${spec.maxPausedSeconds} s (the trigger's maxPausedSeconds)` };
      return { state: 'PENDING', reason: `${what} is paused: waiting for it to be resumed`, retryInMs: PAUSED_RECHECK_MS };
    }
    if (!(await this.d.holds(t.run_as, 'pipelines.runs.create', row.project))) {
      return { state: 'DEAD', reason: `${t.run_as}, whom the trigger's runs act as, no longer holds pipelines.runs.create in ${row.project}` };
    }
    const start = async (): Promise<Outcome> => {
      try {
        await engine.start(row.project, p, JSON.parse(row.parameters) as Record<string, unknown>, t.run_as, { id: row.run, trigger: t.name });
      } catch (e) {
        // Another process started it between the check above and here: the firing is delivered once all the same.
        if (await pipelines.run(row.project, row.run)) return { state: 'DELIVERED' };
        throw e;
      }
      return { state: 'DELIVERED' };
    };
    // Overlap is a schedule's own firings only: backfills, HTTP calls and replays neither wait on nor cancel them.
    if (t.kind !== 'schedule' || !row.key.startsWith('schedule:') || spec.overlapPolicy === 'allow') return start();
    // The check and the start must not interleave with another worker's for the same trigger.
    const lock = `pipelines:trigger-overlap:${row.project}/${t.name}`;
    if (!(await this.d.cache.incrementCapped(lock, 1, 1, OVERLAP_LOCK_MS)).ok) return { state: 'PENDING', reason: 'another worker is starting a run of this schedule', retryInMs: 1_000 };
    try {
      const active = await triggers.activeScheduledRuns(row.project, t.name);
      if (active.length > 0 && spec.overlapPolicy === 'forbid') return { state: 'SKIPPED', reason: `run ${active[0]!} of this schedule was still going (overlapPolicy forbid)` };
      for (const id of active) await engine.cancel(row.project, id).catch(() => undefined);
      return await start();
    } finally {
      await this.d.cache.delete(lock).catch(() => undefined);
    }
  }
}
