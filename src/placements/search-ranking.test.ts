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

  it('asks the rules only about items that could still enter the best, and stops once none ahead can', () => {
    const { map, ids } = shop();
    const asked: number[] = [];
    const r = searchRanking('red zimbar', [], map, all, (i) => (asked.push(i), true), 6);
    expect(r.map((p) => ids[p.item])).toEqual(['z39', 'z79', 'z119', 'z159', 'z199', 'z0']);
    // The first six fill the list; after them only the red ones can pass it.
    expect(asked.map((i) => ids[i])).toEqual(['z0', 'z1', 'z2', 'z3', 'z4', 'z5', 'z39', 'z79', 'z119', 'z159', 'z199']);
  });

  it('lets the matched categories take turns, and goes past the pool when the rules leave too few', () => {
    const items = new ProjectItems();
    const put = (id: string, cat: string) => items.put({ name: '', id, title: `blue ${cat.toLowerCase()}`, description: '', brand: 'Tromb', categoryPath: [cat], availability: 'in_stock', condition: 'new', attributes: {}, createTime: '', updateTime: '' } satisfies Item);
    const ids: string[] = [];
    for (let i = 0; i < 1500; i++) put(`a${i}`, 'Alphas'), ids.push(`a${i}`);
    for (let i = 0; i < 3; i++) put(`b${i}`, 'Betas'), ids.push(`b${i}`);
    const byIndex = ids.map((id) => items.byId.get(id));
    const map: ItemMapping = { items, generation: items.shapeGeneration, byIndex, byCategory: new Map([['Alphas', Int32Array.from({ length: 1500 }, (_, i) => i)], ['Betas', Int32Array.from([1500, 1501, 1502])]]), words: new Map() };
    const both = new Set(['Alphas', 'Betas']);
    expect(searchRanking('blue', [], map, both, () => true, 4).map((p) => ids[p.item])).toEqual(['a0', 'b0', 'a1', 'b1']);
    // Only items far past the first thousand turns pass this filter: they still fill the list, most popular first.
    expect(searchRanking('blue', [], map, new Set(['Alphas']), (i) => i >= 1200, 3).map((p) => ids[p.item])).toEqual(['a1200', 'a1201', 'a1202']);
  });
});
