import { describe, expect, it } from 'vitest';
import type { ItemRecord } from './item-table.js';
import { RERANK_WIDTH, rerankFeatures, reorder, scoresOf } from './rerank.js';

const record = (category: string, price: number, createTime: string) => ({ category, price: { amount: price, currency: 'INR' }, createTime }) as unknown as ItemRecord;

describe('re-ranking', () => {
  it('builds one row of seven features per candidate, in the documented order', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    const records = [record('Lips', 999, '2026-12-01T00:00:00Z'), record('Eyes', 0, '2026-10-02T00:00:00Z')];
    const rows = rerankFeatures([{ item: 0, score: 2 }, { item: 1, score: 1 }], records, {
      popularity: (i) => (i === 0 ? 1 : 0.25), categories: new Set(['Lips']), history: new Map([['Eyes', 3]]), historyLength: 4, now,
    });
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.length === RERANK_WIDTH)).toBe(true);
    expect(rows[0]).toEqual([1, 1, 1, 3 / 6, 1, 0, 0]);
    expect(rows[1]![0]).toBe(0.5);
    expect(rows[1]![2]).toBeCloseTo(Math.exp(-60 / 30), 6);
    expect(rows[1]!.slice(3)).toEqual([0, 0, 0.75, 0.5]);
  });

  it('reads a score per row from numbers, sigmoid rows, class probabilities or a named output, and refuses anything else', () => {
    expect([...scoresOf([0.2, 0.9], 2)!]).toEqual([0.2, 0.9]);
    expect([...scoresOf([[0.2], [0.9]], 2)!]).toEqual([0.2, 0.9]);
    expect([...scoresOf([[0.8, 0.2], [0.1, 0.9]], 2)!]).toEqual([0.2, 0.9]);
    expect([...scoresOf([{ probability: [0.3] }], 1)!]).toEqual([0.3]);
    expect([...scoresOf([{ label: 1, probabilities: [0.4, 0.6] }, { label: 0, probabilities: [0.9, 0.1] }], 2)!]).toEqual([0.6, 0.1]);
    expect(scoresOf([0.2], 2)).toBeUndefined();
    expect(scoresOf(['high', 0.1], 2)).toBeUndefined();
    expect(scoresOf([{ a: 1, b: 2 }], 1)).toBeUndefined();
  });

  it('orders the re-ranked head by the model and keeps the tail after it, scored below', () => {
    const c = [{ item: 1, score: 9 }, { item: 2, score: 8 }, { item: 3, score: 7 }, { item: 4, score: 6 }];
    const out = reorder(c, Float64Array.from([0.1, 0.7, 0.4]));
    expect(out.map((x) => x.item)).toEqual([2, 3, 1, 4]);
    expect(out[2]!.score).toBeGreaterThan(out[3]!.score);
    const logits = reorder(c, Float64Array.from([-1, 2, 0.5]));
    expect(logits.map((x) => x.item)).toEqual([2, 3, 1, 4]);
    expect(logits.map((x) => x.score)).toEqual([1, 1 / 2, 1 / 3, 1 / 4]);
  });
});
