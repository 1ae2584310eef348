import { Type } from 'typebox';
import { PageQuery, ProjectName } from '../../platform/index.js';

export const TaskParams = Type.Object({ project: ProjectName, task: Type.String({ pattern: '^[0-9A-Z]{26}$' }) });
export const ImageParams = Type.Object({ project: ProjectName, hash: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
export const TasksQuery = Type.Object({
  ...PageQuery,
  state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('resolved'), Type.Literal('all')], { description: 'pending (the default), resolved or all' })),
  kind: Type.Optional(Type.Union([Type.Literal('uncertain'), Type.Literal('audit')])),
  runId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' })),
}, { additionalProperties: false });
export const ResolveBody = Type.Object({
  decision: Type.Union([Type.Literal('accept'), Type.Literal('correct'), Type.Literal('reject')]),
  tags: Type.Optional(Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }), value: Type.String({ minLength: 1, maxLength: 750 }) }, { additionalProperties: false }), { maxItems: 10 })),
}, { additionalProperties: false });
const Tag = Type.Object({ name: Type.String(), value: Type.String(), confidence: Type.Optional(Type.Number()) });
const Choice = Type.Object({ label: Type.String(), googleProductCategory: Type.String(), productType: Type.String() });
export const Task = Type.Object({
  name: Type.String(), id: Type.String(), itemId: Type.String(), itemTitle: Type.Optional(Type.String()), runId: Type.String(),
  kind: Type.String(), state: Type.String(), imageUri: Type.String(), modelVersion: Type.String(),
  proposedTags: Type.Array(Tag), choices: Type.Array(Choice),
  decision: Type.Optional(Type.String()), tags: Type.Optional(Type.Array(Tag)), resolvedBy: Type.Optional(Type.String()),
  createTime: Type.String(), resolveTime: Type.Optional(Type.String()),
});
export const Tasks = Type.Object({ reviewTasks: Type.Array(Task), nextPageToken: Type.Optional(Type.String()) });
export const SavingsQuery = Type.Object({
  manualSecondsPerImage: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
  reviewSecondsPerImage: Type.Optional(Type.Number({ minimum: 0, maximum: 3600 })),
  hourlyLabourCost: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
  vcpuHourCost: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  vcpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
}, { additionalProperties: false });
export const TrainBody = Type.Object({
  model: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'the rouge-tagger model to add a version to (tagger)' })),
  alias: Type.Optional(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9-]{0,62}$', description: 'moved to the new version (champion)' })),
  from: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}(@[a-zA-Z0-9-]{1,128})?$', description: 'the version whose examples are learnt again with the decisions (tagger@champion)' })),
}, { additionalProperties: false });
