import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { STORE_KINDS, TEST_DATABASE_URL, TEST_REDIS_URL, openTestStore } from './helpers/stores.js';
import { finished, generateCatalogue, inventedWords, jsonl, reasonOf, rng, until, violationsOf, type GeneratedCatalogue } from './catalog-helpers.js';

const CATEGORIES = 12;
const PER_CATEGORY = 25;

interface Hit { id: string; categoryPath: string[]; title: string; brand: string }
interface Answer { categories: Array<{ path: string[]; score: number }>; items: Hit[]; totalSize: number; matched: boolean; message?: string; nextPageToken?: string }

/** Drops one letter from the middle: the commonest typo. */
const typo = (w: string) => w.slice(0, Math.floor(w.length / 2)) + w.slice(Math.floor(w.length / 2) + 1);
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);

describe.each(STORE_KINDS)('the query-to-category index on %s (generated catalogue, invented category names)', (kind) => {
  let app: FastifyInstance;
  let cat: GeneratedCatalogue;
  beforeAll(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'shop' } });
    cat = generateCatalogue(kind === 'sqlite' ? 7 : 11, CATEGORIES, PER_CATEGORY);
    const res = await app.inject({ method: 'POST', url: '/v1/projects/shop/catalog/items:import', headers: { 'content-type': 'application/x-ndjson' }, payload: jsonl(cat.items) });
    expect((await finished(app, res.json().name)).response).toMatchObject({ inserted: CATEGORIES * PER_CATEGORY, rejected: 0 });
  });
  afterAll(async () => {
    await app.close();
  });
  const search = async (query: string, extra = ''): Promise<Answer> => {
    const res = await app.inject({ url: `/v1/projects/shop/catalog:search?query=${encodeURIComponent(query)}${extra}` });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const pathOf = (k: string) => cat.items.find((i) => i.id.startsWith(`${k}-`))!.categoryPath;

  /** Every returned item sits in the expected category, and that category is the only one. */
  async function expectOnly(query: string, k: string): Promise<Answer> {
    const a = await search(query, '&pageSize=200');
    expect(a.matched, query).toBe(true);
    expect(a.categories.map((c) => c.path), query).toEqual([pathOf(k)]);
    expect(a.items.length, query).toBeGreaterThan(0);
    for (const item of a.items) expect(item.categoryPath, `${query} returned ${item.title}`).toEqual(pathOf(k));
    return a;
  }

  it('maps each category word to its category alone, never to items whose descriptions mention it', async () => {
    for (const k of cat.kinds) {
      const a = await expectOnly(k, k);
      expect(a.totalSize).toBe(PER_CATEGORY);
      expect(a.categories[0]!.score).toBe(1);
    }
  });

  it('treats plurals and capitals as the word itself', async () => {
    for (const k of cat.kinds) {
      await expectOnly(`${k}s`, k);
      await expectOnly(cap(k).toUpperCase(), k);
    }
  });

  it('tolerates a typo', async () => {
    for (const k of cat.kinds) await expectOnly(typo(k), k);
  });

  it('narrows to a brand within a category when both are asked for', async () => {
    const item = cat.items[3]!;
    const k = item.id.split('-')[0]!;
    const a = await expectOnly(`${item.brand} ${k}`, k);
    for (const hit of a.items) expect(hit.brand).toBe(item.brand);
  });

  it('returns nothing for a word the catalogue does not hold, and says so', async () => {
    const [unknown] = inventedWords(1, rng(99), [...cat.kinds, ...cat.departments, ...cat.brands.map((b) => b.toLowerCase()), ...cat.adjectives]);
    const a = await search(unknown!);
    expect(a).toMatchObject({ categories: [], items: [], totalSize: 0, matched: false });
    expect(a.message).toContain('No item in the catalogue matches');
  });

  it('answers queries made of punctuation, or of function words only, with no match and a reason', async () => {
    for (const q of ['!!! ??? ...', '"', '-- && ||', 'the and for']) {
      const a = await search(q);
      expect(a, q).toMatchObject({ categories: [], items: [], matched: false });
      expect(a.message).toContain('no words to search for');
    }
  });

  it('refuses an empty query and a 10,000-character one with a 400 naming the field', async () => {
    const empty = await app.inject({ url: '/v1/projects/shop/catalog:search?query=' });
    expect(empty.statusCode).toBe(400);
    expect(violationsOf(empty)[0]?.field).toBe('query.query');
    const missing = await app.inject({ url: '/v1/projects/shop/catalog:search' });
    expect(reasonOf(missing)).toBe('MISSING_FIELD');
    const long = await app.inject({ url: `/v1/projects/shop/catalog:search?query=${'lipstick '.repeat(1112).slice(0, 10_000)}` });
    expect(long.statusCode).toBe(400);
    expect(violationsOf(long)[0]?.field).toBe('query.query');
  });

  it('answers a 1,000-character query of many words quickly', async () => {
    const q = Array.from({ length: 200 }, (_, i) => cat.kinds[i % cat.kinds.length]).join(' ').slice(0, 1000);
    const started = Date.now();
    const a = await search(q);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(a.matched).toBe(true);
  });

  it('pages through the items of the matched categories', async () => {
    const k = cat.kinds[0]!;
    const first = await search(k, '&pageSize=10');
    expect(first.items).toHaveLength(10);
    const second = await search(k, `&pageSize=10&pageToken=${first.nextPageToken}`);
    const third = await search(k, `&pageSize=10&pageToken=${second.nextPageToken}`);
    expect(third.items).toHaveLength(PER_CATEGORY - 20);
    expect(third.nextPageToken).toBeUndefined();
    const ids = [...first.items, ...second.items, ...third.items].map((i) => i.id);
    expect(new Set(ids).size).toBe(PER_CATEGORY);
  });

  it('uses the project synonyms, and picks up a change at once', async () => {
    const [alias] = inventedWords(1, rng(1234), [...cat.kinds, ...cat.departments, ...cat.brands.map((b) => b.toLowerCase()), ...cat.adjectives]);
    const k = cat.kinds[2]!;
    expect((await search(alias!)).matched).toBe(false);
    const put = await app.inject({ method: 'PUT', url: '/v1/projects/shop/catalog/synonyms', payload: { synonyms: [[alias, k]] } });
    expect(put.statusCode).toBe(200);
    await until('the synonym to apply', async () => ((await search(alias!)).matched ? true : undefined), 5000);
    await expectOnly(alias!, k);
    await expectOnly(`${alias}s`, k);
    expect((await app.inject({ url: '/v1/projects/shop/catalog/synonyms' })).json()).toEqual({ synonyms: [[alias, k]] });
  });

  it('keeps projects apart', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'other' } });
    const a = (await app.inject({ url: `/v1/projects/other/catalog:search?query=${cat.kinds[0]}` })).json();
    expect(a.matched).toBe(false);
  });
});

