import { Type } from 'typebox';
import { DisplayName, ProjectName, Timestamp } from '../platform/index.js';
import { MODEL_NAME_PATTERN } from './names.js';

export const ModelName = Type.String({ pattern: MODEL_NAME_PATTERN, description: 'lower-case letters, digits and hyphens, starting with a letter, at most 63 characters' });
export const VersionRefText = Type.String({ pattern: '^([1-9][0-9]{0,9}|[a-z][a-zA-Z0-9-]{0,126}[a-z0-9])$', description: 'a version number or an alias' });
export const Labels = Type.Record(Type.String(), Type.String(), { description: 'lower-case keys and values, at most 64 characters each, at most 64 labels' });

export const ModelParams = Type.Object({ project: ProjectName, model: ModelName });
export const VersionParams = Type.Object({ project: ProjectName, model: ModelName, version: VersionRefText });

export const CreateModelBody = Type.Object(
  { name: ModelName, displayName: Type.Optional(DisplayName), description: Type.Optional(Type.String({ maxLength: 4096 })), labels: Type.Optional(Labels) },
  { additionalProperties: false },
);
export const PatchModelBody = Type.Object(
  { displayName: Type.Optional(DisplayName), description: Type.Optional(Type.String({ maxLength: 4096 })), labels: Type.Optional(Labels) },
  { additionalProperties: false },
);

/** The `metadata` part of a version upload. */
export const VersionMetadata = Type.Object(
  {
    framework: Type.String({ minLength: 1, maxLength: 64, description: 'onnx, http, or a Rouge-native kind such as rouge-recs' }),
    aliases: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 32 })),
    metrics: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.Number())),
    labels: Type.Optional(Labels),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    lineage: Type.Optional(Type.Object({
      operation: Type.Optional(Type.String({ maxLength: 512 })),
      pipelineRun: Type.Optional(Type.String({ maxLength: 512 })),
      parentVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    }, { additionalProperties: true })),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'hex sha256 of the artifact; the upload is refused if the bytes differ' })),
    spec: Type.Optional(Type.Unknown({ description: 'for framework http: {upstreams, predictRoute, healthRoute, timeoutMs}' })),
  },
  { additionalProperties: false },
);

export const Model = Type.Object({
  name: Type.String(), modelId: Type.String(), displayName: Type.String(), description: Type.String(),
  labels: Type.Record(Type.String(), Type.String()), createTime: Timestamp, updateTime: Timestamp,
});
const Tensor = Type.Object({ name: Type.String(), datatype: Type.String(), shape: Type.Array(Type.Integer()) });
export const ModelVersion = Type.Object({
  name: Type.String(), model: Type.String(), versionId: Type.String(), versionAliases: Type.Array(Type.String()),
  framework: Type.String(), description: Type.String(), labels: Type.Record(Type.String(), Type.String()),
  metrics: Type.Record(Type.String(), Type.Number()), lineage: Type.Record(Type.String(), Type.Unknown()),
  signature: Type.Optional(Type.Object({ inputs: Type.Array(Tensor), outputs: Type.Array(Tensor) })),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'what the framework read from the artifact, such as a recommender\'s item count' })),
  spec: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  artifact: Type.Optional(Type.Object({ uri: Type.String(), sha256: Type.String(), sizeBytes: Type.Integer() })),
  versionCreateTime: Timestamp,
});
export const MergeAliasesBody = Type.Object(
  { versionAliases: Type.Array(Type.String({ minLength: 2, maxLength: 129 }), { minItems: 1, maxItems: 32, description: 'aliases to add; a leading - removes one' }) },
  { additionalProperties: false },
);
