import { softmax } from './softmax.js';

/** A held-out prediction: the head's raw scores for an image, and its true class. */
export interface HeldOut {
  logits: Float64Array;
  label: number;
}

/**
 * The temperature that makes held-out confidences honest (temperature
 * scaling, Guo et al. 2017): the one minimising their negative log-likelihood,
 * found by golden-section search on its logarithm between 1/20 and 20.
 */
export function fitTemperature(heldOut: readonly HeldOut[]): number {
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    let s = 0;
    for (const h of heldOut) s -= Math.log(Math.max(softmax(h.logits, t)[h.label]!, 1e-12));
    return s;
  };
  let lo = Math.log(1 / 20);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  for (let i = 0; i < 60; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nll(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * Per class, the lowest calibrated confidence at which a prediction of that
 * class is accepted without review: the loosest threshold whose held-out
 * predictions above it reach the precision target with `margin` to spare,
 * counted pessimistically (the lower end of a Wilson interval at `z`), so a
 * class with few held-out predictions gets a strict threshold rather than a
 * lucky one. A class that never reaches it gets 1.01: never auto-accepted.
 */
export function chooseThresholds(heldOut: readonly HeldOut[], temperature: number, classes: number, target: number, z = 1): number[] {
  const byClass: Array<Array<{ confidence: number; correct: boolean }>> = Array.from({ length: classes }, () => []);
  for (const h of heldOut) {
    const p = softmax(h.logits, temperature);
    const best = argmax(p);
    byClass[best]!.push({ confidence: p[best]!, correct: best === h.label });
  }
  return byClass.map((preds) => {
    preds.sort((x, y) => y.confidence - x.confidence);
    let correct = 0;
    let threshold = 1.01;
    for (let i = 0; i < preds.length; i++) {
      if (preds[i]!.correct) correct++;
      // Ties share a fate: a threshold can only fall between different confidences.
      if (i + 1 < preds.length && preds[i + 1]!.confidence === preds[i]!.confidence) continue;
      if (wilsonLower(correct, i + 1, z) >= target) threshold = preds[i]!.confidence;
    }
    return threshold;
  });
}

/** The lower end of the Wilson score interval for `k` successes in `n` trials. */
export function wilsonLower(k: number, n: number, z: number): number {
  if (n === 0) return 0;
  const p = k / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

/** The upper end of the same interval. */
export function wilsonUpper(k: number, n: number, z: number): number {
  if (n === 0) return 1;
  return 1 - wilsonLower(n - k, n, z);
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}
