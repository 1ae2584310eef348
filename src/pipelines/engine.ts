import { ulid } from 'ulid';
import type { EventOutbox, Jobs } from '../platform/index.js';
import type { Transaction } from 'kysely';
import * as errors from './errors.js';
import type { PipelineSpec, StepSpec } from './spec.js';
import { LOST_WORKER_ATTEMPTS } from './step-job.js';
import type { PipelineStore } from './store.js';
import type { PipelineRow, PipelineTables, RunRow, StepRow } from './tables.js';
import { typeMatches } from './validate.js';

export const STEP_JOB = 'pipelines.step';
const TERMINAL = ['SUCCEEDED', 'FAILED', 'UPSTREAM_FAILED', 'SKIPPED', 'CANCELLED'];
const FAILED = ['FAILED', 'UPSTREAM_FAILED', 'CANCELLED'];

/** The payload of a step's job: which try of which step of which run. */
export interface StepJob {
  run: string;
  step: string;
  try: number;
}

/**
 * Moves runs along. Every decision is made from the stored state and every
 * write is conditional on the state it expects, so `advance` can be called
 * any number of times, by any process (after each step, and by the worker's
 * periodic reconcile after a restart), and a step's job is enqueued with an
 * idempotency key per try: at most one job per step try, whatever races.
 */
export class PipelineEngine {
  constructor(private readonly store: PipelineStore, private readonly jobs: Jobs, private readonly outbox: EventOutbox) {}

  /**
   * A new run of a pipeline with its parameters checked and defaulted; it
   * starts now unless paused or at maxActiveRuns. A trigger passes the run's
   * id, chosen when the firing was recorded: starting it twice (a delivery
   * retried after a crash) fails on the id instead of making a second run.
   */
  async start(project: string, p: PipelineRow, given: Record<string, unknown>, principal: string, opts: { id?: string; trigger?: string } = {}): Promise<RunRow> {
    const spec = JSON.parse(p.spec) as PipelineSpec;
    const parameters = checkParameters(spec, given);
    const run: RunRow = {
      project, id: opts.id ?? ulid(), pipeline: p.name, spec: p.spec, parameters: JSON.stringify(parameters), state: 'QUEUED', principal, error: null,
      create_time: new Date().toISOString(), start_time: null, end_time: null, trigger: opts.trigger ?? null,
    };
    await this.store.insertRun(run, spec.steps.map((s) => s.name));
    await this.emit(run, 'queued');
    await this.admit(project, p.name);
    return (await this.store.run(project, run.id))!;
  }

  /**
   * Starts QUEUED runs of a pipeline, oldest first, while it is not paused
   * and below its maxActiveRuns; the count and the moves happen holding the
   * pipeline's row, so two processes admitting at once cannot overshoot.
   */
  async admit(project: string, pipeline: string): Promise<void> {
    const p = await this.store.pipeline(project, pipeline);
    if (p?.paused) return;
    const limit = (p ? (JSON.parse(p.spec) as PipelineSpec).maxActiveRuns : undefined) ?? 1;
    const started = await this.store.withPipelineLock(project, pipeline, async (db) => {
      const room = limit - (await this.store.countRunning(project, pipeline, db));
      if (room <= 0) return [];
      const queued = await this.store.runs(project, { pipeline, states: ['QUEUED'], oldestFirst: true }, room, undefined, db);
      const now = new Date().toISOString();
      const moved: RunRow[] = [];
      for (const run of queued) if (await this.store.moveRun(project, run.id, ['QUEUED'], { state: 'RUNNING', start_time: now }, db)) moved.push(run);
      return moved;
    });
    for (const run of started) {
      await this.emit(run, 'running');
      await this.advance(project, run.id);
    }
  }

  /**
   * Fails a RUNNING step whose job ended without recording the step's end:
   * a job reclaimed after the worker of its last attempt died is marked dead
   * by the queue without running the handler again. Called by the worker's
   * reconcile, so such a run ends (and can be retried) instead of staying RUNNING.
   */
  async reap(project: string, runId: string): Promise<void> {
    for (const s of await this.store.steps(project, runId)) {
      if (s.state !== 'RUNNING' || !s.job || (s.outputs && (JSON.parse(s.outputs) as { waiting?: boolean }).waiting)) continue;
      const op = await this.jobs.get(project, s.job).catch(() => undefined);
      if (!op?.done) continue;
      const why = op.error ? `its job ended ${op.metadata.state}: ${op.error.message}` : 'its job ended without recording the step\'s result';
      if (await this.store.moveStep(project, runId, s.name, s.try, ['RUNNING'], { state: 'FAILED', error: why.slice(0, 2000), end_time: new Date().toISOString() })) {
        await this.store.log(project, runId, s.name, `failed: ${why}`);
      }
    }
    await this.advance(project, runId);
  }

