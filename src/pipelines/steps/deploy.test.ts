import { describe, expect, it } from 'vitest';
import { scaled } from './deploy.js';

describe('traffic scaled around a new model', () => {
  it('keeps the other models\' proportions in whole percents that add up', () => {
    expect(scaled({ a: 70, b: 30 }, 80)).toEqual({ a: 56, b: 24 });
    expect(scaled({ a: 1, b: 1, c: 1 }, 100)).toEqual({ a: 34, b: 33, c: 33 });
    expect(Object.values(scaled({ a: 33, b: 33, c: 34 }, 90)).reduce((s, v) => s + v, 0)).toBe(90);
    expect(scaled({}, 50)).toEqual({});
    expect(scaled({ a: 100 }, 0)).toEqual({});
  });
});
