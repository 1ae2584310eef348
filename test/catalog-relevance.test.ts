import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';
import { finished, generateCatalogue, inventedWords, jsonl, rng } from './catalog-helpers.js';

/**
 * Category relevance on catalogues shaped like real ones, where mass matters:
 * a product type's many items against a few items that mention it often
 * (bundles), and the converse, a small category named by a word against many
 * items that mention it once. Every word is invented (see catalog-helpers).
 */

interface Answer { categories: Array<{ path: string[]; score: number; matchedItems: number }>; items: Array<{ id: string; categoryPath: string[] }>; matched: boolean }

const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);

/** The background: an ordinary generated catalogue, so the words below compete with other categories' for IDF. */
const base = generateCatalogue(21, 20, 40);
const [florb, zanto, glimp, boxWord, quimb, blimp, daily, ...adjectives] = inventedWords(15, rng(2024), [
  ...base.kinds, ...base.departments, ...base.brands.map((b) => b.toLowerCase()), ...base.adjectives,
]);
const brand = (i: number) => base.brands[i % base.brands.length]!;
const adj = (i: number) => adjectives[i % adjectives.length]!;
const FLORBS = 1800;
const BUNDLES = 60;

/** 1,800 florbs in `path`, (optionally) 1,200 glimps beside them, and 60 bundles whose titles name florbs three times. */
function bundleShape(path: string[], others: number): unknown[] {
  return [
    ...base.items,
    ...Array.from({ length: FLORBS }, (_, i) => ({
      id: `F-${i}`, title: `${brand(i)} ${adj(i)} ${i % 3 ? florb : `${florb}s`}`, brand: brand(i), categoryPath: path,
      description: `A ${adj(i + 1)} ${florb} for every day.`,
    })),
    ...Array.from({ length: others }, (_, i) => ({
      id: `G-${i}`, title: `${brand(i)} ${adj(i)} ${glimp}`, brand: brand(i), categoryPath: path, description: `A ${adj(i + 2)} ${glimp}.`,
    })),
    ...Array.from({ length: BUNDLES }, (_, i) => ({
      id: `B-${i}`, title: `${cap(florb!)} trio: ${adj(i)} ${florb}, ${adj(i + 1)} ${florb} and a ${glimp}`, brand: brand(i),
      categoryPath: [`${cap(boxWord!)}es`], description: `Three ${florb}s in a ${boxWord}.`,
    })),
  ];
}

/** Three quimbs in a category named for them, and 1,000 blimps whose titles mention quimb once. */
function nicheShape(): unknown[] {
  return [
    ...base.items,
    ...Array.from({ length: 3 }, (_, i) => ({ id: `Q-${i}`, title: `${brand(i)} ${adj(i)} ${quimb}`, brand: brand(i), categoryPath: [cap(zanto!), `${cap(quimb!)}s`] })),
    ...Array.from({ length: 1000 }, (_, i) => ({
      id: `M-${i}`, title: `${brand(i)} ${adj(i)} ${blimp} with ${quimb} extract`, brand: brand(i), categoryPath: [cap(zanto!), `${cap(blimp!)}s`],
    })),
  ];
}

describe.each(STORE_KINDS)('category relevance where mass matters, on %s (invented words)', (kind) => {
  let app: FastifyInstance;
  const florbs = [cap(zanto!), `${cap(florb!)}s`];
  const dailies = [cap(zanto!), `${cap(daily!)}s`];
  beforeAll(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    const load = async (project: string, items: unknown[]) => {
      await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: project } });
      const res = await app.inject({ method: 'POST', url: `/v1/projects/${project}/catalog/items:import`, headers: { 'content-type': 'application/x-ndjson' }, payload: jsonl(items) });
      expect((await finished(app, res.json().name)).response).toMatchObject({ inserted: items.length, rejected: 0 });
    };
    await load('named', bundleShape(florbs, 0));
    await load('typed', bundleShape(dailies, 1200));
    await load('niche', nicheShape());
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });
  const search = async (project: string, query: string): Promise<Answer> => {
    const res = await app.inject({ url: `/v1/projects/${project}/catalog:search?query=${encodeURIComponent(query)}&pageSize=50` });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('ranks the category of 1,800 florbs above 60 bundles whose titles each name florbs three times', async () => {
    for (const q of [florb!, `${florb}s`, cap(florb!)]) {
      const a = await search('named', q);
      expect(a.categories[0], q).toMatchObject({ path: florbs, score: 1, matchedItems: FLORBS });
      for (const item of a.items) expect(item.categoryPath, q).toEqual(florbs);
    }
  });

  it('does so also when the category path does not name them and holds other products too (florbs only in the titles)', async () => {
    // The case a share-only score got wrong: 60 of 60 bundles match, 1,800 of 3,000 in the big category.
    const a = await search('typed', florb!);
    expect(a.categories[0]).toMatchObject({ path: dailies, score: 1, matchedItems: FLORBS });
    // The first page shows the florbs themselves; the bundles, if kept, come after them.
    for (const item of a.items) expect(item.categoryPath).toEqual(dailies);
  });

  it('still ranks a small category named by the word above 1,000 items whose titles mention it once', async () => {
    const a = await search('niche', quimb!);
    expect(a.categories.map((c) => c.path)).toEqual([[cap(zanto!), `${cap(quimb!)}s`]]);
    expect(a.items.map((i) => i.id).sort()).toEqual(['Q-0', 'Q-1', 'Q-2']);
  });
});
