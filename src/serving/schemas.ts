import { Type } from 'typebox';
import { DisplayName, ProjectName, Timestamp } from '../platform/index.js';

export const EndpointName = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'lower-case letters, digits and hyphens, starting with a letter, at most 63 characters' });
export const EndpointParams = Type.Object({ project: ProjectName, endpoint: EndpointName });
export const Split = Type.Record(Type.String({ pattern: '^[0-9]{1,10}$' }), Type.Integer({ minimum: 0, maximum: 100 }), { description: 'deployed model id -> percent; "0" is the model being deployed' });
export const Batching = Type.Object(
  { maxBatchSize: Type.Integer({ minimum: 1, maximum: 4096 }), maxLatencyMs: Type.Number({ minimum: 0, maximum: 1000 }) },
  { additionalProperties: false },
);
export const RequestLogging = Type.Object({ samplingRate: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false });

export const CreateEndpointBody = Type.Object(
  { name: EndpointName, displayName: Type.Optional(DisplayName), labels: Type.Optional(Type.Record(Type.String(), Type.String())), requestLogging: Type.Optional(RequestLogging) },
  { additionalProperties: false },
);
export const DeployBody = Type.Object(
  {
    deployedModel: Type.Object(
      { model: Type.String({ minLength: 1, maxLength: 200, description: 'ctr, ctr@3 or ctr@champion (an alias is resolved now)' }), displayName: Type.Optional(DisplayName), batching: Type.Optional(Batching) },
      { additionalProperties: false },
    ),
    trafficSplit: Type.Optional(Split),
  },
  { additionalProperties: false },
);
export const UndeployBody = Type.Object({ deployedModelId: Type.String({ pattern: '^[0-9]{1,10}$' }), trafficSplit: Type.Optional(Split) }, { additionalProperties: false });
export const PatchEndpointBody = Type.Object({ trafficSplit: Type.Optional(Split) }, { additionalProperties: false });

const DeployedModel = Type.Object({
  id: Type.String(), model: Type.String(), modelVersionId: Type.String(), displayName: Type.String(), state: Type.String(),
  error: Type.Optional(Type.String()), batching: Type.Optional(Batching), createTime: Timestamp,
});
export const Endpoint = Type.Object({
  name: Type.String(), endpointId: Type.String(), displayName: Type.String(), labels: Type.Record(Type.String(), Type.String()),
  deployedModels: Type.Array(DeployedModel), trafficSplit: Type.Record(Type.String(), Type.Integer()), requestLogging: RequestLogging,
  createTime: Timestamp, updateTime: Timestamp,
});

/** Vertex :predict. Tolerant where Vertex clients send more than the path needs (labels). */
export const PredictBody = Type.Object(
  { instances: Type.Array(Type.Unknown(), { minItems: 1 }), parameters: Type.Optional(Type.Unknown()), labels: Type.Optional(Type.Record(Type.String(), Type.String())) },
  // The runtime checks instances against the model's signature (BYTES with a NUL is its INPUT_INVALID).
  { additionalProperties: true, 'x-allow-nul': true },
);

/** OIP $inference_request; unknown fields are tolerated, as the protocol's extensions add some. */
export const InferBody = Type.Object(
  {
    id: Type.Optional(Type.String()),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    inputs: Type.Array(Type.Object({ name: Type.String(), shape: Type.Array(Type.Integer({ minimum: 0 })), datatype: Type.String(), data: Type.Unknown(), parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }), { minItems: 1 }),
    outputs: Type.Optional(Type.Array(Type.Object({ name: Type.String(), parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }))),
  },
  { additionalProperties: true, 'x-allow-nul': true },
);
