import { Type } from 'typebox';
import { PageQuery, ProjectName } from '../platform/index.js';

const ItemId = Type.String({ pattern: '^(?!\\.{1,2}$)[A-Za-z0-9._~-]{1,128}$' });
export const ProjectParams = Type.Object({ project: ProjectName });
export const RunParams = Type.Object({ project: ProjectName, run: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }) });
export const ItemParams = Type.Object({ project: ProjectName, id: ItemId });
export const ResultsQuery = Type.Object(PageQuery, { additionalProperties: false });

export const RunBody = Type.Object(
  {
    itemIds: Type.Optional(Type.Array(ItemId, { minItems: 1, maxItems: 100_000, uniqueItems: true, description: 'the items to analyse' })),
    filter: Type.Optional(Type.String({ maxLength: 1000, description: 'the catalogue filter of the items to analyse: category = "Makeup > Lips"' })),
    tagger: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}(@[a-zA-Z0-9-]{1,128})?$', description: 'the rouge-tagger model that classifies product types (tagger@champion, when the project has one)' })),
    auditRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'share of auto-accepted tags also sent to review, so their precision is measured (0.02)' })),
  },
  { additionalProperties: false, description: 'neither: every item of the catalogue' },
);

const CheckOut = Type.Object({ name: Type.String(), passed: Type.Boolean(), detail: Type.String() });
const TagOut = Type.Object({ name: Type.String(), value: Type.String(), confidence: Type.Optional(Type.Number()) });
export const Run = Type.Object({
  name: Type.String(), runId: Type.String(), state: Type.String(), done: Type.Boolean(),
  progress: Type.Optional(Type.Record(Type.String(), Type.Unknown())), counts: Type.Object({ ok: Type.Integer(), errors: Type.Integer() }),
  createTime: Type.String(), updateTime: Type.String(), endTime: Type.Optional(Type.String()),
});
export const Results = Type.Object({
  results: Type.Array(Type.Object({
    itemId: Type.String(), status: Type.String(), imageHash: Type.Optional(Type.String()), checks: Type.Array(CheckOut), tags: Type.Array(TagOut),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })), time: Type.String(),
  })),
  nextPageToken: Type.Optional(Type.String()),
});
export const ItemTags = Type.Object({
  tags: Type.Array(Type.Object({ name: Type.String(), value: Type.String(), source: Type.String(), confidence: Type.Optional(Type.Number()), runId: Type.String() })),
});
