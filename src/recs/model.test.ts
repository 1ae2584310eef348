import { describe, expect, it } from 'vitest';
import { generateSequences } from './fixtures.js';
import { RecsModel, trainRecs } from './index.js';

const sequences = generateSequences(400, 60);
const model = trainRecs({ sequences }, { tune: false });

describe('RecsModel.recommend', () => {
  it('recovers a planted sequential pattern: p40 follows p3', () => {
    const recs = model.recommend([model.indexOf('p7'), model.indexOf('p3')], 3);
    expect(model.itemId(recs[0]!.item)).toBe('p40');
    expect(recs[0]!.reason).toBe('history');
  });

  it('never recommends an item of the history', () => {
    const history = ['p0', 'p1', 'p2', 'p3'].map((id) => model.indexOf(id));
    const recs = model.recommend(history, 30);
    expect(recs).toHaveLength(30);
    for (const r of recs) expect(history).not.toContain(r.item);
  });

  it('only returns items the accept filter lets through', () => {
    const even = (i: number) => Number(model.itemId(i).slice(1)) % 2 === 0;
    const recs = model.recommend([model.indexOf('p3')], 10, even);
    expect(recs.length).toBe(10);
    for (const r of recs) expect(even(r.item)).toBe(true);
  });

  it('fills up with popular items when the history knows no neighbours', () => {
    const recs = model.recommend([], 5);
    expect(recs.map((r) => r.item)).toEqual(model.popular(5).map((r) => r.item));
    expect(recs.every((r) => r.reason === 'popular')).toBe(true);
  });

  it('skips unknown history entries (-1)', () => {
    expect(model.recommend([-1, model.indexOf('p3')], 1)[0]!.item).toBe(model.indexOf('p40'));
  });

  it('returns as many items as there are when k exceeds them, sorted by score', () => {
    const recs = model.recommend([model.indexOf('p3')], 1000);
    expect(recs).toHaveLength(model.itemCount - 1);
    for (let i = 1; i < recs.length; i++) expect(recs[i - 1]!.score).toBeGreaterThanOrEqual(recs[i]!.score);
  });
});

describe('RecsModel serialisation', () => {
  it('loads back a model that recommends exactly the same', () => {
    const loaded = RecsModel.load(model.serialize());
    expect(loaded.itemCount).toBe(model.itemCount);
    expect(loaded.stats).toEqual(model.stats);
    for (const h of [[], ['p3'], ['p1', 'p9', 'p20']]) {
      const history = h.map((id) => model.indexOf(id));
      expect(loaded.recommend(history, 10)).toEqual(model.recommend(history, 10));
    }
    expect(loaded.similar(3, 5)).toEqual(model.similar(3, 5));
    expect(loaded.trending(5)).toEqual(model.trending(5));
  });

  it('refuses bytes that are not a model', () => {
    expect(() => RecsModel.load(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).toThrow(/not a Rouge recommendation model/);
  });
});

describe('content, baskets, popularity and trending', () => {
  const content = [
    { id: 'new-red', tokens: ['brand:acme', 'colour:red', 'kind:kite'] },
    { id: 'p5', tokens: ['brand:acme', 'kind:kite'] },
    { id: 'p6', tokens: ['brand:other', 'kind:ball'] },
    { id: 'p7', tokens: ['brand:acme', 'colour:red', 'kind:kite'] },
  ];
  const m = trainRecs({ sequences, content, baskets: [['p10', 'p11'], ['p10', 'p11', 'p12'], ['p10', 'p13']] }, { tune: false });

  it('finds similar items by shared tokens for an item without history', () => {
    const sims = m.similar(m.indexOf('new-red'), 3).map((s) => m.itemId(s.item));
    expect(sims[0]).toBe('p7');
    expect(sims).toContain('p5');
    expect(sims).not.toContain('p6');
  });

  it('ranks what was bought together first', () => {
    const bt = m.boughtTogether(m.indexOf('p10'), 5);
    expect(m.itemId(bt[0]!.item)).toBe('p11');
    expect(bt.every((s) => s.reason === 'bought_together')).toBe(true);
  });

  it('trends by recent interactions when times are given', () => {
    const day = 86_400_000;
    const t = trainRecs(
      { sequences: [{ user: 'a', items: ['old', 'old2', 'new'], times: [0, day, 100 * day] }, { user: 'b', items: ['old', 'old2'], times: [0, day] }] },
      { tune: false },
    );
    expect(t.itemId(t.trending(1)[0]!.item)).toBe('new');
    expect(t.itemId(t.popular(1)[0]!.item)).toBe('old');
  });

  it('counts weighted events more in popularity', () => {
    const w = trainRecs({ sequences: [{ user: 'a', items: ['x', 'y'], weights: [1, 5] }, { user: 'b', items: ['x'] }] }, { tune: false });
    expect(w.itemId(w.popular(1)[0]!.item)).toBe('y');
  });
});

describe('trainRecs tuning', () => {
  it('records validation metrics and keeps the planted pattern', () => {
    const tuned = trainRecs({ sequences });
    expect(tuned.stats.validation?.['NDCG@10']).toBeGreaterThan(0);
    expect(tuned.itemId(tuned.recommend([tuned.indexOf('p3')], 1)[0]!.item)).toBe('p40');
  });
});
