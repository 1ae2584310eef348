import * as errors from './errors.js';
import { inspectOnnx } from './onnx.js';
import { validateHttpSpec } from './http-spec.js';

/** A tensor in a model signature, in Open Inference Protocol terms (-1 is a dynamic dimension). */
export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

export interface Signature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/**
 * A kind of model the registry accepts. Frameworks with an artifact inspect it
 * at upload (a file the runtime cannot load is refused there, not at deploy)
 * and may return its signature; frameworks without one validate a spec.
 * Later modules register their own (`rouge-recs`, `rouge-tagger`).
 */
export interface ModelFramework {
  name: string;
  artifact: 'required' | 'none';
  /** Validates the artifact at a local path; throws ARTIFACT_INVALID. */
  inspect?(path: string): Promise<{ signature?: Signature }>;
  /** Validates and normalises the spec of an artifact-less version; throws SPEC_INVALID. */
  validateSpec?(spec: unknown): Record<string, unknown>;
  /** File extension used when the artifact is downloaded. */
  extension?: string;
}

const frameworks = new Map<string, ModelFramework>();

/**
 * Registers a framework; a later module calls this from its index.
 *
 * @example
 * registerFramework({ name: 'rouge-recs', artifact: 'required', inspect: async (path) => ({}) });
 */
export function registerFramework(framework: ModelFramework): void {
  frameworks.set(framework.name, framework);
}

/** The framework of that name; FRAMEWORK_UNKNOWN otherwise. */
export function frameworkOf(name: string): ModelFramework {
  const f = frameworks.get(name);
  if (!f) throw errors.FRAMEWORK_UNKNOWN({ framework: name, known: [...frameworks.keys()].join(', ') });
  return f;
}

registerFramework({ name: 'onnx', artifact: 'required', inspect: inspectOnnx, extension: 'onnx' });
registerFramework({ name: 'http', artifact: 'none', validateSpec: validateHttpSpec });
