import { extensionPoint } from '../platform/index.js';

/** What a step's code gets while it runs. */
export interface StepContext {
  project: string;
  run: string;
  step: string;
  /** 1 until the run is retried; with `attempt`, it names this execution of the step (a Kubernetes Job's name). */
  try: number;
  /** 1 on the first attempt. */
  attempt: number;
  /** The step's `timeoutSeconds`, for what enforces it elsewhere too (a Job's activeDeadlineSeconds); `signal` aborts at it regardless. */
  timeoutSeconds?: number;
  /** The principal the run acts as (who started it, or the trigger's service account). */
  principal: string;
  /** Aborted on cancel, on the step's timeout, or when this worker lost the job. */
  signal: AbortSignal;
  /** A line for the step's log (`rouge pipelines runs watch`, `GET .../logs`). */
  log(line: string): Promise<void>;
}

/** What a step returns: outputs later steps read as `${{ steps.<name>.outputs.<key> }}`. */
export type StepOutputs = Record<string, unknown>;

/**
 * A kind of step (`train-recs`, `gate`, `http`). The pipelines module runs
 * built-in kinds; other modules add theirs to `PIPELINE_STEPS` from their
 * `RougeModule` declaration, as they add model frameworks to the registry.
 * Steps run at least once: `run` must be idempotent (a retry after a crash
 * must not register two versions or move traffic twice).
 */
export interface StepKind {
  /** Lower-case words with hyphens: the `kind` of a step in a pipeline file. */
  kind: string;
  description: string;
  /** JSON Schema of `with` (checked when a pipeline is applied, before references are resolved). */
  inputs: Record<string, unknown>;
  /** A permission needed, besides `pipelines.pipelines.update`, to define a pipeline with this kind. */
  permission?: string;
  /** Why this deployment refuses the kind altogether (command steps in production without --allow-command-steps). */
  unavailable?: string;
  /**
   * Runs the step with its inputs resolved. Returns its outputs; or
   * `{ waiting: true }` to stay RUNNING until an outside decision (an approval).
   */
  run(inputs: Record<string, any>, ctx: StepContext): Promise<StepOutputs | { waiting: true }>;
  /** Undoes what a failed step changed (a deploy puts traffic back). Called once, after its last attempt failed. */
  compensate?(inputs: Record<string, any>, ctx: StepContext): Promise<void>;
}

/** Where modules add step kinds. */
export const PIPELINE_STEPS = extensionPoint<StepKind>('pipelines.steps');
