import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { catalogModule, type CatalogFace } from '../src/catalog/index.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { STORE_KINDS, TEST_DATABASE_URL, TEST_REDIS_URL, openTestStore, testCacheConfig } from './helpers/stores.js';
import { finished, generateCatalogue, inventedWords, jsonl, rng, until } from './catalog-helpers.js';

const CATEGORIES = 8;
const PER_CATEGORY = 20;

interface Answer { categories: Array<{ path: string[]; score: number; matchedItems: number }>; matched: boolean }

const typo = (w: string) => w.slice(0, Math.floor(w.length / 2)) + w.slice(Math.floor(w.length / 2) + 1);

describe.each(STORE_KINDS)('matchCategories, the cached query-to-category match, on %s', (kind) => {
  let app: FastifyInstance;
  let catalog: CatalogFace;
  const cat = generateCatalogue(kind === 'sqlite' ? 31 : 37, CATEGORIES, PER_CATEGORY);
  const [unknown] = inventedWords(1, rng(5), [...cat.kinds, ...cat.departments, ...cat.brands.map((b) => b.toLowerCase()), ...cat.adjectives]);
  const pathOf = (k: string) => cat.items.find((i) => i.id.startsWith(`${k}-`))!.categoryPath;

  beforeAll(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    catalog = app.rouge.use(catalogModule);
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'shop' } });
    const res = await app.inject({ method: 'POST', url: '/v1/projects/shop/catalog/items:import', headers: { 'content-type': 'application/x-ndjson' }, payload: jsonl(cat.items) });
    await finished(app, res.json().name);
    await until('the import in search', async () => ((await search(cat.kinds[0]!)).matched ? true : undefined), 5000);
  });
  afterAll(async () => {
    await app.close();
  });
  const search = async (query: string): Promise<Answer> => (await app.inject({ url: `/v1/projects/shop/catalog:search?query=${encodeURIComponent(query)}` })).json();
  const matchedItems = async (k: string) => (await catalog.matchCategories('shop', k)).categories.find((c) => c.path.join('>') === pathOf(k).join('>'))?.matchedItems;

  it('agrees with catalog:search on the categories: category words, typos, brand and word, and a word no item holds', async () => {
    const queries = [...cat.kinds, ...cat.kinds.map(typo), `${cat.items[3]!.brand} ${cat.kinds[0]}`, unknown!, '?!'];
    for (const q of queries) {
      const s = await search(q);
      expect(await catalog.matchCategories('shop', q), q).toEqual({ matched: s.matched, categories: s.categories });
    }
  });

  it('answers a repeated query from the cache, also when it differs only in capitals, accents, punctuation or function words', async () => {
    const k = cat.kinds[1]!;
    const first = await catalog.matchCategories('shop', `${k} ${cat.adjectives[0]}`);
    const before = catalog.queryCacheStats();
    for (const q of [`${k} ${cat.adjectives[0]}`, `  ${k.toUpperCase()}, ${cat.adjectives[0]}!`, `the ${k} for ${cat.adjectives[0]}`]) {
      expect(await catalog.matchCategories('shop', q), q).toBe(first);
    }
    const after = catalog.queryCacheStats();
    expect(after.hits - before.hits).toBe(3);
    expect(after.misses).toBe(before.misses);
    expect(after.size).toBeGreaterThan(0);
    // Shared between callers, so it cannot be changed by one of them.
    expect(() => first.categories.push({ path: [], score: 0, matchedItems: 0 })).toThrow(TypeError);
    // The same counters, for Prometheus.
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(Number(/rouge_catalog_query_cache_total\{result="hit"\} (\d+)/.exec(metrics)?.[1])).toBe(catalog.queryCacheStats().hits);
    expect(Number(/rouge_catalog_query_cache_total\{result="miss"\} (\d+)/.exec(metrics)?.[1])).toBe(catalog.queryCacheStats().misses);
  });

  it('keeps projects apart', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'other' } });
    expect(await catalog.matchCategories('other', cat.kinds[0]!)).toEqual({ matched: false, categories: [] });
    expect((await catalog.matchCategories('shop', cat.kinds[0]!)).matched).toBe(true);
  });

  it('forgets a project\'s answers when an item is written, deleted or imported, so the next answer shows the change', async () => {
    const k = cat.kinds[2]!;
    const path = pathOf(k);
    expect(await matchedItems(k)).toBe(PER_CATEGORY);
    expect(await matchedItems(k)).toBe(PER_CATEGORY); // now cached
    const put = await app.inject({ method: 'PUT', url: '/v1/projects/shop/catalog/items/new-1', payload: { title: `Plain ${k}`, categoryPath: path } });
    expect(put.statusCode).toBe(200);
    await until('the new item in the cached match', async () => ((await matchedItems(k)) === PER_CATEGORY + 1 ? true : undefined), 5000);
    await app.inject({ method: 'DELETE', url: `/v1/projects/shop/catalog/items/${k}-0` });
    await until('the deleted item to leave the cached match', async () => ((await matchedItems(k)) === PER_CATEGORY ? true : undefined), 5000);
    const res = await app.inject({
      method: 'POST', url: '/v1/projects/shop/catalog/items:import', headers: { 'content-type': 'application/x-ndjson' },
      payload: jsonl([1, 2, 3].map((n) => ({ id: `imp-${n}`, title: `Imported ${k}`, categoryPath: path }))),
    });
    await finished(app, res.json().name);
    await until('the imported items in the cached match', async () => ((await matchedItems(k)) === PER_CATEGORY + 3 ? true : undefined), 5000);
    // A query that matched nothing matches once an item holds its word.
    expect((await catalog.matchCategories('shop', unknown!)).matched).toBe(false);
    await app.inject({ method: 'PUT', url: '/v1/projects/shop/catalog/items/new-2', payload: { title: `Odd ${unknown}`, categoryPath: path } });
    await until('the new word to match', async () => ((await catalog.matchCategories('shop', unknown!)).matched ? true : undefined), 5000);
    expect((await catalog.matchCategories('shop', unknown!)).categories.map((c) => c.path)).toEqual([path]);
  });

  it('forgets a project\'s answers when its synonyms change', async () => {
    const [alias] = inventedWords(1, rng(77), [...cat.kinds, ...cat.departments, ...cat.brands.map((b) => b.toLowerCase()), ...cat.adjectives, unknown!]);
    expect((await catalog.matchCategories('shop', alias!)).matched).toBe(false);
    await app.inject({ method: 'PUT', url: '/v1/projects/shop/catalog/synonyms', payload: { synonyms: [[alias, cat.kinds[3]]] } });
    await until('the synonym in the cached match', async () => ((await catalog.matchCategories('shop', alias!)).matched ? true : undefined), 5000);
    expect((await catalog.matchCategories('shop', alias!)).categories.map((c) => c.path)).toEqual([pathOf(cat.kinds[3]!)]);
  });
});

