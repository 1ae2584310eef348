/**
 * A multinomial logistic regression over standardised embeddings, trained in
 * full batches with Adam: on a catalogue's few thousand images it converges in
 * seconds with no native dependency, and its scores calibrate well.
 */
export interface SoftmaxHead {
  classes: string[];
  /** Per feature: subtracted, then divided by `scale`. */
  mean: Float32Array;
  scale: Float32Array;
  /** Row-major, classes x features. */
  weights: Float32Array;
  bias: Float32Array;
}

export interface SoftmaxOptions {
  /** L2 penalty on the weights (on standardised features). */
  l2: number;
  iterations: number;
  learningRate: number;
  /** Weigh each class by the inverse of its frequency, so a rare class is not ignored. */
  balanced: boolean;
}

export const SOFTMAX_DEFAULTS: SoftmaxOptions = { l2: 1e-3, iterations: 300, learningRate: 0.01, balanced: true };

/** Trains a head on rows of equal width; `labels[i]` indexes `classes`. */
export function trainSoftmax(rows: readonly Float32Array[], labels: readonly number[], classes: string[], options: Partial<SoftmaxOptions> = {}): SoftmaxHead {
  const o = { ...SOFTMAX_DEFAULTS, ...options };
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const k = classes.length;
  if (n === 0 || k < 2) throw new Error('training needs rows of at least two classes');
  const { mean, scale } = standardiser(rows, d);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = (rows[i]![j]! - mean[j]!) / scale[j]!;
  const counts = new Float64Array(k);
  for (const l of labels) counts[l]!++;
  const sampleWeight = labels.map((l) => (o.balanced ? n / (k * counts[l]!) : 1) / n);

  const w = new Float32Array(k * d);
  const b = new Float32Array(k);
  const gw = new Float32Array(k * d);
  const gb = new Float32Array(k);
  const adam = { mw: new Float32Array(k * d), vw: new Float32Array(k * d), mb: new Float32Array(k), vb: new Float32Array(k) };
  const p = new Float64Array(k);
  for (let t = 1; t <= o.iterations; t++) {
    gw.fill(0);
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * d;
      scores(x, off, d, w, b, k, p);
      for (let c = 0; c < k; c++) {
        const g = (p[c]! - (labels[i] === c ? 1 : 0)) * sampleWeight[i]!;
        if (g === 0) continue;
        gb[c]! += g;
        const row = c * d;
        for (let j = 0; j < d; j++) gw[row + j]! += g * x[off + j]!;
      }
    }
    for (let j = 0; j < w.length; j++) gw[j]! += o.l2 * w[j]!;
    step(w, gw, adam.mw, adam.vw, t, o.learningRate);
    step(b, gb, adam.mb, adam.vb, t, o.learningRate);
  }
  return { classes, mean, scale, weights: w, bias: b };
}

/** Class probabilities of one embedding, softened or sharpened by `temperature`. */
export function predict(head: SoftmaxHead, embedding: Float32Array, temperature = 1): Float64Array {
  const z = logits(head, embedding);
  softmaxInPlace(z, temperature);
  return z;
}

/** The head's raw class scores for one embedding. */
export function logits(head: SoftmaxHead, embedding: Float32Array): Float64Array {
  const d = head.mean.length;
  const k = head.classes.length;
  const z = new Float32Array(d);
  for (let j = 0; j < d; j++) z[j] = (embedding[j]! - head.mean[j]!) / head.scale[j]!;
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = head.bias[c]!;
    const row = c * d;
    for (let j = 0; j < d; j++) s += head.weights[row + j]! * z[j]!;
    out[c] = s;
  }
  return out;
}

/** The raw scores (logits) of one standardised row into `out`, then softmaxed in place. */
function scores(x: Float32Array, off: number, d: number, w: Float32Array, b: Float32Array, k: number, out: Float64Array): void {
  for (let c = 0; c < k; c++) {
    let s = b[c]!;
    const row = c * d;
    for (let j = 0; j < d; j++) s += w[row + j]! * x[off + j]!;
    out[c] = s;
  }
  softmaxInPlace(out, 1);
}

/** Softmax of logits divided by a temperature, as a new array. */
export function softmax(logits: Float64Array, temperature: number): Float64Array {
  const out = Float64Array.from(logits);
  softmaxInPlace(out, temperature);
  return out;
}

function softmaxInPlace(v: Float64Array, temperature: number): void {
  let max = -Infinity;
  for (const s of v) max = Math.max(max, s / temperature);
  let sum = 0;
  for (let c = 0; c < v.length; c++) sum += v[c] = Math.exp(v[c]! / temperature - max);
  for (let c = 0; c < v.length; c++) v[c]! /= sum;
}

function standardiser(rows: readonly Float32Array[], d: number): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float32Array(d);
  const scale = new Float32Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]! / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) scale[j]! += (r[j]! - mean[j]!) ** 2 / rows.length;
  // A feature constant over the training set (ReLU outputs often are) is left unscaled rather than divided by zero.
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  return { mean, scale };
}

function step(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, t: number, lr: number): void {
  const b1 = 0.9;
  const b2 = 0.999;
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  for (let j = 0; j < p.length; j++) {
    m[j] = b1 * m[j]! + (1 - b1) * g[j]!;
    v[j] = b2 * v[j]! + (1 - b2) * g[j]! * g[j]!;
    p[j]! -= (lr * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + 1e-8);
  }
}
