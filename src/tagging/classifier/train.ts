import { createHash } from 'node:crypto';
import { BACKBONE, EMBEDDING_WIDTH } from '../vision/backbone.js';
import { argmax, chooseThresholds, fitTemperature, type HeldOut } from './calibration.js';
import { SOFTMAX_DEFAULTS, softmax, trainSoftmax, type SoftmaxOptions } from './softmax.js';
import { meanLogits, type Example, type Tagger } from './tagger.js';
import { canonicalLabel, mappingsFor, type ClassMapping } from './taxonomy.js';

export interface TrainOptions {
  /** Auto-accepted tags must be at least this precise on held-out data (0.95). */
  precisionTarget: number;
  /** Folds of the cross-validation that calibrates and picks thresholds. */
  folds: number;
  /** How pessimistically held-out precision is counted (the Wilson interval's z). */
  z: number;
  head: Partial<SoftmaxOptions>;
  mappings: Readonly<Record<string, Partial<Omit<ClassMapping, 'label'>>>>;
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** The defaults production and `rouge tags evaluate` share; chosen by 5-fold cross-validation on beauty packshots (bench/README.md). */
export const TRAIN_DEFAULTS: TrainOptions = { precisionTarget: 0.95, folds: 5, z: 1, head: { ...SOFTMAX_DEFAULTS, l2: 0.01, iterations: 120, learningRate: 0.03 }, mappings: {} };

/**
 * Trains a tagger on labelled embeddings. Each image is learnt with its
 * mirror image (augmentation); a cross-validation over the examples gives
 * held-out scores, from which the temperature (calibration) and per-class
 * auto-accept thresholds are chosen; the head is then trained on everything.
 * Deterministic: the same examples give the same tagger.
 */
export function trainTagger(input: readonly Example[], options: Partial<TrainOptions> = {}): Tagger {
  const o = { ...TRAIN_DEFAULTS, ...options, head: { ...TRAIN_DEFAULTS.head, ...options.head } };
  const examples = dedupe(input.map((e) => ({ ...e, label: canonicalLabel(e.label) })));
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  if (labels.length < 2) throw new Error(`training needs images of at least two labels; got ${labels.length === 0 ? 'none' : `only ${labels[0]}`}`);
  const y = examples.map((e) => labels.indexOf(e.label));
  const fold = foldsOf(examples, y, o.folds);
  const heldOut: HeldOut[] = new Array(examples.length);
  const total = o.folds + 1;
  for (let f = 0; f < o.folds; f++) {
    o.onProgress?.('cross-validating', f, total);
    const train = examples.flatMap((_, i) => (fold[i] === f ? [] : [i]));
    const head = fit(examples, y, train, labels, o.head);
    for (let i = 0; i < examples.length; i++) if (fold[i] === f) heldOut[i] = { logits: meanLogits(head, examples[i]!.embeddings), label: y[i]! };
  }
  const temperature = fitTemperature(heldOut);
  const thresholds = chooseThresholds(heldOut, temperature, labels.length, o.precisionTarget, o.z);
  o.onProgress?.('training', o.folds, total);
  const head = fit(examples, y, examples.map((_, i) => i), labels, o.head);
  o.onProgress?.('done', total, total);
  return {
    backbone: BACKBONE, classes: mappingsFor(labels, o.mappings), head, temperature, thresholds, precisionTarget: o.precisionTarget,
    validation: { ...heldOutScores(heldOut, temperature, thresholds), examples: examples.length, folds: o.folds }, examples, trainedAt: new Date().toISOString(),
  };
}

/** Accuracy and the auto-accepted share and precision of held-out predictions. */
function heldOutScores(heldOut: readonly HeldOut[], temperature: number, thresholds: readonly number[]): Pick<Tagger['validation'], 'accuracy' | 'autoAcceptShare' | 'autoAcceptPrecision'> {
  let correct = 0;
  let accepted = 0;
  let acceptedCorrect = 0;
  for (const h of heldOut) {
    const p = softmax(h.logits, temperature);
    const best = argmax(p);
    if (best === h.label) correct++;
    if (p[best]! >= thresholds[best]!) {
      accepted++;
      if (best === h.label) acceptedCorrect++;
    }
  }
  return { accuracy: correct / heldOut.length, autoAcceptShare: accepted / heldOut.length, autoAcceptPrecision: accepted ? acceptedCorrect / accepted : 0 };
}

/** A head on the given examples, each seen as itself and as its mirror image. */
function fit(examples: readonly Example[], y: readonly number[], ids: readonly number[], labels: string[], opts: Partial<SoftmaxOptions>) {
  const rows: Float32Array[] = [];
  const ys: number[] = [];
  for (const i of ids) {
    const e = examples[i]!.embeddings;
    rows.push(e.subarray(0, EMBEDDING_WIDTH));
    ys.push(y[i]!);
    if (e.length >= 2 * EMBEDDING_WIDTH) {
      rows.push(e.subarray(EMBEDDING_WIDTH, 2 * EMBEDDING_WIDTH));
      ys.push(y[i]!);
    }
  }
  return trainSoftmax(rows, ys, labels, opts);
}

/** Stratified folds: each label's examples, in an order fixed by their keys, dealt round the folds. */
function foldsOf(examples: readonly Example[], y: readonly number[], k: number): number[] {
  const order = examples.map((e, i) => ({ i, h: createHash('sha256').update(e.key).digest('hex') })).sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  const out = new Array<number>(examples.length);
  const dealt = new Map<number, number>();
  for (const { i } of order) {
    const n = dealt.get(y[i]!) ?? 0;
    out[i] = n % k;
    dealt.set(y[i]!, n + 1);
  }
  return out;
}

/** One example per key (the same image twice is one image); the last label given wins, as a reviewer's correction should. */
function dedupe(examples: readonly Example[]): Example[] {
  const byKey = new Map<string, Example>();
  for (const e of examples) {
    byKey.delete(e.key);
    byKey.set(e.key, e);
  }
  return [...byKey.values()];
}
