/**
 * The registry's and serving's resources as the public API answers them
 * (src/registry/views.ts, src/serving/service.ts); only what the pages read.
 */

/** GET /v1/projects/{p}/models[/{m}] */
export interface Model {
  name: string;
  modelId: string;
  displayName: string;
  description: string;
  labels: Record<string, string>;
  createTime: string;
  updateTime: string;
}

export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

/** GET …/models/{m}/versions[/{v}] */
export interface ModelVersion {
  name: string;
  model: string;
  versionId: string;
  versionAliases: string[];
  framework: string;
  description: string;
  labels: Record<string, string>;
  metrics: Record<string, number>;
  /** pipelineRun, operation, parentVersion, createdBy, and whatever else the uploader recorded. */
  lineage: Record<string, unknown>;
  signature?: { inputs: TensorSpec[]; outputs: TensorSpec[] };
  metadata?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  artifact?: { uri: string; sha256: string; sizeBytes: number };
  versionCreateTime: string;
}

/** One model version loaded on an endpoint. */
export interface DeployedModel {
  id: string;
  /** `projects/{p}/models/{m}` */
  model: string;
  modelVersionId: string;
  displayName: string;
  /** DEPLOYING, READY or FAILED: only READY models may take traffic. */
  state: string;
  error?: string;
  batching?: { maxBatchSize: number; maxLatencyMs: number };
  createTime: string;
}

/** GET …/endpoints[/{e}] */
export interface Endpoint {
  name: string;
  endpointId: string;
  displayName: string;
  labels: Record<string, string>;
  deployedModels: DeployedModel[];
  /** deployed model id → whole percent; empty when the endpoint takes no traffic. */
  trafficSplit: Record<string, number>;
  requestLogging: { samplingRate: number };
  createTime: string;
  updateTime: string;
}
