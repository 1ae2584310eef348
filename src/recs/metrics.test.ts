import { describe, expect, it } from 'vitest';
import { MetricSums, fullRank, hitAt, ndcgAt, sampledRank } from './metrics.js';

const noTies = () => 0;

describe('ranking metrics', () => {
  it('computes HR and NDCG for hand-worked ranks', () => {
    expect(hitAt(0, 5)).toBe(1);
    expect(hitAt(5, 5)).toBe(0);
    expect(ndcgAt(0, 10)).toBe(1);
    expect(ndcgAt(2, 10)).toBeCloseTo(0.5, 10); // 1 / log2(4)
    expect(ndcgAt(10, 10)).toBe(0);
  });

  it('ranks the target among all items, leaving out the history (-Infinity)', () => {
    const scores = Float64Array.from([0.9, -Infinity, 0.5, 0.7, 0.1]);
    expect(fullRank(scores, 2, noTies)).toBe(2);
    expect(fullRank(scores, 1, noTies)).toBe(Infinity);
  });

  it('breaks ties at random between first and last place among equals', () => {
    const scores = Float64Array.from([1, 1, 1, 1]);
    expect(fullRank(scores, 0, () => 0)).toBe(0);
    expect(fullRank(scores, 0, () => 0.999)).toBe(3);
  });

  it('ranks against the sampled negatives only', () => {
    const scores = Float64Array.from([0.9, 0.8, 0.5, 0.7, 0.1]);
    expect(sampledRank(scores, 2, [4, 3], noTies)).toBe(1);
  });

  it('averages per-user metrics', () => {
    const m = new MetricSums();
    m.addFull(0);
    m.addFull(7);
    const means = m.means(2);
    expect(means['HR@5']).toBe(0.5);
    expect(means['HR@10']).toBe(1);
    expect(means['NDCG@10']).toBeCloseTo((1 + 1 / Math.log2(9)) / 2, 4);
  });
});
