import { describe, expect, it } from 'vitest';
import { boundedDistance } from './edit-distance.js';
import type { Scored } from './scored.js';
import { TermIndex, type QueryNode } from './term-index.js';

const word = (term: string, bit = 0, extra: Partial<{ fuzzy: number; prefix: boolean }> = {}): QueryNode => ({ kind: 'word', term, bit, fuzzy: 0, prefix: false, ...extra });
const and = (...parts: QueryNode[]): QueryNode => ({ kind: 'and', parts });
const or = (...parts: QueryNode[]): QueryNode => ({ kind: 'or', parts });

/** Hits as id -> score. */
function hits(idx: TermIndex, q: QueryNode): Map<string, number> {
  const r: Scored = idx.search(q);
  const out = new Map<string, number>();
  for (let i = 0; i < r.n; i++) out.set(idx.idOf(r.slots[i]!), r.scores[i]!);
  return out;
}

/** Fields: category, title, brand, description. */
function shop(): TermIndex {
  const idx = new TermIndex([3, 2, 1.5, 0.4]);
  idx.put('a', ['Drev Zimbars', 'Plonk zimbar red', 'Tromb', 'A red zimbar.'], 0);
  idx.put('b', ['Drev Zimbars', 'Plonk zimbar blue', 'Quex', 'A blue zimbar.'], 0);
  idx.put('c', ['Drev Kloots', 'Tromb kloot', 'Tromb', 'Goes with any zimbar.'], 1);
  return idx;
}

describe('TermIndex', () => {
  it('AND needs every word, OR any, and an item matching more query terms scores higher', () => {
    const idx = shop();
    expect([...hits(idx, and(word('zimbar', 0), word('red', 1))).keys()]).toEqual(['a']);
    const any = hits(idx, or(word('zimbar', 0), word('red', 1)));
    expect([...any.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(any.get('a')!).toBeGreaterThan(any.get('b')!);
  });

  it('weighs a word by the field it is in: a category or title word outranks a description mention', () => {
    const r = hits(shop(), word('zimbar'));
    expect(r.get('a')!).toBeGreaterThan(r.get('c')!);
    expect(r.get('b')!).toBeGreaterThan(r.get('c')!);
  });

  it('reports the group each item was put with', () => {
    const idx = shop();
    const r = idx.search(word('kloot'));
    expect(r.n).toBe(1);
    expect(idx.groupOf(r.slots[0]!)).toBe(1);
  });

  it('finds a typo with fuzzy matching and an unfinished word with prefix matching, each below the exact word', () => {
    const idx = shop();
    expect(hits(idx, word('zimbr')).size).toBe(0);
    expect([...hits(idx, word('zimbr', 0, { fuzzy: 1 })).keys()].sort()).toEqual(['a', 'b', 'c']);
    expect([...hits(idx, word('kloo', 0, { prefix: true })).keys()]).toEqual(['c']);
    expect(hits(idx, word('zimbr', 0, { fuzzy: 1 })).get('a')!).toBeLessThan(hits(idx, word('zimbar')).get('a')!);
  });

  it('forgets a replaced text and a removed item, but keeps their terms in the vocabulary', () => {
    const idx = shop();
    idx.put('a', ['Drev Zimbars', 'Plonk zimbar green', 'Tromb', ''], 0);
    expect(hits(idx, word('red')).size).toBe(0);
    expect([...hits(idx, word('green')).keys()]).toEqual(['a']);
    idx.remove('c');
    expect(hits(idx, word('kloot')).size).toBe(0);
    expect(idx.has('kloot')).toBe(true);
    expect(idx.size).toBe(2);
    idx.remove('nope');
    expect(idx.size).toBe(2);
  });

  it('answers after heavy churn (swept postings, renumbered slots) exactly as an index built fresh', () => {
    const texts = (i: number, round: number) => [`Dept Kind${i % 7}s`, `Brand${i % 5} kind${i % 7} r${round % 3}`, `Brand${i % 5}`, `common word ${i % 2 ? 'odd' : 'even'}`];
    const churned = new TermIndex([3, 2, 1.5, 0.4]);
    for (let round = 0; round < 6; round++) for (let i = 0; i < 800; i++) churned.put(`i${i}`, texts(i, round), i % 7);
    for (let i = 0; i < 800; i += 3) churned.remove(`i${i}`);
    const fresh = new TermIndex([3, 2, 1.5, 0.4]);
    for (let i = 0; i < 800; i++) if (i % 3 !== 0) fresh.put(`i${i}`, texts(i, 5), i % 7);
    for (const q of [word('common'), and(word('kind3', 0), word('odd', 1)), or(word('brand2', 0), word('r2', 1)), word('kind', 0, { prefix: true })]) {
      const a = hits(churned, q);
      const b = hits(fresh, q);
      expect(a.size).toBe(b.size);
      for (const [id, score] of b) expect(a.get(id)).toBeCloseTo(score, 9);
    }
  });
});

describe('boundedDistance', () => {
  it('is the edit distance when within the bound, and bound + 1 beyond it', () => {
    expect(boundedDistance('zimbar', 'zimbar', 2)).toBe(0);
    expect(boundedDistance('zimbar', 'zimbr', 2)).toBe(1);
    expect(boundedDistance('zimbar', 'zombor', 2)).toBe(2);
    expect(boundedDistance('zimbar', 'kloot', 2)).toBe(3);
    expect(boundedDistance('ab', 'abcdef', 1)).toBe(2);
  });
});
