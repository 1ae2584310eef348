import { AddressPolicy, type RougeModule } from '../platform/index.js';
import { registryModule } from '../registry/index.js';
import { servingModule } from '../serving/index.js';
import { deployStep } from './steps/deploy.js';
import { httpStep } from './steps/http.js';
import { COMMAND_PERMISSION, commandStep } from './steps/command.js';
import { commandExecutor } from './steps/command-executor.js';
import { PipelineEngine, STEP_JOB, type StepJob } from './engine.js';
import { PIPELINE_STEPS, type StepKind } from './kinds.js';
import { registerPipelineRoutes } from './routes.js';
import { runStepJob } from './step-job.js';
import { approvalStep } from './steps/approval.js';
import { gateStep } from './steps/gate.js';
import { setAliasStep } from './steps/set-alias.js';
import { PipelineStore } from './store.js';
import { pipelinesMigration } from './tables.js';
import { setupTriggers, type TickResult } from './triggers/part.js';
import { triggersMigration } from './triggers/tables.js';
import { parsePipelineText, validatePipeline } from './validate.js';
import type { PipelineSpec } from './spec.js';

/** How often a worker looks for runs to move on (after a restart, or a lost enqueue). */
const RECONCILE_MS = 5_000;

/** What other modules (the demo, triggers) get: pipelines to define and runs to start. */
export interface PipelinesFace {
  /** Creates or replaces a pipeline from its file's text, checked as the API checks it. */
  apply(project: string, source: string): Promise<PipelineSpec>;
  /** Starts a run with its parameters; returns the run's id. */
  run(project: string, pipeline: string, parameters: Record<string, unknown>, principal: string): Promise<string>;
  /** One pass of the trigger loop at `now` (a worker runs one every two seconds); tests drive time with it. */
  tickTriggers(now?: Date): Promise<TickResult>;
}

/**
 * Pipelines as a module: definitions on `api`; runs advanced step by step as
 * jobs on `worker`, each step a kind from `PIPELINE_STEPS` (built-in: gate,
 * approval, set-alias; other modules add train-recs, evaluate, train-tagger).
 * A worker reconciles unfinished runs every few seconds, so a run goes on
 * after a restart.
 */
export const pipelinesModule: RougeModule<PipelinesFace> = {
  name: 'pipelines',
  requires: [registryModule, servingModule],
  migrations: { '0001_pipelines': pipelinesMigration, '0002_triggers': triggersMigration },
  permissions: {
    viewer: ['pipelines.pipelines.get', 'pipelines.pipelines.list', 'pipelines.runs.get', 'pipelines.runs.list', 'pipelines.triggers.get', 'pipelines.triggers.list'],
    editor: [
      'pipelines.pipelines.update', 'pipelines.pipelines.delete', 'pipelines.runs.create', 'pipelines.runs.cancel', 'pipelines.runs.approve',
      'pipelines.triggers.create', 'pipelines.triggers.update', 'pipelines.triggers.delete', 'pipelines.triggers.invoke', 'pipelines.events.publish',
    ],
    // Data engineering's service accounts post events and call HTTP triggers when their jobs finish.
    ingestor: ['pipelines.events.publish', 'pipelines.triggers.invoke'],
    // A command step runs a process on the worker: a shell for whoever defines one, so no project role holds it.
    orgAdmin: [COMMAND_PERMISSION],
  },
  setup(ctx) {
    const registry = ctx.use(registryModule);
    const store = new PipelineStore(ctx.store);
    const engine = new PipelineEngine(store, ctx.jobs, ctx.outbox);
    const holds = (principal: string, permission: string, project: string) => ctx.authorize(principal, permission, project).then(() => true, () => false);
    const builtIn: StepKind[] = [commandStep({ allowed: !ctx.config.production || ctx.config.allowCommandSteps, holds, executor: commandExecutor(ctx.config, ctx.roles.has('worker')) }), gateStep, approvalStep, setAliasStep(registry), deployStep(ctx.use(servingModule)), httpStep(new AddressPolicy(ctx.config.fetchAllowCidrs))];
    const kinds = (): ReadonlyMap<string, StepKind> => new Map([...builtIn, ...ctx.contributions(PIPELINE_STEPS)].map((k) => [k.kind, k]));
    const triggers = setupTriggers(ctx, { pipelines: store, engine, holds });
    let timer: NodeJS.Timeout | undefined;
    let reconciling = false;
    const reconcile = async () => {
      if (reconciling) return;
      reconciling = true;
      try {
        const runs = await store.activeRuns();
        for (const key of new Set(runs.filter((r) => r.state === 'QUEUED').map((r) => `${r.project}\u0000${r.pipeline}`))) {
          const [project, pipeline] = key.split('\u0000') as [string, string];
          await engine.admit(project, pipeline);
        }
        for (const r of runs) if (r.state === 'RUNNING') await engine.reap(r.project, r.id);
      } finally {
        reconciling = false;
      }
    };
    return {
      face: {
        apply: async (project, source) => {
          const parsed = parsePipelineText(source);
          const spec = validatePipeline(parsed.value, kinds(), parsed.locate);
          const now = new Date().toISOString();
          const existing = await store.pipeline(project, spec.name);
          await store.putPipeline({ project, name: spec.name, spec: JSON.stringify(spec), source, paused: existing?.paused ?? 0, create_time: existing?.create_time ?? now, update_time: now });
          return spec;
        },
        run: async (project, pipeline, parameters, principal) => {
          const p = await store.pipeline(project, pipeline);
          if (!p) throw new Error(`pipeline ${pipeline} does not exist in ${project}`);
          return (await engine.start(project, p, parameters, principal)).id;
        },
        tickTriggers: (now) => triggers.tick(now),
      },
      routes: {
        api: (app) => {
          registerPipelineRoutes(app, { store, engine, kinds, holds });
          triggers.routes(app);
        },
      },
      // A data-engineering service account may be bound on one HTTP trigger alone (`triggers/etl-done`).
      resources: [{ collection: 'triggers', exists: async (project, id) => (await triggers.store.get(project, id)) !== undefined }],
      // Training steps run the engine synchronously for minutes: the lease (600 s by default) must outlast them, as a training job's does.
      jobs: [{ kind: STEP_JOB, concurrency: 4, leaseMs: ctx.config.pipelineStepLeaseSeconds * 1000, handler: (payload: StepJob, job) => runStepJob({ store, engine, kinds }, payload, job) }],
      start: async () => {
        if (!ctx.roles.has('worker')) return;
        await triggers.start();
        timer = setInterval(() => void reconcile().catch((e: unknown) => ctx.log.warn({ err: e }, 'pipelines: reconcile failed')), RECONCILE_MS);
        timer.unref();
      },
      deleteProject: async (project, trx) => {
        await store.deleteProject(project, trx);
        await triggers.store.deleteProject(project, trx);
      },
      close: async () => {
        if (timer) clearInterval(timer);
        await triggers.close();
      },
    };
  },
};
