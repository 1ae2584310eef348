import { extensionPoint } from '../platform/index.js';
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

const FRAMEWORK_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Where modules add model kinds. A later module contributes its own from its
 * `RougeModule` declaration, through the registry's face:
 *
 * @example
 * import { readFile } from 'node:fs/promises';
 * import { FRAMEWORKS, RegistryErrors } from '../registry/index.js';
 *
 * export const recsModule: RougeModule = {
 *   name: 'recs',
 *   contributes: [contribute(FRAMEWORKS, {
 *     name: 'rouge-recs',
 *     artifact: 'required',
 *     extension: 'json',
 *     async inspect(path) {
 *       const model = JSON.parse(await readFile(path, 'utf8'));
 *       if (!Array.isArray(model.items)) throw RegistryErrors.ARTIFACT_INVALID({ framework: 'rouge-recs', why: 'it has no "items" array' });
 *       return { metadata: { itemCount: model.items.length } };
 *     },
 *   })],
 *   setup: () => ({ face: {} }),
 * };
 */
export const FRAMEWORKS = extensionPoint<ModelFramework>('registry.frameworks');

/** The kinds every registry knows. */
export const BUILT_IN_FRAMEWORKS: readonly ModelFramework[] = [
  { name: 'onnx', artifact: 'required', inspect: inspectOnnx, extension: 'onnx' },
  { name: 'http', artifact: 'none', validateSpec: validateHttpSpec },
];

/**
 * The frameworks of one app: the built-in ones and every module's
 * contributions. A malformed framework, or two different ones under one name,
 * is a programming error and throws when the app is built, so no module can
 * silently replace `onnx` (the same discipline as error reasons).
 */
export class Frameworks {
  private cached: { from: readonly ModelFramework[]; map: Map<string, ModelFramework> } | undefined;

  constructor(private readonly contributed: () => readonly ModelFramework[]) {
    this.all();
  }

  /** The framework of that name; FRAMEWORK_UNKNOWN otherwise. */
  get(name: string): ModelFramework {
    const all = this.all();
    const f = all.get(name);
    if (!f) throw errors.FRAMEWORK_UNKNOWN({ framework: name, known: [...all.keys()].join(', ') });
    return f;
  }

  /** The map, rebuilt only when the contributions changed (they are added while the app is built, then stay). */
  private all(): Map<string, ModelFramework> {
    const from = this.contributed();
    if (this.cached && this.cached.from.length === from.length && this.cached.from.every((f, i) => f === from[i])) return this.cached.map;
    const out = new Map<string, ModelFramework>();
    for (const f of [...BUILT_IN_FRAMEWORKS, ...from]) {
      checkFramework(f);
      const taken = out.get(f.name);
      if (taken && taken !== f) throw new Error(`framework ${f.name} is registered twice`);
      out.set(f.name, f);
    }
    this.cached = { from: [...from], map: out };
    return out;
  }
}

function checkFramework(framework: ModelFramework): void {
  if (!FRAMEWORK_NAME.test(framework.name)) throw new Error(`framework name ${JSON.stringify(framework.name)} must be lower-case letters, digits and hyphens, starting with a letter`);
  if (framework.artifact === 'none' && !framework.validateSpec) throw new Error(`framework ${framework.name} takes no artifact, so it needs validateSpec`);
}
