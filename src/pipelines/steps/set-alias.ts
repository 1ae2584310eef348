import type { RegistryFace } from '../../registry/index.js';
import type { StepKind } from '../kinds.js';

/** Moves an alias onto a model version (the new champion); idempotent, as moving it there again changes nothing. */
export function setAliasStep(registry: RegistryFace): StepKind {
  return {
    kind: 'set-alias',
    description: 'move an alias (champion) onto a model version',
    inputs: {
      type: 'object', additionalProperties: false, required: ['model', 'version', 'alias'],
      properties: { model: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' }, version: { type: ['string', 'integer'] }, alias: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9-]{0,62}$' } },
    },
    async run(inputs, ctx) {
      const { model, version, alias } = inputs as { model: string; version: string | number; alias: string };
      const v = await registry.versions.mergeAliases(ctx.project, model, String(version), [alias]);
      await ctx.log(`${alias} is on ${model} version ${v.versionId}`);
      return { modelVersion: v.name, versionId: v.versionId, alias };
    },
  };
}
