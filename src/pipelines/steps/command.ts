import type { StepContext, StepKind } from '../kinds.js';
import { CommandOutput } from './command-output.js';

/** The permission a pipeline with a command step needs, besides defining pipelines: held by orgAdmin only. */
export const COMMAND_PERMISSION = 'pipelines.commandSteps.create';

/** CPU and memory as Kubernetes writes them (`500m`, `2`, `512Mi`, `1.5Gi`). */
const QUANTITY = { type: ['string', 'number'], pattern: '^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$' };
const CPU_MEMORY = { type: 'object', additionalProperties: false, properties: { cpu: QUANTITY, memory: QUANTITY } };

/** A container's requests and limits (Kubernetes' `resources`, cpu and memory only). */
export interface CommandResources {
  requests?: { cpu?: string | number; memory?: string | number };
  limits?: { cpu?: string | number; memory?: string | number };
}

/** A command step as an executor gets it: its inputs resolved and its environment made. */
export interface CommandRun {
  /** The program and its arguments: no shell ever reads them. */
  argv: string[];
  /** ROUGE_PROJECT, ROUGE_PIPELINE_RUN, ROUGE_STEP and the step's `env`: nothing of the worker's own. */
  env: Record<string, string>;
  /** The container image (Kubernetes only; the executor has a default). */
  image?: string;
  resources?: CommandResources;
  /** The service account the Job's pod runs as (Kubernetes only; the namespace's `default` otherwise). */
  serviceAccountName?: string;
}

/**
 * Where command steps run: `ProcessExecutor` (a child process of the worker)
 * or `KubernetesExecutor` (a Job), chosen once from `--command-executor`.
 * `run` resolves when the command exited 0, with what it printed handed to
 * `output`; it throws when the command failed, could not start, or
 * `ctx.signal` aborted it (having stopped it first).
 */
export interface CommandExecutor {
  readonly name: 'process' | 'kubernetes';
  run(cmd: CommandRun, ctx: StepContext, output: CommandOutput): Promise<{ exitCode: number }>;
}

export interface CommandStepDeps {
  /** False in production without --allow-command-steps: the kind is then refused. */
  allowed: boolean;
  /** Whether the run's principal still holds the permission (checked each time the step runs). */
  holds: (principal: string, permission: string, project: string) => Promise<boolean>;
  executor: CommandExecutor;
}

/**
 * Runs a program for a pipeline: `command` is the argv (no shell, so a
 * parameter is one argument, never interpolated into a command line), with a
 * scrubbed environment (the run's names and the step's `env`: no database
 * URL, pepper or cache credentials), as a process on the worker or as a
 * Kubernetes Job, whichever executor this deployment uses. Its output lines
 * go to the step's log; lines `rouge-output: {...}` become its outputs; a
 * non-zero exit fails it; a cancel or timeout stops it. Whoever defines one
 * gets a shell, so it needs its own permission, checked again each time it runs.
 */
export function commandStep(d: CommandStepDeps): StepKind {
  return {
    kind: 'command',
    description: 'run a program (argv, no shell) with a scrubbed environment, as a process on the worker or a Kubernetes Job (--command-executor); needs pipelines.commandSteps.create',
    permission: COMMAND_PERMISSION,
    ...(d.allowed ? {} : { unavailable: 'this deployment runs in production without --allow-command-steps, so it runs none' }),
    inputs: {
      type: 'object', additionalProperties: false, required: ['command'],
      properties: {
        command: { type: 'array', minItems: 1, maxItems: 200, items: { type: ['string', 'number', 'boolean'] } },
        env: { type: 'object', propertyNames: { pattern: '^[A-Z_][A-Z0-9_]{0,63}$' }, additionalProperties: { type: ['string', 'number', 'boolean'] } },
        image: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$', description: 'container image (Kubernetes only; default --kubernetes-image)' },
        resources: { type: 'object', additionalProperties: false, properties: { requests: CPU_MEMORY, limits: CPU_MEMORY } },
        serviceAccountName: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$', description: 'the pod\'s service account (Kubernetes only)' },
      },
    },
    async run(inputs, ctx) {
      if (!d.allowed) throw new Error('command steps are off in production: start Rouge with --allow-command-steps to allow them');
      if (!(await d.holds(ctx.principal, COMMAND_PERMISSION, ctx.project))) throw new Error(`${ctx.principal}, who started this run, no longer holds ${COMMAND_PERMISSION}`);
      const env: Record<string, string> = { ROUGE_PROJECT: ctx.project, ROUGE_PIPELINE_RUN: ctx.run, ROUGE_STEP: ctx.step };
      for (const [k, v] of Object.entries((inputs.env as Record<string, unknown> | undefined) ?? {})) env[k] = String(v);
      const cmd: CommandRun = {
        argv: (inputs.command as unknown[]).map(String), env,
        ...(inputs.image ? { image: inputs.image as string } : {}),
        ...(inputs.resources ? { resources: inputs.resources as CommandResources } : {}),
        ...(inputs.serviceAccountName ? { serviceAccountName: inputs.serviceAccountName as string } : {}),
      };
      const output = new CommandOutput(ctx.log);
      const { exitCode } = await d.executor.run(cmd, ctx, output);
      return { exitCode, ...output.outputs };
    },
  };
}