describe.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)('the search index across processes (PostgreSQL and Redis)', () => {
  it('shows an item written through one process in the search of another within seconds', async () => {
    const store = await openTestStore('postgres');
    const config = { bootstrapAdminKey: ADMIN_KEY, keyPepper: 'p'.repeat(40), redisUrl: TEST_REDIS_URL, cachePrefix: `rt-${randomBytes(4).toString('hex')}:` };
    const a = await buildApp({ config, store });
    const b = await buildApp({ config, store });
    try {
      const auth = bearer(ADMIN_KEY);
      await a.inject({ method: 'POST', url: '/v1/projects', headers: auth, payload: { name: 'shop' } });
      const put = (id: string, title: string) => a.inject({ method: 'PUT', url: `/v1/projects/shop/catalog/items/${id}`, headers: auth, payload: { title, categoryPath: ['Zorp', 'Quimbles'] } });
      await put('Q-1', 'Blue quimble');
      const searchB = async (q: string) => (await b.inject({ url: `/v1/projects/shop/catalog:search?query=${q}`, headers: auth })).json() as Answer;
      const first = await searchB('quimble');
      expect(first, JSON.stringify(first)).toMatchObject({ totalSize: 1 }); // b loads its index from the store
      await put('Q-2', 'Green quimble');
      const started = Date.now();
      await until('process b to see the new item', async () => ((await searchB('green')).totalSize === 1 ? true : undefined), 5000);
      expect(Date.now() - started).toBeLessThan(3000);
      await a.inject({ method: 'DELETE', url: '/v1/projects/shop/catalog/items/Q-1', headers: auth });
      await until('process b to drop the deleted item', async () => ((await searchB('quimble')).totalSize === 1 ? true : undefined), 5000);
    } finally {
      await a.close();
      await b.close();
      await store.close();
    }
  });
});

describe.each(STORE_KINDS)('search refinements on %s (issue #14, item 14)', (kind) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'shop' } });
    // Invented words: "quorblefax" is one product type; "quorble liner" and "fax balm" are others that hold the parts.
    const items = [
      ...[1, 2, 3].map((n) => ({ id: `q-${n}`, title: `Velvet quorblefax ${n}`, brand: n === 1 ? 'Zeta' : 'Omik', categoryPath: ['Faces', 'Quorblefaxes'], price: { amount: n * 1000, currency: 'EUR' }, availability: n === 3 ? 'out_of_stock' : 'in_stock' })),
      { id: 'l-1', title: 'Quorble liner', categoryPath: ['Faces', 'Liners'] },
      { id: 'b-1', title: 'Fax balm', categoryPath: ['Faces', 'Balms'] },
    ];
    const res = await app.inject({ method: 'POST', url: '/v1/projects/shop/catalog/items:import', headers: { 'content-type': 'application/x-ndjson' }, payload: jsonl(items) });
    await finished(app, res.json().name);
  });
  afterAll(async () => {
    await app.close();
  });
  const search = async (query: string, extra = '') => (await app.inject({ url: `/v1/projects/shop/catalog:search?query=${encodeURIComponent(query)}${extra}` })).json() as Answer;

  it('joins words split by the shopper when the catalogue holds the joined word', async () => {
    const split = await search('quorble fax');
    expect(split.categories[0]!.path).toEqual(['Faces', 'Quorblefaxes']);
    expect(split.items.map((i) => i.id).sort()).toEqual(['q-1', 'q-2', 'q-3']);
  });

  it('keeps only the matched items that pass a filter, and refuses a bad one', async () => {
    const inStock = await search('quorblefax', `&filter=${encodeURIComponent('availability = "in_stock" AND price.amount <= 2000')}`);
    expect(inStock.items.map((i) => i.id)).toEqual(expect.arrayContaining(['q-1', 'q-2']));
    expect(inStock.items).toHaveLength(2);
    expect((await search('quorblefax', `&filter=${encodeURIComponent('brand = "Zeta"')}`)).items.map((i) => i.id)).toEqual(['q-1']);
    const bad = await app.inject({ url: `/v1/projects/shop/catalog:search?query=quorblefax&filter=${encodeURIComponent('colour = "red"')}` });
    expect([bad.statusCode, reasonOf(bad)]).toEqual([400, 'FILTER_INVALID']);
  });
});
