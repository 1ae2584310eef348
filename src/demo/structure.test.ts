import { describe, expect, it } from 'vitest';
import { generateCatalog } from './catalog.js';
import { generateEvents } from './events.js';
import { Random } from './random.js';
import type { DemoEvent, DemoItem } from './types.js';

// The structure a recommender should find, measured the way an analyst would, on one generated data set.
const options = { baseUrl: 'http://localhost:8080', now: Date.parse('2026-12-01T12:00:00Z'), events: 40_000 };
const items = generateCatalog(options);
const byId = new Map(items.map((i) => [i.id, i]));
const events = [...generateEvents(items, options)];
const leaf = (id: string) => (byId.get(id) as DemoItem).categoryPath.join(' > ');
const viewed = (e: DemoEvent) => (e.type === 'view' ? (e.itemIds ?? []) : []);

function groupBy<T>(values: readonly T[], key: (v: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const v of values) {
    const k = key(v);
    if (k === undefined) continue;
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  return groups;
}

describe('generated sessions', () => {
  it('mostly stay within one top category', () => {
    const sessions = [...groupBy(events, (e) => e.sessionId).values()]
      .map((s) => s.flatMap(viewed).map((id) => (byId.get(id) as DemoItem).categoryPath[0]))
      .filter((tops) => tops.length >= 2);
    const single = sessions.filter((tops) => new Set(tops).size === 1).length / sessions.length;
    expect(sessions.length).toBeGreaterThan(1000);
    expect(single).toBeGreaterThan(0.75);
  });

  it('buy complements together far more often than chance', () => {
    const baskets = events.filter((e) => e.type === 'purchase').map((e) => new Set((e.itemIds ?? []).map(leaf)));
    const lift = (a: string, b: string) => {
      const pa = baskets.filter((s) => s.has(a)).length / baskets.length;
      const pb = baskets.filter((s) => s.has(b)).length / baskets.length;
      const both = baskets.filter((s) => s.has(a) && s.has(b)).length / baskets.length;
      return both / (pa * pb);
    };
    expect(lift('Makeup > Lips > Lipstick', 'Makeup > Lips > Lip Liner')).toBeGreaterThan(3);
    expect(lift('Hair Care > Shampoo', 'Hair Care > Conditioner')).toBeGreaterThan(3);
    expect(lift('Makeup > Nails > Nail Polish', 'Makeup > Nails > Nail Polish Remover')).toBeGreaterThan(3);
    // A pair the generator does not link is bought together about as often as chance says.
    expect(lift('Fragrance > Perfume', 'Makeup > Nails > Nail Polish Remover')).toBeLessThan(1.5);
  });

  it('show each signed-in user leaning to one or two brands, more than the same views shuffled across users do', () => {
    const views = events.filter((e) => e.type === 'view' && e.userId !== undefined);
    const concentration = (owner: (i: number) => string) => {
      const perUser = groupBy(views.map((_, i) => i), owner);
      const shares: number[] = [];
      for (const idx of perUser.values()) {
        if (idx.length < 10) continue;
        const counts = groupBy(idx, (i) => byId.get(views[i]?.itemIds?.[0] as string)?.brand);
        shares.push(Math.max(...[...counts.values()].map((c) => c.length)) / idx.length);
      }
      return shares.reduce((a, b) => a + b, 0) / shares.length;
    };
    const real = concentration((i) => views[i]?.userId as string);
    const owners = new Random(7).shuffle(views.map((e) => e.userId as string));
    const chance = concentration((i) => owners[i] as string);
    expect(real).toBeGreaterThan(0.35);
    expect(real).toBeGreaterThan(1.8 * chance);
  });

  it('concentrate views on a few popular items of each type', () => {
    const views = events.flatMap(viewed);
    const perItem = groupBy(views, (id) => id);
    const lipsticks = items.filter((i) => leaf(i.id) === 'Makeup > Lips > Lipstick').map((i) => perItem.get(i.id)?.length ?? 0).sort((a, b) => b - a);
    const top10 = lipsticks.slice(0, Math.ceil(lipsticks.length / 10)).reduce((a, b) => a + b, 0);
    const all = lipsticks.reduce((a, b) => a + b, 0);
    expect(top10 / all).toBeGreaterThan(0.3);
  });

  it('search with queries shoppers type: type words, colours, finishes, brands, genders', () => {
    const queries = events.filter((e) => e.type === 'search').map((e) => e.query as string);
    expect(queries.length).toBeGreaterThan(1500);
    for (const q of ['lipstick', 'kajal', 'nail polish', 'perfume for men', 'shampoo']) expect(queries).toContain(q);
    expect(queries.some((q) => /^red (lipstick|nail polish)$/.test(q))).toBe(true);
    expect(queries.some((q) => q.startsWith('matte '))).toBe(true);
    const brands = new Set(items.map((i) => i.brand.toLowerCase()));
    expect(queries.some((q) => brands.has(q))).toBe(true);
    for (const q of queries) expect(q).toBe(q.toLowerCase());
  });

  it('follow a "for men" search with men\'s or unisex fragrances', () => {
    const sessions = groupBy(events, (e) => e.sessionId);
    let matching = 0;
    let total = 0;
    for (const s of sessions.values()) {
      if (!s[0]?.query?.endsWith(' for men')) continue;
      for (const id of s.flatMap(viewed)) {
        const gender = byId.get(id)?.attributes.gender;
        if (gender === undefined) continue;
        total++;
        if (gender !== 'women') matching++;
      }
    }
    expect(total).toBeGreaterThan(20);
    expect(matching / total).toBeGreaterThan(0.85);
  });
});
