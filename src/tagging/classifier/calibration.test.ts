import { describe, expect, it } from 'vitest';
import { chooseThresholds, fitTemperature, wilsonLower, type HeldOut } from './calibration.js';
import { savingsReport, SAVINGS_DEFAULTS } from './savings.js';
import { predict, trainSoftmax } from './softmax.js';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('softmax head', () => {
  it('separates clusters and gives probabilities that sum to one', () => {
    const r = rng(1);
    const rows: Float32Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 90; i++) {
      const c = i % 3;
      rows.push(Float32Array.from({ length: 8 }, (_, j) => (j === c ? 3 : 0) + r()));
      labels.push(c);
    }
    const head = trainSoftmax(rows, labels, ['a', 'b', 'c']);
    const p = predict(head, Float32Array.from({ length: 8 }, (_, j) => (j === 1 ? 3.5 : 0.5)));
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    expect(p[1]).toBeGreaterThan(0.9);
    expect(() => trainSoftmax(rows, labels.map(() => 0), ['a'])).toThrow(/two classes/);
  });
});

describe('calibration and thresholds', () => {
  const held = (logits: number[], label: number): HeldOut => ({ logits: Float64Array.from(logits), label });

  it('softens over-confident scores: a temperature above 1 when confident predictions are often wrong', () => {
    const data = [...Array.from({ length: 30 }, () => held([8, 0], 0)), ...Array.from({ length: 10 }, () => held([8, 0], 1))];
    expect(fitTemperature(data)).toBeGreaterThan(3);
  });

  it('picks per class the loosest threshold whose held-out precision clears the target pessimistically, and never for a class that cannot', () => {
    // Class 0: 40 right at 0.99, then 10 wrong at 0.6; class 1: 3 right only (too few to trust).
    const data = [
      ...Array.from({ length: 40 }, () => held([Math.log(99), 0], 0)),
      ...Array.from({ length: 10 }, () => held([Math.log(1.5), 0], 1)),
      ...Array.from({ length: 3 }, () => held([0, Math.log(99)], 1)),
    ];
    const [t0, t1] = chooseThresholds(data, 1, 2, 0.95);
    expect(t0).toBeCloseTo(0.99, 2);
    expect(t1).toBe(1.01);
    expect(wilsonLower(20, 20, 1)).toBeCloseTo(20 / 21, 3);
  });
});

describe('savings report', () => {
  it('measures precision on the audited sample and prices the work saved', () => {
    const s = savingsReport({ processed: 100, classified: 100, autoAccepted: 80, seconds: 36, tasks: [
      { kind: 'uncertain', state: 'pending', decision: null, n: 20 },
      { kind: 'audit', state: 'resolved', decision: 'accept', n: 9 },
      { kind: 'audit', state: 'resolved', decision: 'reject', n: 1 },
    ] }, SAVINGS_DEFAULTS);
    expect(s).toMatchObject({ autoAcceptedShare: 0.8, sentToReviewShare: 0.2, audit: { sampled: 10, reviewed: 10, confirmed: 9, measuredPrecision: 0.9 }, reviewQueue: { pending: 20, resolved: 10 } });
    // 100 images by hand at 30 s = 0.8333 h; 30 reviews at 5 s = 0.0417 h.
    expect(s.manualWorkAvoided.hours).toBeCloseTo(0.7917, 3);
    expect(s.costPer1000Images.rouge.compute).toBeCloseTo((36 * 2 * 0.04) / 3600 * 10, 4);
  });
});
