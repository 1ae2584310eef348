import * as ort from 'onnxruntime-node';
import type { Signature, TensorSpec } from '../registry/index.js';
import { Batcher, type BatchingOptions, type BatchObserver } from './batcher.js';
import * as errors from './errors.js';
import type { OipRequest, OipTensor, ServedIdentity, ServedModel } from './served-model.js';
import { MAX_TENSOR_DEPTH, ORT_TYPE, describeSignature, flatten, oipType, size, tensorFromJson, tensorToJson } from './tensors.js';

type Feeds = Record<string, ort.Tensor>;

export interface OnnxModelInfo extends ServedIdentity {
  signature: Signature;
  batching?: BatchingOptions | null;
}

/**
 * An ONNX version served in process by onnxruntime-node: one session per
 * deployed model, created at load and warmed with a zero batch. Both protocols
 * build feeds against the signature stored at upload, so a wrong name, type or
 * shape is a 400 that names what the model expects, before the runtime sees it.
 */
export class OnnxModel implements ServedModel {
  readonly framework = 'onnx';
  readonly deployedModelId: string;
  readonly model: string;
  readonly versionId: string;
  readonly displayName: string;
  readonly signature: Signature;
  private readonly batcher: Batcher | undefined;
  private readonly batchable: boolean;
  private readonly expected: string;
  private readonly inputsByName: Map<string, TensorSpec>;

  private constructor(private readonly session: ort.InferenceSession, info: OnnxModelInfo, observe?: BatchObserver) {
    this.deployedModelId = info.deployedModelId;
    this.model = info.model;
    this.versionId = info.versionId;
    this.displayName = info.displayName;
    this.signature = info.signature;
    this.expected = describeSignature(info.signature.inputs, info.signature.outputs);
    this.inputsByName = new Map(info.signature.inputs.map((t) => [t.name, t]));
    // Rows can only be merged when every input leads with the batch dimension.
    this.batchable = info.signature.inputs.every((t) => t.shape.length > 0 && t.shape[0] === -1);
    this.batcher = info.batching && this.batchable ? new Batcher((f) => this.session.run(f), info.batching, observe) : undefined;
  }

