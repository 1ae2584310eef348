import { buffer } from 'node:stream/consumers';
import type { CatalogFace } from '../catalog/index.js';
import type { BlobStore } from '../platform/index.js';
import type { StepKind } from '../pipelines/index.js';
import { parseModelRef, type RegistryFace } from '../registry/index.js';
import { evaluateCases, RecsModel } from '../recs/index.js';
import { RECS_FRAMEWORK } from './recommenders.js';
import { DEFAULT_EVENT_WEIGHTS, readTrainingData } from './training-data.js';
import { runTraining } from './training.js';

export interface RecsStepDeps {
  catalog: CatalogFace;
  registry: RegistryFace;
  blobs: BlobStore;
}

const MODEL = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' };

/**
 * `train-recs`: trains from the project's events and registers a rouge-recs
 * version, moving no alias (a later step decides). A retried step finds the
 * version it registered by its lineage and returns it instead of a second.
 */
export function trainRecsStep(d: RecsStepDeps): StepKind {
  return {
    kind: 'train-recs',
    description: 'train a recommendation model from the project\'s events and register it as a rouge-recs version (no alias moves)',
    inputs: {
      type: 'object', additionalProperties: false,
      properties: { model: MODEL, holdOutLast: { type: 'boolean', description: 'leave each shopper\'s last event out, for an evaluate step to score on unseen' }, eventWeights: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 100 } } },
    },
    async run(inputs, ctx) {
      const model = (inputs.model as string | undefined) ?? 'recs';
      const pipelineRun = `projects/${ctx.project}/pipelineRuns/${ctx.run}/steps/${ctx.step}`;
      const earlier = await d.registry.versions.findByPipelineRun(ctx.project, model, pipelineRun);
      if (earlier) {
        await ctx.log(`version ${earlier.versionId} was registered by an earlier attempt of this step`);
        return { modelVersion: earlier.name, versionId: earlier.versionId, model, metrics: earlier.metrics };
      }
      const r = await runTraining(d, { model, pipelineRun, ...(inputs.holdOutLast ? { holdOutLast: true } : {}), ...(inputs.eventWeights ? { eventWeights: inputs.eventWeights as Record<string, number> } : {}) }, {
        project: ctx.project, id: `${ctx.run}-${ctx.step}`, kind: 'pipeline-step', attempt: ctx.attempt, maxAttempts: ctx.attempt, signal: ctx.signal,
        progress: async (p) => {
          if (typeof p.message === 'string' && p.percent === undefined) await ctx.log(p.message);
        },
      });
      const name = String(r.modelVersion);
      await ctx.log(`registered ${name} from ${String(r.events)} events in ${String(r.seconds)} s`);
      return { modelVersion: name, versionId: name.split('/').pop()!, model, metrics: r.metrics };
    },
  };
}

/**
 * `evaluate`: a rouge-recs version's full-ranking HR and NDCG on the
 * project's own recent data, each shopper's last event held out (the
 * protocol of `rouge recs evaluate`). A reference that names nothing (no
 * champion yet) gives `exists: false` and null metrics with `ifMissing: empty`.
 */
export function evaluateRecsStep(d: RecsStepDeps): StepKind {
  return {
    kind: 'evaluate',
    description: 'a rouge-recs version\'s offline metrics (HR@k, NDCG@k) on each shopper\'s last event',
    inputs: {
      type: 'object', additionalProperties: false, required: ['model'],
      properties: { model: { type: 'string', description: 'recs@champion, recs@7' }, ifMissing: { enum: ['fail', 'empty'] }, maxUsers: { type: 'integer', minimum: 1, maximum: 1_000_000 } },
    },
    async run(inputs, ctx) {
      const ref = String(inputs.model);
      const { model, ref: r } = parseModelRef(ref);
      const version = await d.registry.versions.resolveVersion(ctx.project, model, r).catch((e: { reason?: string }) => {
        if (inputs.ifMissing === 'empty' && (e?.reason === 'MODEL_NOT_FOUND' || e?.reason === 'MODEL_VERSION_NOT_FOUND')) return undefined;
        throw e;
      });
      const empty = { 'HR@5': null, 'HR@10': null, 'HR@20': null, 'NDCG@5': null, 'NDCG@10': null, 'NDCG@20': null };
      if (!version) {
        await ctx.log(`${ref} does not exist: metrics are empty`);
        return { exists: false, metrics: empty, users: 0 };
      }
      if (version.framework !== RECS_FRAMEWORK) throw new Error(`${ref} is a ${version.framework} version; evaluate takes rouge-recs versions`);
      const { body } = await d.blobs.get(version.artifact!.key);
      const recs = RecsModel.load(await buffer(body));
      const data = await readTrainingData(d.catalog, ctx.project, d.catalog.events.export(ctx.project, undefined), DEFAULT_EVENT_WEIGHTS, () => undefined);
      const max = (inputs.maxUsers as number | undefined) ?? 20_000;
      const cases = data.sequences.filter((s) => s.items.length >= 2).slice(-max).map((s) => ({ items: s.items.slice(0, -1), target: s.items[s.items.length - 1]! }));
      const { metrics, users } = evaluateCases(recs, cases);
      await ctx.log(`${version.name}: NDCG@10 ${metrics['NDCG@10']}, HR@10 ${metrics['HR@10']} over ${users} shoppers`);
      return { exists: true, modelVersion: version.name, metrics, users };
    },
  };
}
