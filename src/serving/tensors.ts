import * as ort from 'onnxruntime-node';
import type { TensorSpec } from '../registry/index.js';

/** The values each integer type holds: anything outside is refused rather than wrapped. */
const INT_RANGE: Partial<Record<ort.Tensor.Type, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], int32: [-2147483648, 2147483647], uint32: [0, 4294967295],
};

/** Open Inference Protocol datatype -> onnxruntime element type. */
export const ORT_TYPE: Record<string, ort.Tensor.Type> = {
  FP32: 'float32', FP64: 'float64', FP16: 'float16', INT8: 'int8', UINT8: 'uint8', INT16: 'int16', UINT16: 'uint16',
  INT32: 'int32', UINT32: 'uint32', INT64: 'int64', UINT64: 'uint64', BOOL: 'bool', BYTES: 'string',
};
const OIP_TYPE: Record<string, string> = Object.fromEntries(Object.entries(ORT_TYPE).map(([k, v]) => [v, k]));

/** The OIP datatype of an onnxruntime tensor. */
export function oipType(t: ort.Tensor.Type): string {
  return OIP_TYPE[t] ?? t.toUpperCase();
}

// IEEE 754 half precision, for FP16 tensors sent as JSON numbers.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  let exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00 | (((x >>> 23) & 0xff) === 0xff && mant ? 0x200 : 0);
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >> (1 - exp);
    return sign | ((m + 0x1000) >> 13);
  }
  return sign | (exp << 10) | ((mant + 0x1000) >> 13);
}
function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

/**
 * A float16 tensor that hands onnxruntime its IEEE bit patterns. Where there is a Float16Array (Node 24),
 * onnxruntime-common turns a Uint16Array into a Float16Array view, and the binding of onnxruntime-node 1.30
 * reads a Float16Array input as 0 bytes ("not enough space: expected 12, got 0"; microsoft/onnxruntime
 * PR 32323); it takes a Uint16Array, so the tensor keeps that one.
 */
export function float16Tensor(bits: Uint16Array, dims: readonly number[]): ort.Tensor {
  const t = new ort.Tensor('float16', bits, dims);
  if (t.data !== bits) (t as unknown as { cpuData: unknown }).cpuData = bits;
  return t;
}

/**
 * Builds a typed tensor from flat JSON values. Returns undefined when a value
 * does not fit the type (the caller reports which input and what it expects).
 */
export function tensorFromJson(type: ort.Tensor.Type, values: unknown[], dims: number[]): ort.Tensor | undefined {
  const n = values.length;
  switch (type) {
    case 'float32': case 'float64': case 'int8': case 'uint8': case 'int16': case 'uint16': case 'int32': case 'uint32': {
      const Ctor = { float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array }[type];
      const data = new Ctor(n);
      const range = INT_RANGE[type];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') return undefined;
        // A typed array would wrap 300 into a UINT8 as 44 without a word: out of range is the caller's error.
        if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) return undefined;
        data[i] = v;
      }
      return new ort.Tensor(type, data, dims);
    }
    case 'int64': case 'uint64': {
      const data = type === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
      const [lo, hi] = type === 'int64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        let b: bigint;
        // Beyond 2^53 a JSON number has already lost digits: such values must come as strings.
        if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
        else if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) b = BigInt(v);
        else return undefined;
        if (b < lo || b > hi) return undefined; // BigInt64Array would wrap it
        data[i] = b;
      }
      return new ort.Tensor(type, data, dims);
    }
    case 'float16': {
      const data = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') return undefined;
        data[i] = toHalf(v);
      }
      return float16Tensor(data, dims);
    }
    case 'bool': {
      const data = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'boolean') return undefined;
        data[i] = v ? 1 : 0;
      }
      return new ort.Tensor('bool', data, dims);
    }
    case 'string': {
      // onnxruntime's strings are C strings: one with a NUL would be cut there without a word.
      for (const v of values) if (typeof v !== 'string' || v.includes('\u0000')) return undefined;
      return new ort.Tensor('string', values as string[], dims);
    }
    default:
      return undefined;
  }
}

/** Flat JSON values of a tensor: 64-bit integers become numbers (exact up to 2^53), booleans stay booleans. */
export function tensorToJson(t: ort.Tensor): unknown[] {
  const data = t.data as ArrayLike<unknown>;
  switch (t.type) {
    case 'int64': case 'uint64': return Array.from(data as ArrayLike<bigint>, (v) => Number(v));
    case 'bool': return Array.from(data as ArrayLike<number>, (v) => v !== 0);
    // onnxruntime hands float16 back as bit patterns in a Uint16Array where there is no Float16Array
    // (Node 20 to 23), and as a Float16Array of the values themselves where there is one (Node 24).
    case 'float16': return data instanceof Uint16Array ? Array.from(data, fromHalf) : Array.from(data as ArrayLike<number>);
    case 'string': return Array.from(data as ArrayLike<string>);
    default: return Array.from(data as ArrayLike<number>);
  }
}

/** Deepest nesting a tensor value may have: no model takes 32 dimensions, and recursion must stay bounded. */
export const MAX_TENSOR_DEPTH = 32;

/**
 * Flattens nested JSON arrays (OIP allows nested or flat data), returning the
 * values and the nested shape; undefined when the nesting is deeper than
 * MAX_TENSOR_DEPTH (a 20,000-deep array overflowed the stack, a 500).
 */
export function flatten(value: unknown): { values: unknown[]; shape: number[] } | undefined {
  if (!Array.isArray(value)) return { values: [value], shape: [] };
  const values: unknown[] = [];
  const shape: number[] = [];
  let tooDeep = false;
  const walk = (v: unknown, depth: number) => {
    if (Array.isArray(v)) {
      if (depth >= MAX_TENSOR_DEPTH) {
        tooDeep = true;
        return;
      }
      if (shape.length <= depth) shape.push(v.length);
      for (const x of v) {
        walk(x, depth + 1);
        if (tooDeep) return;
      }
    } else values.push(v);
  };
  walk(value, 0);
  return tooDeep ? undefined : { values, shape };
}

/** Describes a signature for error messages: `X FP32 [-1,4] -> probability FP32 [-1,1]`. */
export function describeSignature(inputs: TensorSpec[], outputs: TensorSpec[]): string {
  const f = (t: TensorSpec) => `${t.name} ${t.datatype} [${t.shape.join(',')}]`;
  return `inputs ${inputs.map(f).join(', ')}${outputs.length ? ` and returns ${outputs.map(f).join(', ')}` : ''}`;
}

/** Product of dimensions. */
export function size(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
