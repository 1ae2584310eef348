import type { Signature } from '../registry/index.js';

/** An Open Inference Protocol tensor on the wire. */
export interface OipTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
  parameters?: Record<string, unknown>;
}

/** Who a loaded model is on its endpoint: what every response and metric names it by. */
export interface ServedIdentity {
  deployedModelId: string;
  /** `projects/{p}/models/{m}` */
  model: string;
  versionId: string;
  displayName: string;
}

export interface OipRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: OipTensor[];
  outputs?: Array<{ name: string; parameters?: Record<string, unknown> }>;
}

/**
 * A model version loaded for serving on one endpoint: the ONNX runtime in
 * process, or a proxy to a custom HTTP model server. Both protocols go through it.
 */
export interface ServedModel {
  readonly deployedModelId: string;
  /** `projects/{p}/models/{m}` */
  readonly model: string;
  readonly versionId: string;
  readonly displayName: string;
  readonly framework: string;
  readonly signature: Signature | undefined;
  /** Vertex `:predict`: one prediction per instance. */
  predict(instances: unknown[], parameters: unknown): Promise<unknown[]>;
  /** OIP `infer`: output tensors. */
  infer(request: OipRequest): Promise<OipTensor[]>;
  /** Vertex `:rawPredict`: the body as sent, the answer as received. */
  rawPredict?(body: Buffer, contentType: string): Promise<{ status: number; contentType: string; body: Buffer }>;
  /** Runs one request with zeros (or a health check) so the first real request is not the slow one. */
  warm(): Promise<void>;
  release(): Promise<void>;
}
