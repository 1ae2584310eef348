import { describe, expect, it } from 'vitest';
import { dayPosition } from './budget-day.js';
import { pacedOut } from './pacing.js';
import { predictedCtr, PRIOR_CTR } from './quality.js';

describe('pacing', () => {
  it('lets a campaign spend its daily budget evenly, 5% ahead at most', () => {
    // 10,000 a day: by 06:00 (a quarter of the day) at most 3,000 may be spent.
    expect(pacedOut(2_999, 10_000, 0.25)).toBe(false);
    expect(pacedOut(3_001, 10_000, 0.25)).toBe(true);
    // Just after midnight only the slack is available; by the end of the day all of it.
    expect(pacedOut(600, 10_000, 0)).toBe(true);
    expect(pacedOut(9_999, 10_000, 0.99)).toBe(false);
  });
});

describe('the budget day', () => {
  it('runs in the project\'s time zone', () => {
    const at = Date.parse('2026-12-06T20:00:00Z');
    expect(dayPosition('UTC', at)).toEqual({ day: '2026-12-06', fraction: 20 / 24 });
    // 01:30 the next morning in India.
    expect(dayPosition('Asia/Kolkata', at)).toEqual({ day: '2026-12-07', fraction: 1.5 / 24 });
    expect(dayPosition('America/Los_Angeles', at)).toEqual({ day: '2026-12-06', fraction: 12 / 24 });
  });
});

describe('predicted CTR', () => {
  it('starts a new product at the prior scaled by relevance, and moves to what it earns', () => {
    expect(predictedCtr(1, 0, 0)).toBeCloseTo(PRIOR_CTR);
    expect(predictedCtr(0.5, 0, 0)).toBeCloseTo(PRIOR_CTR / 2);
    // 10,000 impressions at 10% swamp the prior.
    expect(predictedCtr(0.5, 10_000, 1000)).toBeCloseTo(0.0982, 3);
    // A couple of lucky clicks on five impressions do not make a star.
    expect(predictedCtr(0.5, 5, 2)).toBeLessThan(0.03);
  });
});