  /**
   * Looks at every step still QUEUED: one whose needed steps have all ended
   * is started (its job enqueued), skipped or marked UPSTREAM_FAILED by its
   * trigger rule; when every step has ended, the run ends.
   */
  async advance(project: string, runId: string): Promise<void> {
    const run = await this.store.run(project, runId);
    if (!run || run.state !== 'RUNNING') return;
    const spec = JSON.parse(run.spec) as PipelineSpec;
    for (let changed = true; changed;) {
      changed = false;
      const steps = new Map((await this.store.steps(project, runId)).map((s) => [s.name, s]));
      for (const s of spec.steps) {
        const row = steps.get(s.name)!;
        // A step with a job is on its way; one whose enqueue a crash cut short has none, and is enqueued
        // again below under the same idempotency key, which returns the job already made.
        if (row.state !== 'QUEUED' || row.job) continue;
        const needs = (s.needs ?? []).map((n) => steps.get(n)!);
        if (!needs.every((n) => TERMINAL.includes(n.state))) continue;
        const verdict = ruleOf(s, needs);
        if (verdict === 'run') {
          await this.enqueue(run, s, row);
        } else {
          const now = new Date().toISOString();
          if (await this.store.moveStep(project, runId, s.name, row.try, ['QUEUED'], { state: verdict, start_time: now, end_time: now })) changed = true;
        }
      }
    }
    const steps = await this.store.steps(project, runId);
    if (steps.every((s) => TERMINAL.includes(s.state))) await this.finish(run, steps);
  }

  private async enqueue(run: RunRow, s: StepSpec, row: StepRow): Promise<void> {
    const payload: StepJob = { run: run.id, step: s.name, try: row.try };
    const op = await this.jobs.enqueue(run.project, STEP_JOB, payload, {
      idempotencyKey: `pipeline-step:${run.id}:${s.name}:${row.try}`,
      // A worker that stops mid-step (killed, restarted) is not the step failing: see LOST_WORKER_ATTEMPTS.
      maxAttempts: (s.retries?.limit ?? 0) + 1 + LOST_WORKER_ATTEMPTS,
      backoffMs: (s.retries?.backoffSeconds ?? 10) * 1000,
      createdBy: run.principal,
    });
    const job = op.name.split('/').pop()!;
    if (row.job !== job) await this.store.moveStep(run.project, run.id, s.name, row.try, ['QUEUED'], { job });
  }

  /** Ends a run whose steps have all ended: FAILED if a step failed, else SUCCEEDED; then admits the next queued run. */
  private async finish(run: RunRow, steps: StepRow[]): Promise<void> {
    const failed = steps.find((s) => s.state === 'FAILED');
    const state = steps.some((s) => FAILED.includes(s.state)) ? 'FAILED' : 'SUCCEEDED';
    const error = failed ? `step ${failed.name} failed: ${failed.error ?? ''}` : steps.some((s) => s.state === 'CANCELLED') ? 'cancelled' : null;
    const moved = await this.outbox.transaction(async (trx: Transaction<PipelineTables>, emit) => {
      const ok = await this.store.moveRun(run.project, run.id, ['RUNNING'], { state, error, end_time: new Date().toISOString() }, trx);
      if (ok) emit(run.project, event(run, state.toLowerCase()));
      return ok;
    });
    if (moved) await this.admit(run.project, run.pipeline);
  }

  /** Cancels a run: steps not yet ended are CANCELLED and their jobs asked to stop. */
  async cancel(project: string, runId: string): Promise<void> {
    const run = await this.mustRun(project, runId);
    if (TERMINAL.includes(run.state)) throw errors.RUN_STATE_CONFLICT({ run: runId, state: run.state, want: 'only a QUEUED or RUNNING run can be cancelled' });
    const now = new Date().toISOString();
    // The run first: a step ending meanwhile then finds the run no longer RUNNING and cannot end it otherwise.
    const moved = await this.outbox.transaction(async (trx: Transaction<PipelineTables>, emit) => {
      const ok = await this.store.moveRun(project, runId, ['QUEUED', 'RUNNING'], { state: 'CANCELLED', error: 'cancelled', end_time: now }, trx);
      if (ok) emit(project, event(run, 'cancelled'));
      return ok;
    });
    if (!moved) throw errors.RUN_STATE_CONFLICT({ run: runId, state: (await this.mustRun(project, runId)).state, want: 'it ended meanwhile' });
    for (const s of await this.store.steps(project, runId)) {
      if (TERMINAL.includes(s.state)) continue;
      await this.store.moveStep(project, runId, s.name, s.try, ['QUEUED', 'RUNNING'], { state: 'CANCELLED', end_time: now, error: 'the run was cancelled' });
      if (s.job) await this.jobs.cancel(project, s.job).catch(() => undefined);
    }
    await this.admit(project, run.pipeline);
  }

