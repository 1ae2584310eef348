import { EMBEDDING_WIDTH } from '../vision/backbone.js';
import { dequantise, quantise } from './quantise.js';
import type { Example, Tagger } from './tagger.js';

/** The artifact of a `rouge-tagger` version: JSON, with arrays as base64. */
export const TAGGER_FORMAT = 'rouge-tagger';
const FORMAT_VERSION = 1;

/** A tagger as its artifact's bytes. */
export function serializeTagger(t: Tagger): Buffer {
  const width = 2 * EMBEDDING_WIDTH;
  const q = new Uint8Array(t.examples.length * width);
  t.examples.forEach((e, i) => q.set(quantise(e.embeddings).subarray(0, width), i * width));
  return Buffer.from(JSON.stringify({
    format: TAGGER_FORMAT, formatVersion: FORMAT_VERSION, backbone: t.backbone, trainedAt: t.trainedAt,
    classes: t.classes, temperature: t.temperature, thresholds: t.thresholds, precisionTarget: t.precisionTarget, validation: t.validation,
    head: { features: t.head.mean.length, mean: b64(t.head.mean), scale: b64(t.head.scale), weights: b64(t.head.weights), bias: Array.from(t.head.bias) },
    examples: { count: t.examples.length, keys: t.examples.map((e) => e.key), labels: t.examples.map((e) => e.label), embeddings: Buffer.from(q).toString('base64') },
  }));
}

/** Why an artifact is not a tagger this version of Rouge can use, or undefined with the tagger. */
export function parseTagger(bytes: Buffer): { tagger: Tagger } | { why: string } {
  let f: any;
  try {
    f = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { why: 'it is not JSON' };
  }
  if (f?.format !== TAGGER_FORMAT) return { why: `its "format" is not "${TAGGER_FORMAT}" (train one with rouge tags train)` };
  if (f.formatVersion !== FORMAT_VERSION) return { why: `its formatVersion ${JSON.stringify(f.formatVersion)} is not ${FORMAT_VERSION}` };
  const classes = f.classes;
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c: any) => typeof c?.label === 'string' && typeof c.googleProductCategory === 'string' && typeof c.productType === 'string')) {
    return { why: '"classes" must list at least two {label, googleProductCategory, productType}' };
  }
  const k = classes.length;
  const d = f.head?.features;
  if (d !== EMBEDDING_WIDTH) return { why: `its head takes ${JSON.stringify(d)} features; the backbone gives ${EMBEDDING_WIDTH}` };
  const head = { classes: classes.map((c: any) => c.label as string), mean: f32(f.head.mean), scale: f32(f.head.scale), weights: f32(f.head.weights), bias: Float32Array.from(Array.isArray(f.head.bias) ? f.head.bias : []) };
  if (head.mean.length !== d || head.scale.length !== d || head.weights.length !== k * d || head.bias.length !== k) return { why: 'its head\'s arrays do not match its classes and features' };
  if (!Array.isArray(f.thresholds) || f.thresholds.length !== k || !f.thresholds.every((x: unknown) => typeof x === 'number')) return { why: '"thresholds" must have one number per class' };
  if (!(f.temperature > 0)) return { why: '"temperature" must be a positive number' };
  const n = f.examples?.count ?? 0;
  const q = Buffer.from(String(f.examples?.embeddings ?? ''), 'base64');
  const width = 2 * EMBEDDING_WIDTH;
  if (q.length !== n * width || f.examples.keys?.length !== n || f.examples.labels?.length !== n) return { why: 'its examples do not match their count' };
  const examples: Example[] = [];
  for (let i = 0; i < n; i++) examples.push({ key: String(f.examples.keys[i]), label: String(f.examples.labels[i]), embeddings: dequantise(q.subarray(i * width, (i + 1) * width)) });
  return {
    tagger: {
      backbone: String(f.backbone), classes, head, temperature: f.temperature, thresholds: f.thresholds, precisionTarget: Number(f.precisionTarget),
      validation: f.validation ?? { accuracy: 0, autoAcceptShare: 0, autoAcceptPrecision: 0, examples: 0, folds: 0 }, examples, trainedAt: String(f.trainedAt ?? ''),
    },
  };
}

function b64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function f32(s: unknown): Float32Array {
  const b = Buffer.from(typeof s === 'string' ? s : '', 'base64');
  const out = new Float32Array(Math.floor(b.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}
