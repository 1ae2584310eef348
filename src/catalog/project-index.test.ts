import { describe, expect, it } from 'vitest';
import { toItemRow, type ItemInput } from './items.js';
import { ProjectIndex } from './project-index.js';
import { Synonyms } from './synonyms.js';

const row = (input: Partial<ItemInput> & { id: string }, time = '2026-01-01T00:00:00.000Z') =>
  toItemRow('shop', { title: 'Plonk zimbar', categoryPath: ['Drev', 'Zimbars'], ...input }, time);

describe('a project index version (what cached answers are checked against)', () => {
  it('moves when what the index answers from changes: a new item, its title, brand, category or description, a removal, the synonyms', () => {
    const idx = new ProjectIndex();
    const seen = new Set([idx.version]);
    const moved = (what: string) => {
      expect(seen.has(idx.version), what).toBe(false);
      seen.add(idx.version);
    };
    idx.put(row({ id: 'a' }));
    moved('new item');
    idx.put(row({ id: 'a', title: 'Plonk zimbars' }));
    moved('title');
    idx.put(row({ id: 'a', title: 'Plonk zimbars', brand: 'Tromb' }));
    moved('brand');
    idx.put(row({ id: 'a', title: 'Plonk zimbars', brand: 'Tromb', categoryPath: ['Drev', 'Kloots'] }));
    moved('category');
    idx.put(row({ id: 'a', title: 'Plonk zimbars', brand: 'Tromb', categoryPath: ['Drev', 'Kloots'], description: 'Goes with a kloot.' }));
    moved('description');
    idx.setSynonyms(new Synonyms([['zimbar', 'plonker']]));
    moved('synonyms');
    idx.remove('a');
    moved('removal');
  });

  it('stays when an item comes back with the same searchable text (a price or stock change, a feed re-sending it)', () => {
    const idx = new ProjectIndex();
    idx.put(row({ id: 'a' }));
    const version = idx.version;
    // All a price or stock PATCH brings to the index: the same text with a newer update_time.
    idx.put(row({ id: 'a' }, '2026-01-02T00:00:00.000Z'));
    expect(idx.version).toBe(version);
    expect(idx.latest).toBe('2026-01-02T00:00:00.000Z');
  });

  it('never repeats across indexes, so a rebuilt index does not pass for its predecessor', () => {
    const a = new ProjectIndex();
    const b = new ProjectIndex();
    expect(b.version).toBeGreaterThan(a.version);
  });
});
