import type { ModelData, RecsStats } from './model.js';
import type { NeighbourLists } from './neighbours.js';
import type { BlendWeights } from './options.js';

/** "RRECS" and a format version; a model from a newer Rouge fails loudly instead of being misread. */
const MAGIC = [0x52, 0x52, 0x45, 0x43, 0x53, 0x00, 0x00, 0x01];

type ArrayKind = 'f32' | 'i32' | 'u32';
type AnyArray = Float32Array | Int32Array | Uint32Array;
interface ArrayEntry {
  name: string;
  kind: ArrayKind;
  length: number;
  offset: number;
}
interface Header {
  ids: string[];
  blend: BlendWeights;
  historyLength: number;
  stats: RecsStats;
  arrays: ArrayEntry[];
}

const LISTS = ['next', 'prev', 'co', 'content', 'basket'] as const;

function kindOf(a: AnyArray): ArrayKind {
  return a instanceof Float32Array ? 'f32' : a instanceof Int32Array ? 'i32' : 'u32';
}

/**
 * Layout: 8 magic bytes, a uint32 header length, the JSON header (ids, blend,
 * stats, where each array starts), then the typed arrays, each 8-byte
 * aligned so load() can view them in place without copying element by element.
 */
export function encodeModel(d: ModelData): Uint8Array {
  const arrays: [string, AnyArray][] = [
    ['pop', d.pop],
    ['trend', d.trend],
    ['popOrder', d.popOrder],
    ['trendOrder', d.trendOrder],
  ];
  for (const name of LISTS) {
    const l = d[name];
    arrays.push([`${name}.offsets`, l.offsets], [`${name}.idx`, l.idx], [`${name}.val`, l.val]);
  }
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    entries.push({ name, kind: kindOf(a), length: a.length, offset });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header: Header = { ids: d.ids, blend: d.blend, historyLength: d.historyLength, stats: d.stats, arrays: entries };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((12 + json.length) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  arrays.forEach(([, a], i) => out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + entries[i]!.offset));
  return out;
}

/** Reads what encodeModel wrote; throws on anything else. */
export function decodeModel(bytes: Uint8Array): ModelData {
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('not a Rouge recommendation model (bad magic bytes)');
  // A copy at offset 0 makes every array 8-byte aligned, whatever buffer the caller's bytes live in.
  const buf = bytes.slice().buffer;
  const headerLength = new DataView(buf).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 12, headerLength))) as Header;
  const dataStart = Math.ceil((12 + headerLength) / 8) * 8;
  const get = (name: string): AnyArray => {
    const e = header.arrays.find((a) => a.name === name);
    if (!e) throw new Error(`model file lacks array ${name}`);
    const at = dataStart + e.offset;
    return e.kind === 'f32' ? new Float32Array(buf, at, e.length) : e.kind === 'i32' ? new Int32Array(buf, at, e.length) : new Uint32Array(buf, at, e.length);
  };
  const list = (name: string): NeighbourLists => ({
    offsets: get(`${name}.offsets`) as Uint32Array,
    idx: get(`${name}.idx`) as Int32Array,
    val: get(`${name}.val`) as Float32Array,
  });
  return {
    ids: header.ids,
    blend: header.blend,
    historyLength: header.historyLength,
    stats: header.stats,
    pop: get('pop') as Float32Array,
    trend: get('trend') as Float32Array,
    popOrder: get('popOrder') as Int32Array,
    trendOrder: get('trendOrder') as Int32Array,
    next: list('next'),
    prev: list('prev'),
    co: list('co'),
    content: list('content'),
    basket: list('basket'),
  };
}