  /** Loads the artifact at `path` into a session. */
  static async load(path: string, info: OnnxModelInfo, observe?: BatchObserver): Promise<OnnxModel> {
    // One intra-op thread and no spinning: a server answers many small requests at
    // once, and onnxruntime's default pool of spinning threads burns the CPU the
    // event loop needs (on one pinned core, most of it). Concurrency comes from requests.
    const session = await ort.InferenceSession.create(path, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    } as ort.InferenceSession.SessionOptions);
    return new OnnxModel(session, info, observe);
  }

  private bad(why: string): never {
    throw errors.INPUT_INVALID({ why, signature: this.expected });
  }

  private run(feeds: Feeds, rows: number): Promise<Record<string, ort.Tensor>> {
    return this.batcher ? this.batcher.submit(feeds, rows) : this.session.run(feeds);
  }

  /** Builds one input tensor from per-instance values (Vertex instances). */
  private column(spec: TensorSpec, rowsValues: unknown[]): ort.Tensor {
    const type = ORT_TYPE[spec.datatype];
    if (!type) this.bad(`input ${spec.name} has datatype ${spec.datatype}, which JSON instances cannot carry`);
    const rowDims = spec.shape.slice(1);
    // A model exported with a fixed batch takes exactly that many rows: onnxruntime would fail the run (a 500).
    const batch = spec.shape[0];
    if (batch !== undefined && batch >= 0 && batch !== rowsValues.length) {
      this.bad(`input ${spec.name} takes exactly ${batch} instance${batch === 1 ? '' : 's'} per request (its first dimension is fixed), got ${rowsValues.length}`);
    }
    const direct = rowDims.length === 1 ? numericRows(type, rowsValues, rowDims[0]!) : undefined;
    if (direct) return direct;
    const values: unknown[] = [];
    let shape: number[] | undefined;
    for (const [i, v] of rowsValues.entries()) {
      const f = flatten(v);
      if (!f) this.bad(`instance ${i} of ${spec.name} nests deeper than ${MAX_TENSOR_DEPTH} levels`);
      if (shape === undefined) shape = f.shape;
      else if (f.shape.join() !== shape.join()) this.bad(`instance ${i} has shape [${f.shape.join(',')}] where instance 0 has [${shape.join(',')}]`);
      if (rowDims.length === f.shape.length && rowDims.some((d, k) => d >= 0 && d !== f.shape[k])) {
        this.bad(`instance ${i} of ${spec.name} has shape [${f.shape.join(',')}]`);
      }
      if (rowDims.length !== f.shape.length && !(rowDims.length === 0 && f.shape.length === 0)) {
        this.bad(`instance ${i} of ${spec.name} has ${f.shape.length} dimensions, the model wants ${rowDims.length} per instance`);
      }
      for (const x of f.values) values.push(x);
    }
    const dims = [rowsValues.length, ...(shape ?? [])];
    const t = tensorFromJson(type, values, dims);
    if (!t) this.bad(`input ${spec.name} holds values that are not ${spec.datatype}`);
    return t;
  }

  async predict(instances: unknown[], _parameters: unknown): Promise<unknown[]> {
    if (instances.length === 0) this.bad('instances is empty');
    const inputs = this.signature.inputs;
    const feeds: Feeds = {};
    if (inputs.length === 1) {
      const spec = inputs[0]!;
      feeds[spec.name] = this.column(spec, instances.map((inst) => rowOf(inst, spec.name)));
    } else {
      for (const spec of inputs) {
        feeds[spec.name] = this.column(spec, instances.map((inst, i) => {
          if (typeof inst !== 'object' || inst === null || Array.isArray(inst) || !(spec.name in inst)) this.bad(`instance ${i} must be an object with a value for each input`);
          return (inst as Record<string, unknown>)[spec.name];
        }));
      }
    }
    const outputs = await this.run(feeds, instances.length);
    return splitRows(outputs, this.signature.outputs.map((o) => o.name), instances.length);
  }

  async infer(request: OipRequest): Promise<OipTensor[]> {
    const feeds: Feeds = {};
    let rows = 1;
    for (const input of request.inputs) {
      const spec = this.inputsByName.get(input.name);
      if (!spec) this.bad(`unknown input ${JSON.stringify(input.name)}`);
      if (input.datatype !== spec.datatype) this.bad(`input ${input.name} is ${input.datatype}, not ${spec.datatype}`);
      if (!Array.isArray(input.shape) || input.shape.length !== spec.shape.length || input.shape.some((d, k) => !Number.isInteger(d) || d < 0 || (spec.shape[k]! >= 0 && spec.shape[k] !== d))) {
        this.bad(`input ${input.name} has shape [${Array.isArray(input.shape) ? input.shape.join(',') : input.shape}]`);
      }
      const flat = flatten(input.data);
      if (!flat) this.bad(`input ${input.name} nests deeper than ${MAX_TENSOR_DEPTH} levels`);
      const { values } = flat;
      if (values.length !== size(input.shape)) this.bad(`input ${input.name} has ${values.length} values for shape [${input.shape.join(',')}]`);
      const t = tensorFromJson(ORT_TYPE[spec.datatype]!, values, input.shape);
      if (!t) this.bad(`input ${input.name} holds values that are not ${spec.datatype}`);
      feeds[input.name] = t;
      rows = input.shape[0] ?? 1;
    }
    for (const spec of this.signature.inputs) if (!feeds[spec.name]) this.bad(`input ${spec.name} is missing`);
    const outputs = this.batchable && this.batcher ? await this.run(feeds, rows) : await this.session.run(feeds);
    const wanted = request.outputs?.map((o) => o.name) ?? this.signature.outputs.map((o) => o.name);
    return wanted.map((name) => {
      const t = outputs[name];
      if (!t) this.bad(`unknown output ${JSON.stringify(name)}`);
      return { name, shape: [...t.dims], datatype: oipType(t.type), data: tensorToJson(t) };
    });
  }

  async warm(): Promise<void> {
    const feeds: Feeds = {};
    for (const spec of this.signature.inputs) {
      const dims = spec.shape.map((d) => (d < 0 ? 1 : d));
      const type = ORT_TYPE[spec.datatype] ?? 'float32';
      const n = size(dims);
      const zero = type === 'string' ? '' : type === 'bool' ? false : type === 'int64' || type === 'uint64' ? 0 : 0;
      feeds[spec.name] = tensorFromJson(type, new Array(n).fill(zero), dims) ?? new ort.Tensor('float32', new Float32Array(n), dims);
    }
    await this.session.run(feeds);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** A Vertex instance for a single-input model: a row, or an object keyed by the input name or by "0", "1", ... */
function rowOf(instance: unknown, inputName: string): unknown {
  if (typeof instance !== 'object' || instance === null || Array.isArray(instance)) return instance;
  const obj = instance as Record<string, unknown>;
  if (inputName in obj) return obj[inputName];
  // The official Node client turns a bare list into {"0": .., "1": ..}.
  const keys = Object.keys(obj);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => obj[k]);
  return instance;
}

