import { describe, expect, it } from 'vitest';
import type { Item } from '../catalog/index.js';
import { ProjectItems } from './item-table.js';
import type { ItemMapping } from './loaded-models.js';
import { searchRanking } from './search-ranking.js';

/** 200 zimbars, most popular first; every 40th is red, and a rarely bought one is "plonk". */
function shop(): { map: ItemMapping; ids: string[] } {
  const items = new ProjectItems();
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    const id = `z${i}`;
    ids.push(id);
    const colour = i % 40 === 39 ? 'red' : 'teal';
    const title = `${colour} zimbar${i === 187 ? ' plonk' : ''}`;
    items.put({ name: '', id, title, description: '', brand: 'Tromb', categoryPath: ['Zimbars'], availability: 'in_stock', condition: 'new', attributes: {}, createTime: '', updateTime: '' } satisfies Item);
  }
  const byIndex = ids.map((id) => items.byId.get(id));
  const map: ItemMapping = { items, generation: items.shapeGeneration, byIndex, byCategory: new Map([['Zimbars', Int32Array.from(ids.keys())]]), words: new Map() };
  return { map, ids };
}

describe('searchRanking', () => {
  const all = new Set(['Zimbars']);
  const yes = () => true;

  it('puts items carrying the query\'s other words first, most popular first, however far down the first thousand they are', () => {
    const { map, ids } = shop();
    const r = searchRanking('red zimbar', [], map, all, yes, 6);
    expect(r.slice(0, 5).map((p) => ids[p.item])).toEqual(['z39', 'z79', 'z119', 'z159', 'z199']);
    expect(ids[r[5]!.item]).toBe('z0');
    expect(ids[searchRanking('zimbar plonk', [], map, all, yes, 3)[0]!.item]).toBe('z187');
  });

  it('falls back to popularity when no word tells items apart, and keeps to what the rules accept', () => {
    const { map, ids } = shop();
    expect(searchRanking('zimbar', [], map, all, yes, 3).map((p) => ids[p.item])).toEqual(['z0', 'z1', 'z2']);
    expect(searchRanking('zimbar', [], map, all, (i) => i % 2 === 1, 3).map((p) => ids[p.item])).toEqual(['z1', 'z3', 'z5']);
  });

  it('sees a title change on the next search (the word lists are rebuilt)', () => {
    const { map, ids } = shop();
    expect(ids[searchRanking('zimbar plonk', [], map, all, yes, 1)[0]!.item]).toBe('z187');
    map.items.put({ name: '', id: 'z3', title: 'teal zimbar plonk', description: '', brand: 'Tromb', categoryPath: ['Zimbars'], availability: 'in_stock', condition: 'new', attributes: {}, createTime: '', updateTime: '' });
    expect(ids[searchRanking('zimbar plonk', [], map, all, yes, 1)[0]!.item]).toBe('z3');
  });
});
