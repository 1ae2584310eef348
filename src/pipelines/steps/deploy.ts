import type { ServingFace } from '../../serving/index.js';
import type { StepContext, StepKind } from '../kinds.js';

/**
 * Deploys a model version to an endpoint with a share of the traffic (the
 * rest kept in the proportions the endpoint had), waiting until it is READY.
 * The deployed model is named after the run and step, so a retried step finds
 * the one it deployed instead of deploying twice. Its compensation, after the
 * last attempt failed, takes that model off the endpoint and gives the other
 * models back exactly the proportions they had.
 */
export function deployStep(serving: ServingFace): StepKind {
  const marker = (ctx: StepContext) => `pipeline ${ctx.run}/${ctx.step}`;
  return {
    kind: 'deploy',
    description: 'deploy a model version to an endpoint with a share of its traffic; on failure the traffic goes back where it was',
    inputs: {
      type: 'object', additionalProperties: false, required: ['endpoint', 'model'],
      properties: {
        endpoint: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
        model: { type: 'string', description: 'ctr@7 or ctr@champion (resolved when the step runs)' },
        trafficPercent: { type: 'integer', minimum: 0, maximum: 100, description: 'the new model\'s share (100)' },
      },
    },
    async run(inputs, ctx) {
      const endpoint = String(inputs.endpoint);
      const pct = (inputs.trafficPercent as number | undefined) ?? 100;
      let e = await serving.endpoints.get(ctx.project, endpoint);
      let mine = e.deployedModels.find((d) => d.displayName === marker(ctx));
      if (!mine) {
        await ctx.log(`traffic before: ${JSON.stringify(e.trafficSplit)}`);
        const op = await serving.endpoints.deployModel(ctx.project, endpoint, { model: String(inputs.model), displayName: marker(ctx) }, { '0': pct, ...scaled(e.trafficSplit, 100 - pct) }, ctx.principal);
        await ctx.log(`deploying ${String(inputs.model)} with ${pct}% of the traffic (${op.name})`);
      }
      for (;;) {
        ctx.signal.throwIfAborted();
        e = await serving.endpoints.get(ctx.project, endpoint);
        mine = e.deployedModels.find((d) => d.displayName === marker(ctx));
        if (!mine) throw new Error(`the deployed model of this step is no longer on endpoint ${endpoint}`);
        if (mine.state === 'READY') break;
        if (mine.state === 'FAILED') throw new Error(`the deploy failed: ${mine.error ?? 'no reason given'}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      await ctx.log(`deployed model ${mine.id} is READY; traffic now ${JSON.stringify(e.trafficSplit)}`);
      return { endpoint, deployedModelId: mine.id, modelVersionId: mine.modelVersionId, trafficSplit: e.trafficSplit };
    },
    async compensate(_inputs, ctx) {
      const endpoint = String(_inputs.endpoint);
      const e = await serving.endpoints.get(ctx.project, endpoint);
      const mine = e.deployedModels.find((d) => d.displayName === marker(ctx));
      if (!mine) return;
      const { [mine.id]: _gone, ...rest } = e.trafficSplit;
      const back = scaled(rest, Object.keys(rest).length ? 100 : 0);
      await serving.endpoints.undeployModel(ctx.project, endpoint, mine.id, back);
      await ctx.log(`compensated: took deployed model ${mine.id} off ${endpoint}; traffic back to ${JSON.stringify(back)}`);
    },
  };
}

/** A split scaled to `total` percent in whole numbers, keeping its proportions (largest remainders get the rounding). */
export function scaled(split: Record<string, number>, total: number): Record<string, number> {
  const entries = Object.entries(split).filter(([, v]) => v > 0);
  const sum = entries.reduce((s, [, v]) => s + v, 0);
  if (sum === 0 || total === 0) return {};
  const exact = entries.map(([k, v]) => ({ k, x: (v * total) / sum }));
  const out: Record<string, number> = Object.fromEntries(exact.map(({ k, x }) => [k, Math.floor(x)]));
  let left = total - Object.values(out).reduce((s, v) => s + v, 0);
  for (const { k } of [...exact].sort((a, b) => (b.x % 1) - (a.x % 1))) {
    if (left-- <= 0) break;
    out[k]! += 1;
  }
  return out;
}