describe.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)('matchCategories across processes (PostgreSQL and Redis)', () => {
  it('forgets in one process the answers an item written through another changed', async () => {
    const store = await openTestStore('postgres');
    // One prefix for both apps: two processes of one deployment, sharing Redis's signals.
    const config = { bootstrapAdminKey: ADMIN_KEY, keyPepper: 'p'.repeat(40), ...testCacheConfig('postgres') };
    const a = await buildApp({ config, store });
    const b = await buildApp({ config, store });
    try {
      const auth = bearer(ADMIN_KEY);
      await a.inject({ method: 'POST', url: '/v1/projects', headers: auth, payload: { name: 'shop' } });
      const put = (id: string, title: string) => a.inject({ method: 'PUT', url: `/v1/projects/shop/catalog/items/${id}`, headers: auth, payload: { title, categoryPath: ['Zorp', 'Quimbles'] } });
      await put('Q-1', 'Blue quimble');
      const inB = b.rouge.use(catalogModule);
      expect((await inB.matchCategories('shop', 'quimble')).categories).toEqual([{ path: ['Zorp', 'Quimbles'], score: 1, matchedItems: 1 }]);
      expect((await inB.matchCategories('shop', 'quimble')).categories[0]!.matchedItems).toBe(1);
      const hitsBefore = inB.queryCacheStats().hits;
      expect(hitsBefore).toBeGreaterThan(0);
      await put('Q-2', 'Green quimble');
      await until('process b to forget its answer', async () => ((await inB.matchCategories('shop', 'quimble')).categories[0]!.matchedItems === 2 ? true : undefined), 5000);
    } finally {
      await a.close();
      await b.close();
      await store.close();
    }
  });
});
