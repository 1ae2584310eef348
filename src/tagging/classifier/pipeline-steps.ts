import type { StepKind } from '../../pipelines/index.js';
import { runRetrain, type RetrainDeps } from './retrain.js';

/**
 * `train-tagger`: retrains the product-type tagger from its examples and
 * the reviewers' decisions and registers a rouge-tagger version, moving no
 * alias. A retried step returns the version it registered already.
 */
export function taggerSteps(d: RetrainDeps): StepKind[] {
  return [{
    kind: 'train-tagger',
    description: 'retrain the product-type tagger from its examples and the review decisions; register a rouge-tagger version (no alias moves)',
    inputs: { type: 'object', additionalProperties: false, properties: { model: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' }, from: { type: 'string' } } },
    async run(inputs, ctx) {
      const model = (inputs.model as string | undefined) ?? 'tagger';
      const pipelineRun = `projects/${ctx.project}/pipelineRuns/${ctx.run}/steps/${ctx.step}`;
      const earlier = await d.registry.versions.findByPipelineRun(ctx.project, model, pipelineRun);
      if (earlier) return { modelVersion: earlier.name, versionId: earlier.versionId, model, metrics: earlier.metrics };
      const r = await runRetrain(d, { model, moveAlias: false, pipelineRun, ...(inputs.from ? { from: String(inputs.from) } : {}) }, {
        project: ctx.project, id: `${ctx.run}-${ctx.step}`, kind: 'pipeline-step', attempt: ctx.attempt, maxAttempts: ctx.attempt, signal: ctx.signal,
        progress: async (p) => {
          if (typeof p.message === 'string' && p.percent === undefined) await ctx.log(p.message);
        },
      });
      const name = String(r.modelVersion);
      await ctx.log(`registered ${name} from ${String(r.examples)} images (${String(r.decisions)} review decisions)`);
      return { modelVersion: name, versionId: name.split('/').pop()!, model, metrics: r.validation as Record<string, number> };
    },
  }];
}
