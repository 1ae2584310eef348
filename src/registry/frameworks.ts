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
 * What a framework read from an artifact at upload. Both parts are stored on
 * the version and shown in its view: `signature` for kinds served through the
 * Open Inference Protocol, `metadata` for anything else a kind wants its
 * runtime or its users to see without downloading the file (a recommender's
 * item count, a tagger's label set). `metadata` must be a JSON object.
 */
export interface ArtifactInfo {
  signature?: Signature;
  metadata?: Record<string, unknown>;
}

/**
 * A kind of model the registry accepts. Frameworks with an artifact inspect it
 * at upload (a file the runtime cannot load is refused there, not at deploy)
 * and may return its signature and metadata; frameworks without one validate
 * a spec. Later modules register their own (`rouge-recs`, `rouge-tagger`).
 */
export interface ModelFramework {
  /** The value of `metadata.framework` in an upload: lower-case letters, digits and hyphens. */
  name: string;
  artifact: 'required' | 'none';
  /**
   * Validates the artifact staged at a local path (already hashed and
   * size-checked) and reads what it can from it; throws ARTIFACT_INVALID,
   * whose message the uploader sees, for a file the kind cannot use.
   */
  inspect?(path: string): Promise<ArtifactInfo>;
  /** Validates and normalises the spec of an artifact-less version; throws SPEC_INVALID. */
  validateSpec?(spec: unknown): Record<string, unknown>;
  /** File extension used when the artifact is downloaded. */
  extension?: string;
}

const frameworks = new Map<string, ModelFramework>();
const FRAMEWORK_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Registers a framework; a later module calls this once from its index.
 * Registering a second, different framework under a taken name is a
 * programming error and throws at import time, so no module can silently
 * replace `onnx` (the same discipline as error reasons).
 *
 * @example
 * import { readFile } from 'node:fs/promises';
 * import { RegistryErrors, registerFramework } from '../registry/index.js';
 *
 * registerFramework({
 *   name: 'rouge-recs',
 *   artifact: 'required',
 *   extension: 'json',
 *   async inspect(path) {
 *     let model: { items?: unknown[] };
 *     try {
 *       model = JSON.parse(await readFile(path, 'utf8'));
 *     } catch (e) {
 *       throw RegistryErrors.ARTIFACT_INVALID({ framework: 'rouge-recs', why: `it is not JSON (${(e as Error).message})` });
 *     }
 *     if (!Array.isArray(model.items)) throw RegistryErrors.ARTIFACT_INVALID({ framework: 'rouge-recs', why: 'it has no "items" array' });
 *     return { metadata: { itemCount: model.items.length } };
 *   },
 * });
 */
export function registerFramework(framework: ModelFramework): void {
  if (!FRAMEWORK_NAME.test(framework.name)) throw new Error(`framework name ${JSON.stringify(framework.name)} must be lower-case letters, digits and hyphens, starting with a letter`);
  if (framework.artifact === 'none' && !framework.validateSpec) throw new Error(`framework ${framework.name} takes no artifact, so it needs validateSpec`);
  const taken = frameworks.get(framework.name);
  if (taken && taken !== framework) throw new Error(`framework ${framework.name} is registered twice`);
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
