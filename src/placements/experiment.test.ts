import { describe, expect, it } from 'vitest';
import { assignVariant, experimentRecommendationId, variantOfRecommendationId, wilson, type Experiment } from './experiment.js';

const split: Experiment = { unit: 'userId', variants: [{ name: 'control', weight: 50 }, { name: 'rerank', weight: 50 }] };

describe('experiments', () => {
  it('assigns a unit to the same variant every time, and splits many units by the weights', () => {
    expect(assignVariant(split, 'p', 'r', 'user-7').name).toBe(assignVariant(split, 'p', 'r', 'user-7').name);
    const counts = { control: 0, rerank: 0 } as Record<string, number>;
    for (let i = 0; i < 10_000; i++) counts[assignVariant(split, 'p', 'r', `user-${i}`).name]!++;
    expect(counts.control! / 10_000).toBeGreaterThan(0.47);
    expect(counts.control! / 10_000).toBeLessThan(0.53);
    const skewed: Experiment = { unit: 'userId', variants: [{ name: 'a', weight: 90 }, { name: 'b', weight: 10 }] };
    let b = 0;
    for (let i = 0; i < 10_000; i++) if (assignVariant(skewed, 'p', 'r', `user-${i}`).name === 'b') b++;
    expect(b / 10_000).toBeGreaterThan(0.08);
    expect(b / 10_000).toBeLessThan(0.12);
  });

  it('carries the recommender and variant in the recommendation id, and only an experiment\'s id names one', () => {
    const id = experimentRecommendationId('9f1c', 'for-you', 'rerank');
    expect(variantOfRecommendationId(id)).toEqual({ recommender: 'for-you', variant: 'rerank' });
    expect(variantOfRecommendationId('5b2e6c1a-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('gives Wilson 95% intervals that stay in [0, 1] and narrow with more trials', () => {
    const [lo, hi] = wilson(10, 100);
    expect(lo).toBeCloseTo(0.0552, 3);
    expect(hi).toBeCloseTo(0.1744, 3);
    expect(wilson(0, 20)[0]).toBe(0);
    expect(wilson(0, 0)).toEqual([0, 1]);
    const [lo2, hi2] = wilson(1000, 10_000);
    expect(hi2 - lo2).toBeLessThan(hi - lo);
  });
});
