import { contribute, extensionPoint, type Contribution } from '../platform/index.js';
import type { HttpModelSpec, ResolvedVersion, Signature } from '../registry/index.js';
import type { BatchingOptions } from './batcher.js';
import { HttpModel } from './http-model.js';
import { OnnxModel } from './onnx-model.js';
import type { ServedIdentity, ServedModel } from './served-model.js';

/** What a runtime is given to load one deployed version on one endpoint. */
export interface RuntimeLoadRequest extends ServedIdentity {
  project: string;
  endpoint: string;
  /** The version's framework metadata, as the registry stored it at upload. */
  metadata: Record<string, unknown>;
  signature: Signature | undefined;
  /** The version's spec, for artifact-less frameworks. */
  spec: Record<string, unknown> | undefined;
  batching: BatchingOptions | null;
  /** The artifact on local disk (downloaded once per process and kept); only for frameworks with one. */
  localArtifact(): Promise<string>;
  /** Reports the rows of each batch run, for the batch-size histogram. */
  observeBatch(rows: number): void;
}

/** Loads a version of one framework into something the endpoint can serve. */
export type RuntimeLoader = (request: RuntimeLoadRequest) => Promise<ServedModel>;

/** A runtime for one registry framework. */
export interface Runtime {
  framework: string;
  load: RuntimeLoader;
}

/**
 * Where modules add runtimes, so a version of their own framework
 * (`rouge-recs`, `rouge-tagger`) can be deployed on an endpoint and answer
 * `:predict` and OIP like an ONNX model.
 */
export const RUNTIMES = extensionPoint<Runtime>('serving.runtimes');

/**
 * A module's runtime for a framework, for its `contributes` list.
 *
 * @example
 * contributes: [contribute(FRAMEWORKS, recsFramework), registerRuntime('rouge-recs', async (req) => RecsModel.load(await req.localArtifact()))]
 */
export function registerRuntime(framework: string, load: RuntimeLoader): Contribution<Runtime> {
  return contribute(RUNTIMES, { framework, load });
}

/** The runtimes serving always has. */
export const BUILT_IN_RUNTIMES: readonly Runtime[] = [
  {
    framework: 'onnx',
    load: async (r) => OnnxModel.load(await r.localArtifact(), { deployedModelId: r.deployedModelId, model: r.model, versionId: r.versionId, displayName: r.displayName, signature: r.signature ?? { inputs: [], outputs: [] }, batching: r.batching }, r.observeBatch),
  },
  {
    framework: 'http',
    load: async (r) => new HttpModel({ deployedModelId: r.deployedModelId, model: r.model, versionId: r.versionId, displayName: r.displayName, project: r.project, endpoint: r.endpoint, spec: (r.spec as unknown as HttpModelSpec | undefined) ?? { upstreams: [], predictRoute: '/predict', healthRoute: '/health', timeoutMs: 10000 } }),
  },
];

/** The runtime of a framework in one app, or undefined when none serves it. */
export function runtimeFor(framework: string, contributed: readonly Runtime[]): Runtime | undefined {
  return BUILT_IN_RUNTIMES.find((r) => r.framework === framework) ?? contributed.find((r) => r.framework === framework);
}

/** The request a runtime gets for a deployed row of a version. */
export function loadRequest(base: Omit<RuntimeLoadRequest, 'metadata' | 'signature' | 'spec'>, version: ResolvedVersion): RuntimeLoadRequest {
  return { ...base, metadata: version.metadata, signature: version.signature, spec: version.spec };
}