/**
 * The common Vertex request, rows that are flat lists of numbers for a float
 * input of shape [-1, width], written straight into the typed array. Anything
 * else (nested rows, another type, a bad value) returns undefined and takes the
 * general path, which also words the error.
 */
function numericRows(type: ort.Tensor.Type, rows: unknown[], width: number): ort.Tensor | undefined {
  const Ctor = type === 'float32' ? Float32Array : type === 'float64' ? Float64Array : undefined;
  if (!Ctor) return undefined;
  const first = rows[0];
  if (!Array.isArray(first)) return undefined;
  const w = width >= 0 ? width : first.length;
  const data = new Ctor(rows.length * w);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== w) return undefined;
    const base = r * w;
    for (let k = 0; k < w; k++) {
      const v = row[k];
      if (typeof v !== 'number') return undefined;
      data[base + k] = v;
    }
  }
  return new ort.Tensor(type as 'float32', data as Float32Array, [rows.length, w]);
}

/** One prediction per row: a scalar for one value, a (nested) list otherwise, an object for several outputs. */
function splitRows(outputs: Record<string, ort.Tensor>, names: string[], rows: number): unknown[] {
  // The common case, one float output with one value per row: the row's number itself.
  if (names.length === 1) {
    const t = outputs[names[0]!]!;
    if ((t.type === 'float32' || t.type === 'float64') && t.dims.length >= 1 && size(t.dims.slice(1)) === 1) {
      const data = t.data as Float32Array | Float64Array;
      const predictions: number[] = new Array(rows);
      for (let i = 0; i < rows; i++) predictions[i] = data[i]!;
      return predictions;
    }
  }
  const per = names.map((name) => {
    const t = outputs[name]!;
    const values = tensorToJson(t);
    const rowDims = t.dims.slice(1);
    const rowSize = size(rowDims);
    return (i: number): unknown => {
      const flat = values.slice(i * rowSize, (i + 1) * rowSize);
      if (rowSize === 1) return flat[0];
      return nest(flat, rowDims);
    };
  });
  const predictions: unknown[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    if (per.length === 1) predictions[i] = per[0]!(i);
    else predictions[i] = Object.fromEntries(names.map((n, k) => [n, per[k]!(i)]));
  }
  return predictions;
}

function nest(flat: unknown[], dims: readonly number[]): unknown {
  if (dims.length <= 1) return flat;
  const step = size(dims.slice(1));
  const out: unknown[] = [];
  for (let i = 0; i < dims[0]!; i++) out.push(nest(flat.slice(i * step, (i + 1) * step), dims.slice(1)));
  return out;
}
