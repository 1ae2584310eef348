import { Type, type Static } from 'typebox';

const Name = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'lower-case letters, digits and hyphens, starting with a letter' });
const Parameter = Type.Object({
  type: Type.Union([Type.Literal('string'), Type.Literal('number'), Type.Literal('integer'), Type.Literal('boolean')]),
  default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
}, { additionalProperties: false });
const Retries = Type.Object({
  limit: Type.Integer({ minimum: 0, maximum: 10, description: 'attempts after the first' }),
  backoffSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 3600, description: 'before the first retry; doubled each time (10)' })),
}, { additionalProperties: false });
const Step = Type.Object({
  name: Name,
  kind: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'train-recs, train-tagger, evaluate, gate, set-alias, deploy, approval, http, ...' }),
  needs: Type.Optional(Type.Array(Name, { maxItems: 50, uniqueItems: true, description: 'steps that must end first' })),
  with: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'the kind\'s inputs; a value may be ${{ parameters.x }} or ${{ steps.s.outputs.y }}' })),
  triggerRule: Type.Optional(Type.Union([Type.Literal('all_success'), Type.Literal('all_done')], { description: 'all_success (default): run when every needed step succeeded; all_done: when they ended however' })),
  retries: Type.Optional(Retries),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 })),
}, { additionalProperties: false });

/** A pipeline as its file holds it (YAML or JSON). */
export const PipelineSpec = Type.Object({
  name: Name,
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  parameters: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' }), Parameter)),
  maxActiveRuns: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'runs at once; more wait QUEUED (1)' })),
  steps: Type.Array(Step, { minItems: 1, maxItems: 100 }),
}, { additionalProperties: false, $id: 'https://rouge.dev/schemas/pipeline.json', title: 'Rouge pipeline' });

export type PipelineSpec = Static<typeof PipelineSpec>;
export type StepSpec = PipelineSpec['steps'][number];
export type ParameterSpec = NonNullable<PipelineSpec['parameters']>[string];
