import { EMBEDDING_WIDTH } from '../vision/backbone.js';
import { argmax } from './calibration.js';
import { logits, softmax, type SoftmaxHead } from './softmax.js';
import type { ClassMapping } from './taxonomy.js';

/** An image a tagger learns from: its key (the image's SHA-256), its label and its embeddings (image, then mirror image). */
export interface Example {
  key: string;
  label: string;
  embeddings: Float32Array;
}

/** How well a tagger did on data it was not trained on. */
export interface Validation {
  accuracy: number;
  autoAcceptShare: number;
  autoAcceptPrecision: number;
  examples: number;
  folds: number;
}

/** A trained product-type tagger: the head, its calibration and thresholds, and what it was trained on. */
export interface Tagger {
  backbone: string;
  classes: ClassMapping[];
  head: SoftmaxHead;
  temperature: number;
  /** Per class: the calibrated confidence from which a prediction is accepted without review. */
  thresholds: number[];
  precisionTarget: number;
  validation: Validation;
  /** Kept so a retrain from reviewers' decisions starts from everything this one learnt. */
  examples: Example[];
  trainedAt: string;
}

/** A tagger's answer for one image. */
export interface Prediction {
  label: string;
  confidence: number;
  autoAccept: boolean;
  mapping: ClassMapping;
}

/** The label, calibrated confidence and auto-accept decision for an image's embeddings (mean of the image and its mirror). */
export function classify(t: Tagger, embeddings: Float32Array): Prediction {
  const p = probabilities(t, embeddings);
  const best = argmax(p);
  return { label: t.classes[best]!.label, confidence: p[best]!, autoAccept: p[best]! >= t.thresholds[best]!, mapping: t.classes[best]! };
}

/** Calibrated class probabilities: the head's scores averaged over the image and its mirror (linear, so the mean embedding's). */
export function probabilities(t: { head: SoftmaxHead; temperature: number }, embeddings: Float32Array): Float64Array {
  return softmax(meanLogits(t.head, embeddings), t.temperature);
}

/** The head's raw scores averaged over an example's two embeddings. */
export function meanLogits(head: SoftmaxHead, embeddings: Float32Array): Float64Array {
  const a = logits(head, embeddings.subarray(0, EMBEDDING_WIDTH));
  if (embeddings.length < 2 * EMBEDDING_WIDTH) return a;
  const b = logits(head, embeddings.subarray(EMBEDDING_WIDTH, 2 * EMBEDDING_WIDTH));
  for (let c = 0; c < a.length; c++) a[c] = (a[c]! + b[c]!) / 2;
  return a;
}
