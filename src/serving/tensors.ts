import * as ort from 'onnxruntime-node';
import type { TensorSpec } from '../registry/index.js';

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
 * Builds a typed tensor from flat JSON values. Returns undefined when a value
 * does not fit the type (the caller reports which input and what it expects).
 */
export function tensorFromJson(type: ort.Tensor.Type, values: unknown[], dims: number[]): ort.Tensor | undefined {
  const n = values.length;
  switch (type) {
    case 'float32': case 'float64': case 'int8': case 'uint8': case 'int16': case 'uint16': case 'int32': case 'uint32': {
      const Ctor = { float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array }[type];
      const data = new Ctor(n);
      const integer = type !== 'float32' && type !== 'float64';
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || (integer && !Number.isInteger(v))) return undefined;
        data[i] = v;
      }
      return new ort.Tensor(type, data, dims);
    }
    case 'int64': case 'uint64': {
      const data = type === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v === 'number' && Number.isInteger(v)) data[i] = BigInt(v);
        else if (typeof v === 'string' && /^-?\d+$/.test(v)) data[i] = BigInt(v);
        else return undefined;
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
      return new ort.Tensor('float16', data, dims);
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
      for (const v of values) if (typeof v !== 'string') return undefined;
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
    case 'float16': return Array.from(data as ArrayLike<number>, fromHalf);
    case 'string': return Array.from(data as ArrayLike<string>);
    default: return Array.from(data as ArrayLike<number>);
  }
}

/** Flattens nested JSON arrays (OIP allows nested or flat data), returning the values and the nested shape. */
export function flatten(value: unknown): { values: unknown[]; shape: number[] } {
  if (!Array.isArray(value)) return { values: [value], shape: [] };
  const values: unknown[] = [];
  const shape: number[] = [];
  const walk = (v: unknown, depth: number) => {
    if (Array.isArray(v)) {
      if (shape.length <= depth) shape.push(v.length);
      for (const x of v) walk(x, depth + 1);
    } else values.push(v);
  };
  walk(value, 0);
  return { values, shape };
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
