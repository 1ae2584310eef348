import type { StepKind } from '../kinds.js';

const OPS: Record<string, (a: number, b: number) => boolean> = { '>': (a, b) => a > b, '>=': (a, b) => a >= b, '<': (a, b) => a < b, '<=': (a, b) => a <= b };

/**
 * Continues only if a metric passes a threshold (the new version's NDCG
 * beats the champion's). A gate that does not pass ends SUCCEEDED with
 * `passed: false` and the steps that need it are SKIPPED: not passing is an
 * answer, not a failure. A missing threshold (no champion yet) passes or
 * fails as `ifMissing` says.
 */
export const gateStep: StepKind = {
  kind: 'gate',
  description: 'continue only if a metric passes a threshold (metric > threshold, ...); otherwise the steps after it are skipped',
  inputs: {
    type: 'object', additionalProperties: false, required: ['metric', 'threshold'],
    properties: {
      metric: { type: ['number', 'null'] },
      op: { enum: Object.keys(OPS) },
      threshold: { type: ['number', 'null'] },
      margin: { type: 'number', description: 'added to the threshold: > champion + 0.01' },
      ifMissing: { enum: ['pass', 'fail'], description: 'when the metric or threshold is null (no champion yet): pass (the default) or fail' },
    },
  },
  async run(inputs, ctx) {
    const op = (inputs.op as string | undefined) ?? '>';
    const { metric, threshold } = inputs as { metric: number | null; threshold: number | null };
    if (metric === null || threshold === null || metric === undefined || threshold === undefined) {
      const passed = (inputs.ifMissing ?? 'pass') === 'pass';
      await ctx.log(`metric ${metric ?? 'missing'}, threshold ${threshold ?? 'missing'}: ${passed ? 'passes' : 'does not pass'} (ifMissing)`);
      return { passed, metric, threshold };
    }
    if (typeof metric !== 'number' || typeof threshold !== 'number') throw new Error(`metric and threshold must be numbers; got ${JSON.stringify(metric)} and ${JSON.stringify(threshold)}`);
    const bar = threshold + ((inputs.margin as number | undefined) ?? 0);
    const passed = OPS[op]!(metric, bar);
    await ctx.log(`${metric} ${op} ${bar}: ${passed ? 'passes' : 'does not pass; the steps after this gate are skipped'}`);
    return { passed, metric, threshold };
  },
};