  /**
   * Runs an ended run again: with `fromFailed`, only its failed, cancelled
   * and upstream-failed steps (and what they skipped), keeping what
   * succeeded and its outputs; otherwise every step.
   */
  async retry(project: string, runId: string, fromFailed: boolean): Promise<void> {
    const run = await this.mustRun(project, runId);
    if (!TERMINAL.includes(run.state)) throw errors.RUN_STATE_CONFLICT({ run: runId, state: run.state, want: 'wait for it to end, or cancel it, before retrying' });
    if (run.state === 'SUCCEEDED' && fromFailed) throw errors.RUN_STATE_CONFLICT({ run: runId, state: run.state, want: 'no step failed; retry without --from-failed to run every step again' });
    for (const s of await this.store.steps(project, runId)) {
      if (fromFailed && s.state === 'SUCCEEDED') continue;
      await this.store.moveStep(project, runId, s.name, s.try, TERMINAL, { state: 'QUEUED', try: s.try + 1, attempt: 0, job: null, outputs: null, error: null, start_time: null, end_time: null });
    }
    await this.outbox.transaction(async (trx: Transaction<PipelineTables>, emit) => {
      if (await this.store.moveRun(project, runId, TERMINAL, { state: 'QUEUED', error: null, end_time: null }, trx)) emit(project, event(run, 'queued'));
    });
    await this.admit(project, run.pipeline);
  }

  /** A person's go-ahead for an approval step that is waiting. */
  async approve(project: string, runId: string, step: string, principal: string): Promise<void> {
    const steps = await this.store.steps(project, (await this.mustRun(project, runId)).id);
    const row = steps.find((s) => s.name === step);
    if (!row) throw errors.STEP_NOT_FOUND({ run: runId, step, steps: steps.map((s) => s.name).join(', ') });
    const waiting = row.state === 'RUNNING' && row.outputs !== null && (JSON.parse(row.outputs) as { waiting?: boolean }).waiting === true;
    if (!waiting) throw errors.STEP_NOT_WAITING({ step, state: row.state });
    const outputs = JSON.stringify({ approvedBy: principal, approveTime: new Date().toISOString() });
    if (!(await this.store.moveStep(project, runId, step, row.try, ['RUNNING'], { state: 'SUCCEEDED', outputs, end_time: new Date().toISOString() }))) throw errors.STEP_NOT_WAITING({ step, state: 'decided meanwhile' });
    await this.store.log(project, runId, step, `approved by ${principal}`);
    await this.advance(project, runId);
  }

  private async mustRun(project: string, runId: string): Promise<RunRow> {
    const run = await this.store.run(project, runId);
    if (!run) throw errors.PIPELINE_RUN_NOT_FOUND({ run: `projects/${project}/pipelineRuns/${runId}` });
    return run;
  }

  private async emit(run: RunRow, state: string): Promise<void> {
    await this.outbox.transaction(async (_trx, emit) => emit(run.project, event(run, state)));
  }
}

/** What a step's trigger rule says once every step it needs has ended. */
function ruleOf(s: StepSpec, needs: StepRow[]): 'run' | 'UPSTREAM_FAILED' | 'SKIPPED' | 'CANCELLED' {
  if (needs.some((n) => n.state === 'CANCELLED')) return 'CANCELLED';
  if ((s.triggerRule ?? 'all_success') === 'all_done') return 'run';
  if (needs.some((n) => n.state === 'FAILED' || n.state === 'UPSTREAM_FAILED')) return 'UPSTREAM_FAILED';
  // A gate that did not pass ends SUCCEEDED with passed=false: what needs it is skipped, as what needs a skipped step is.
  if (needs.some((n) => n.state === 'SKIPPED' || (n.outputs && (JSON.parse(n.outputs) as { passed?: boolean }).passed === false))) return 'SKIPPED';
  return 'run';
}

function event(run: RunRow, state: string) {
  return { type: `rouge.pipeline.run.${state}`, subject: `pipelineRuns/${run.id}`, data: { run: `projects/${run.project}/pipelineRuns/${run.id}`, pipeline: `projects/${run.project}/pipelines/${run.pipeline}`, state: state.toUpperCase() } };
}

/** The run's parameters: the given ones checked against their types, the rest from defaults; unknown or missing ones refused. */
export function checkParameters(spec: PipelineSpec, given: Record<string, unknown>): Record<string, unknown> {
  const declared = spec.parameters ?? {};
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(given)) if (!Object.hasOwn(declared, k)) throw errors.PARAMETERS_INVALID({ why: `${spec.name} has no parameter ${k} (it has ${Object.keys(declared).join(', ') || 'none'})` });
  for (const [k, p] of Object.entries(declared)) {
    const v = Object.hasOwn(given, k) ? given[k] : p.default;
    if (v === undefined) throw errors.PARAMETERS_INVALID({ why: `${k} (a ${p.type}) is required: it has no default` });
    if (!typeMatches(p.type, v)) throw errors.PARAMETERS_INVALID({ why: `${k} must be a ${p.type}; got ${JSON.stringify(v)}` });
    out[k] = v;
  }
  return out;
}
