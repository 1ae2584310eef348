import type { JobContext } from '../platform/index.js';
import type { PipelineEngine, StepJob } from './engine.js';
import type { StepKind } from './kinds.js';
import { resolveRefs } from './refs.js';
import { resolvedInputsProblem } from './validate.js';
import type { PipelineSpec } from './spec.js';
import type { PipelineStore } from './store.js';

/**
 * Attempts a step's job gets besides the step's own (`retries.limit` + 1),
 * for workers that stop mid-step. A worker killed or restarted while a step
 * ran is an infrastructure error, not the step failing (Kubernetes' pod
 * failure policy ignores disruptions the same way; Argo's OnError retries
 * them): its job is claimed again once its lease expires and the step runs
 * again, without using up a retry. The allowance is bounded because a step
 * that itself kills its worker (out of memory) would otherwise take down
 * worker after worker for ever; past it, the queue marks the job dead and
 * the reconcile fails the step.
 */
export const LOST_WORKER_ATTEMPTS = 2;

/** What a step's job records (as the job's progress) across its attempts. */
interface StepJobProgress {
  /** Attempts that ran to a failure (not the ones whose worker stopped): what `retries.limit` counts. */
  failedAttempts?: number;
}

export interface StepJobDeps {
  store: PipelineStore;
  engine: PipelineEngine;
  kinds: () => ReadonlyMap<string, StepKind>;
}

/**
 * Runs one try of one step, as a job (at least once): a step already ended,
 * or of an older try, is left alone; otherwise it is RUNNING while its kind
 * runs with its inputs resolved, under its timeout, then SUCCEEDED with its
 * outputs. A failure is retried by the job queue with backoff while the
 * step's retries remain; the last one marks the step FAILED and runs its
 * kind's compensation. Either way the run is advanced. An attempt whose
 * worker stopped does not count as a failure (LOST_WORKER_ATTEMPTS).
 */
export async function runStepJob(d: StepJobDeps, payload: StepJob, job: JobContext): Promise<Record<string, unknown>> {
  const { project } = job;
  const run = await d.store.run(project, payload.run);
  const row = (await d.store.steps(project, payload.run)).find((s) => s.name === payload.step);
  if (!run || !row || row.try !== payload.try || !['QUEUED', 'RUNNING'].includes(row.state)) return { skipped: 'the step ended or was retried meanwhile' };
  if (run.state !== 'RUNNING') return { skipped: `the run is ${run.state}` };
  if (row.state === 'RUNNING' && row.outputs && JSON.parse(row.outputs).waiting) return { waiting: true };
  const spec = (JSON.parse(run.spec) as PipelineSpec).steps.find((s) => s.name === payload.step)!;
  const kind = d.kinds().get(spec.kind);
  const now = new Date().toISOString();
  // A cancel between the read above and this move wins: the step does not run.
  if (!(await d.store.moveStep(project, run.id, row.name, row.try, ['QUEUED', 'RUNNING'], { state: 'RUNNING', attempt: job.attempt, start_time: row.start_time ?? now }))) return { skipped: 'the step was cancelled meanwhile' };
  const log = (line: string) => d.store.log(project, run.id, row.name, line);
  const tries = (spec.retries?.limit ?? 0) + 1;
  const failures = Number((job.reported as StepJobProgress | undefined)?.failedAttempts ?? 0);
  const lost = job.attempt - 1 - failures;
  await log(`attempt ${job.attempt} started (${failures} of ${tries} allowed failures so far${lost > 0 ? `; ${lost} earlier attempt${lost > 1 ? 's' : ''} lost with a worker that stopped, not counted` : ''})`);
  const fail = async (message: string, inputs?: Record<string, unknown>, final = false) => {
    await log(`failed: ${message}`);
    // A retry would fail the same way when the inputs themselves are wrong.
    if (!final && failures + 1 < tries && job.attempt < job.maxAttempts && !job.signal.aborted) {
      await job.progress({ failedAttempts: failures + 1 } satisfies StepJobProgress);
      throw new Error(message);
    }
    if (await d.store.moveStep(project, run.id, row.name, row.try, ['RUNNING'], { state: 'FAILED', error: message.slice(0, 2000), end_time: new Date().toISOString() })) {
      if (kind?.compensate && inputs) await kind.compensate(inputs, stepCtx).catch((e: Error) => log(`compensation failed: ${e.message}`));
    }
    await d.engine.advance(project, run.id);
    return { failed: message };
  };
  const timeout = spec.timeoutSeconds ? AbortSignal.timeout(spec.timeoutSeconds * 1000) : undefined;
  const signal = timeout ? AbortSignal.any([job.signal, timeout]) : job.signal;
  const stepCtx = { project, run: run.id, step: row.name, try: row.try, attempt: job.attempt, ...(spec.timeoutSeconds ? { timeoutSeconds: spec.timeoutSeconds } : {}), principal: run.principal, signal, log };
  if (!kind) return fail(`there is no step kind ${spec.kind} in this deployment`);
  let inputs: Record<string, unknown>;
  try {
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const s of await d.store.steps(project, run.id)) if (s.outputs) outputs[s.name] = JSON.parse(s.outputs);
    inputs = resolveRefs(spec.with ?? {}, { parameters: JSON.parse(run.parameters), outputs }) as Record<string, unknown>;
  } catch (e) {
    job.signal.throwIfAborted();
    return fail(`its inputs cannot be resolved: ${(e as Error).message}`, undefined, true);
  }
  const problem = resolvedInputsProblem(kind, inputs);
  if (problem) return fail(`its inputs, resolved, are not valid: ${problem}`, undefined, true);
  let out;
  try {
    out = await kind.run(inputs, stepCtx);
  } catch (e) {
    if (job.signal.aborted) throw e;
    return fail(timeout?.aborted ? `it ran past its timeout of ${spec.timeoutSeconds} s` : (e as Error).message, inputs);
  }
  // This worker lost the job meanwhile (cancel, or its lease taken over): another attempt records the step.
  job.signal.throwIfAborted();
  if ('waiting' in out && out.waiting === true) {
    await d.store.moveStep(project, run.id, row.name, row.try, ['RUNNING'], { outputs: JSON.stringify({ waiting: true }) });
    await log('waiting for an approval: rouge pipelines runs approve <runId> <step>');
    return { waiting: true };
  }
  await d.store.moveStep(project, run.id, row.name, row.try, ['RUNNING'], { state: 'SUCCEEDED', outputs: JSON.stringify(out), end_time: new Date().toISOString() });
  await log('succeeded');
  await d.engine.advance(project, run.id);
  return { outputs: out };
}
