/**
 * Recommendations end to end, on both stores: training from events into a
 * rouge-recs version, recommenders as resources, every kind of placement, the
 * rules, live history, the alias hot swap, permissions and bad input.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonOf } from './catalog-helpers.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';
import { PROJECT, stockShop, train, type Shop } from './recommendations-fixture.js';

type Rec = { items: Array<{ id: string; score: number; reason: string; [k: string]: unknown }>; matched: boolean; fallback: boolean; notes: string[]; modelVersion: string; recommendationId: string };
const kindOf = (id: string) => id.replace(/-\d+$/, '');

describe.each(STORE_KINDS)('recommendations on %s', (storeKind) => {
  let app: FastifyInstance;
  let shop: Shop;
  let first: { modelVersion: string; [k: string]: unknown };
  const recommend = async (name: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recommenders/${name}:recommend`, payload: body, headers });
  const ok = async (name: string, body: Record<string, unknown>): Promise<Rec> => {
    const res = await recommend(name, body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Rec;
  };
  const create = async (body: Record<string, unknown>) => app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recommenders`, payload: body });

  beforeAll(async () => {
    app = await buildTestApp(storeKind, {}, { workerPollMs: 10 });
    shop = await stockShop(app);
    first = await train(app);
    for (const kind of ['search', 'similar', 'for-you', 'trending', 'popular', 'bought-together']) {
      const res = await create({ name: kind, kind, model: 'recs@champion', fields: ['title', 'brand'] });
      expect(res.statusCode, res.body).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('trains a rouge-recs version from the events, with counts and validation metrics, and moves the alias', async () => {
    expect(first.modelVersion).toBe(`projects/${PROJECT}/models/recs/versions/1`);
    const v = (await app.inject({ url: `/v1/projects/${PROJECT}/models/recs/versions/champion` })).json();
    expect(v).toMatchObject({ framework: 'rouge-recs', versionId: '1' });
    expect(v.versionAliases).toContain('champion');
    expect(v.metadata.items).toBe(shop.cat.items.length);
    expect(v.metadata.interactions).toBeGreaterThan(700);
    expect(v.lineage.operation).toMatch(/^projects\/shop\/operations\//);
  });

  it('search: the query\'s category only, ranked by the model, never another product type', async () => {
    for (const kind of shop.cat.kinds.slice(0, 3)) {
      const r = await ok('search', { query: kind, limit: 20 });
      expect(r.matched).toBe(true);
      expect(r.items.length).toBeGreaterThan(0);
      expect(r.items.every((i) => kindOf(i.id) === kind), JSON.stringify(r.items.map((i) => i.id))).toBe(true);
      expect(new Set(r.items.map((i) => i.reason))).toEqual(new Set(['query_match']));
      expect(r.modelVersion).toBe(first.modelVersion);
    }
  });

  it('search: the query\'s other words order the category\'s items ("red lipstick" puts red lipsticks first)', async () => {
    const kind = shop.cat.kinds[1]!;
    const adjective = shop.cat.adjectives[2]!;
    const carrying = shop.cat.items.filter((i) => i.id.startsWith(`${kind}-`) && i.title.includes(adjective) && !shop.outOfStock.includes(i.id)).map((i) => i.id);
    expect(carrying.length).toBeGreaterThan(0);
    const r = await ok('search', { query: `${adjective} ${kind}`, limit: 20, fields: ['title'] });
    expect(r.items.every((i) => kindOf(i.id) === kind)).toBe(true);
    expect(r.items.slice(0, carrying.length).map((i) => i.id).sort()).toEqual([...carrying].sort());
  });

  it('search: a query that matches no category returns no items, matched false and a note', async () => {
    const r = await ok('search', { query: 'qqqxv zzzyw' });
    expect(r).toMatchObject({ items: [], matched: false, fallback: false });
    expect(r.notes[0]).toContain('no category');
  });

  it('similar: other items of the same category, never the item itself, with the fields asked for', async () => {
    const anchor = `${shop.cat.kinds[1]}-3`;
    const r = await ok('similar', { itemIds: [anchor], limit: 8, fields: ['title', 'price', 'categoryPath'] });
    expect(r.items.map((i) => i.id)).not.toContain(anchor);
    const same = r.items.filter((i) => kindOf(i.id) === shop.cat.kinds[1]).length;
    expect(same).toBeGreaterThanOrEqual(6);
    expect(r.items[0]).toHaveProperty('title');
    expect(r.items[0]).toHaveProperty('price');
    expect(r.items[0]).toHaveProperty('categoryPath');
    expect(r.items[0]).not.toHaveProperty('brand');
  });

  it('for-you: a shopper\'s history decides; one with no history gets what is popular, marked as a fallback', async () => {
    const r = await ok('for-you', { userId: 'u4', limit: 10 });
    expect(r.matched).toBe(true);
    const mine = shop.cat.kinds[shop.userKind(4)]!;
    expect(r.items.filter((i) => kindOf(i.id) === mine).length).toBeGreaterThanOrEqual(5);
    const stranger = await ok('for-you', { userId: 'nobody-at-all', limit: 5 });
    expect(stranger.matched).toBe(false);
    expect(stranger.fallback).toBe(true);
    expect(stranger.items).toHaveLength(5);
    expect(stranger.items.every((i) => i.reason === 'fallback_popular')).toBe(true);
  });

  it('for-you reads history live: events written after training count at once', async () => {
    const kind = shop.cat.kinds[5]!;
    const events = [1, 2, 3].map((i) => ({ eventId: `fresh-${i}`, type: 'view', sessionId: 'fresh-session', itemIds: [`${kind}-${i}`], eventTime: new Date().toISOString() }));
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/userEvents:write`, payload: { events } })).statusCode).toBe(200);
    const r = await ok('for-you', { sessionId: 'fresh-session', limit: 6 });
    expect(r.matched).toBe(true);
    // The category browsed, and those bought with it (the fixture's buyers of kinds[k] also buy kinds[k + 1]).
    const near = [kind, shop.cat.kinds[4]!, shop.cat.kinds[0]!];
    expect(r.items.every((i) => near.includes(kindOf(i.id))), JSON.stringify(r.items)).toBe(true);
    expect(r.items.filter((i) => kindOf(i.id) === kind).length).toBeGreaterThanOrEqual(2);
    expect(r.items.map((i) => i.id)).not.toContain(`${kind}-1`);
  });

  it('similar reads the shopper\'s history live: what they viewed a moment ago is left out, the rest still of the same category', async () => {
    const kind = shop.cat.kinds[3]!;
    const anchor = `${kind}-2`;
    const plain = await ok('similar', { itemIds: [anchor], limit: 8 });
    const viewed = plain.items.slice(0, 2).map((i) => i.id);
    const events = viewed.map((id, i) => ({ eventId: `similar-live-${i}`, type: 'view', sessionId: 'similar-session', itemIds: [id], eventTime: new Date().toISOString() }));
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/userEvents:write`, payload: { events } })).statusCode).toBe(200);
    const r = await ok('similar', { itemIds: [anchor], sessionId: 'similar-session', limit: 8 });
    expect(r.matched).toBe(true);
    expect(r.items).toHaveLength(8);
    const ids = r.items.map((i) => i.id);
    for (const id of [...viewed, anchor]) expect(ids).not.toContain(id);
    expect(r.items.filter((i) => kindOf(i.id) === kind).length).toBeGreaterThanOrEqual(6);
  });

  it('bought-together: the complement category comes first', async () => {
    const k = 2;
    const r = await ok('bought-together', { itemIds: [`${shop.cat.kinds[k]}-1`], limit: 5 });
    expect(r.items.length).toBe(5);
    const complement = shop.cat.kinds[(k + 1) % shop.cat.kinds.length]!;
    expect(r.items.filter((i) => kindOf(i.id) === complement).length).toBeGreaterThanOrEqual(1);
  });

  it('trending and popular, optionally inside a category through the filter', async () => {
    const pop = await ok('popular', { limit: 5 });
    expect(pop.items).toHaveLength(5);
    const trending = await ok('trending', { limit: 5 });
    expect(trending.items).toHaveLength(5);
    const kind = shop.cat.kinds[3]!;
    const path = shop.cat.items.find((i) => i.id.startsWith(kind))!.categoryPath.join(' > ');
    const inCat = await ok('popular', { limit: 5, filter: `category = "${path}"` });
    expect(inCat.items.every((i) => kindOf(i.id) === kind)).toBe(true);
  });

  it('never returns an out-of-stock item, whatever the kind', async () => {
    for (const [name, body] of [['popular', { limit: 100 }], ['similar', { itemIds: [`${shop.cat.kinds[0]}-1`], limit: 100 }], ['search', { query: shop.cat.kinds[0], limit: 100 }], ['for-you', { userId: 'u0', limit: 100 }]] as const) {
      const r = await ok(name, body);
      expect(r.items.map((i) => i.id).filter((id) => shop.outOfStock.includes(id)), name).toEqual([]);
    }
  });

  it('applies rules: exclude lists, at most N per brand, boosts, and a standing filter', async () => {
    const kind = shop.cat.kinds[0]!;
    const brand = shop.cat.brands[0]!;
    const res = await create({ name: 'ruled', kind: 'search', model: 'recs@champion', fields: ['brand'], rules: { excludeItemIds: [`${kind}-1`, `${kind}-2`], maxPerBrand: 2, boosts: [{ filter: `brand = "${brand}"`, factor: 100 }] } });
    expect(res.statusCode, res.body).toBe(200);
    const r = await ok('ruled', { query: kind, limit: 10 });
    const ids = r.items.map((i) => i.id);
    expect(ids).not.toContain(`${kind}-1`);
    expect(ids).not.toContain(`${kind}-2`);
    const perBrand = new Map<string, number>();
    for (const i of r.items) perBrand.set(String(i.brand), (perBrand.get(String(i.brand)) ?? 0) + 1);
    expect(Math.max(...perBrand.values())).toBeLessThanOrEqual(2);
    if (r.items.some((i) => i.brand === brand)) expect(r.items[0]!.brand).toBe(brand);
    const filtered = await ok('popular', { limit: 10, filter: `brand = "${brand}"`, fields: ['brand'] });
    expect(filtered.items.every((i) => i.brand === brand)).toBe(true);
  });

  it('excludes what the shopper bought when the rules say so', async () => {
    const res = await create({ name: 'no-repeats', kind: 'for-you', model: 'recs@champion', rules: { excludePurchased: true } });
    expect(res.statusCode).toBe(200);
    const bought = (await app.inject({ url: `/v1/projects/${PROJECT}/userEvents:export` })).body.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.userId === 'u0' && e.type === 'purchase').flatMap((e) => e.itemIds as string[]);
    expect(bought.length).toBeGreaterThan(0);
    const r = await ok('no-repeats', { userId: 'u0', limit: 50 });
    expect(r.items.map((i) => i.id).filter((id) => bought.includes(id))).toEqual([]);
  });

  it('refuses bad input with clear 4xx errors, never a 500', async () => {
    const cases: Array<[string, Record<string, unknown>, number, string]> = [
      ['search', { query: 'x', limit: 0 }, 400, 'INVALID_ARGUMENT'],
      ['search', { query: 'x', limit: 10_000 }, 400, 'INVALID_ARGUMENT'],
      ['search', { query: 'x'.repeat(10_000) }, 400, 'INVALID_ARGUMENT'],
      ['search', { query: '   ' }, 400, 'CONTEXT_MISSING'],
      ['search', {}, 400, 'CONTEXT_MISSING'],
      ['similar', {}, 400, 'CONTEXT_MISSING'],
      ['for-you', {}, 400, 'CONTEXT_MISSING'],
      ['popular', { filter: 'brand ==== 3' }, 400, 'FILTER_INVALID'],
      ['popular', { filter: 'colour = "red"' }, 400, 'FILTER_INVALID'],
      ['nope', { limit: 3 }, 404, 'RECOMMENDER_NOT_FOUND'],
    ];
    for (const [name, body, status, reason] of cases) {
      const res = await recommend(name, body);
      expect(res.statusCode, `${name} ${JSON.stringify(body).slice(0, 80)}: ${res.body.slice(0, 300)}`).toBe(status);
      if (reason !== 'INVALID_ARGUMENT') expect(reasonOf(res)).toBe(reason);
    }
  });

  it('answers unknown context items with a note and a fallback, not an error', async () => {
    const r = await ok('similar', { itemIds: ['no-such-item'], limit: 4 });
    expect(r.matched).toBe(false);
    expect(r.fallback).toBe(true);
    expect(r.items).toHaveLength(4);
    expect(r.notes.join(' ')).toContain('no-such-item');
  });

  it('manages recommenders as resources: get, list, patch with an updateMask, duplicates and non-recs models refused, delete', async () => {
    const got = (await app.inject({ url: `/v1/projects/${PROJECT}/recommenders/similar` })).json();
    expect(got).toMatchObject({ name: `projects/${PROJECT}/recommenders/similar`, kind: 'similar', model: 'recs@champion', fields: ['title', 'brand'] });
    const list = (await app.inject({ url: `/v1/projects/${PROJECT}/recommenders?pageSize=2` })).json();
    expect(list.recommenders).toHaveLength(2);
    expect(list.nextPageToken).toBeTruthy();
    expect((await create({ name: 'similar', kind: 'similar' })).statusCode).toBe(409);
    const patched = await app.inject({ method: 'PATCH', url: `/v1/projects/${PROJECT}/recommenders/similar?updateMask=rules`, payload: { rules: { maxPerBrand: 3 }, displayName: 'ignored' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ rules: { maxPerBrand: 3 }, displayName: 'similar' });
    expect((await app.inject({ method: 'PATCH', url: `/v1/projects/${PROJECT}/recommenders/similar?updateMask=bogus`, payload: {} })).statusCode).toBe(400);
    const badFilter = await create({ name: 'bad-filter', kind: 'popular', rules: { filter: 'nonsense ~ 3' } });
    expect(reasonOf(badFilter)).toBe('FILTER_INVALID');
    await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/models`, payload: { name: 'web' } });
    const { multipart } = await import('./helpers/multipart.js');
    const up = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://127.0.0.1:9'] } }) }]);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/models/web/versions`, headers: up.headers, payload: up.payload })).statusCode).toBe(200);
    const notRecs = await create({ name: 'wrong', kind: 'popular', model: 'web' });
    expect(notRecs.statusCode).toBe(400);
    expect(reasonOf(notRecs)).toBe('MODEL_NOT_RECS');
    expect(reasonOf(await create({ name: 'missing', kind: 'popular', model: 'nothing@champion' }))).toBe('MODEL_NOT_FOUND');
    expect((await app.inject({ method: 'DELETE', url: `/v1/projects/${PROJECT}/recommenders/no-repeats` })).statusCode).toBe(200);
    expect((await recommend('no-repeats', { userId: 'u0' })).statusCode).toBe(404);
  });

  it('lets a storefront\'s predictor key recommend and write events, and nothing else', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'storefront' } });
    await app.inject({ method: 'POST', url: '/v1/projects/storefront/serviceAccounts', payload: { name: 'web' } });
    const key = (await app.inject({ method: 'POST', url: '/v1/projects/storefront/serviceAccounts/web/keys', payload: {} })).json().key as string;
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/bindings`, payload: { principal: 'serviceAccount:web@storefront', role: 'predictor' } })).statusCode).toBe(200);
    const web = bearer(key);
    expect((await recommend('popular', { limit: 2 }, web)).statusCode).toBe(200);
    const ev = { events: [{ eventId: 'web-1', type: 'view', sessionId: 'w', itemIds: [`${shop.cat.kinds[0]}-3`], eventTime: new Date().toISOString() }] };
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/userEvents:write`, headers: web, payload: ev })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recommenders`, headers: web, payload: { name: 'x', kind: 'popular' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recs:train`, headers: web, payload: {} })).statusCode).toBe(403);
  });

  it('answers over real HTTP through the fast lane the same as in-process', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const body = { query: shop.cat.kinds[2], limit: 5 };
    const res = await fetch(`http://127.0.0.1:${port}/v1/projects/${PROJECT}/recommenders/search:recommend`, { method: 'POST', headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const viaHttp = (await res.json()) as Rec;
    const inProcess = await ok('search', body);
    expect(viaHttp.items.map((i) => i.id)).toEqual(inProcess.items.map((i) => i.id));
  });

  it('hot-swaps the model when the alias moves, with no failed request', async () => {
    let stop = false;
    const statuses: number[] = [];
    const versions = new Set<string>();
    const load = (async () => {
      while (!stop) {
        const res = await recommend('similar', { itemIds: [`${shop.cat.kinds[1]}-2`], limit: 3 });
        statuses.push(res.statusCode);
        if (res.statusCode === 200) versions.add(res.json().modelVersion);
      }
    })();
    const second = await train(app, { alias: 'champion' });
    expect(second.modelVersion).toBe(`projects/${PROJECT}/models/recs/versions/2`);
    const { until } = await import('./helpers/until.js');
    await until('the new version to serve', async () => ((await ok('similar', { itemIds: [`${shop.cat.kinds[1]}-2`] })).modelVersion === second.modelVersion ? true : undefined), 15_000);
    stop = true;
    await load;
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(versions.has(first.modelVersion)).toBe(true);
  });

  it('leaves the served model and its alias untouched when a training run is stopped halfway', async () => {
    const { runTraining } = await import('../src/placements/training.js');
    const { catalogModule } = await import('../src/catalog/index.js');
    const { registryModule } = await import('../src/registry/index.js');
    const before = (await app.inject({ url: `/v1/projects/${PROJECT}/models/recs/versions` })).json().versions.length;
    const served = (await ok('popular', { limit: 1 })).modelVersion;
    const stop = new AbortController();
    // Stopped once training has begun, as a killed worker or a cancel would stop it.
    const job = { project: PROJECT, id: 'stopped-run', kind: 'placements.recs.train', attempt: 1, maxAttempts: 1, signal: stop.signal, progress: async (p: Record<string, unknown>) => { if (p.message === 'training') stop.abort(); } };
    await expect(runTraining({ catalog: app.rouge.use(catalogModule), registry: app.rouge.use(registryModule) }, { alias: 'champion' }, job)).rejects.toThrow();
    expect((await app.inject({ url: `/v1/projects/${PROJECT}/models/recs/versions` })).json().versions.length).toBe(before);
    expect((await ok('popular', { limit: 1 })).modelVersion).toBe(served);
  });

  it('refuses to train a project without events, leaving no version behind', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'empty-shop' } });
    const res = await app.inject({ method: 'POST', url: '/v1/projects/empty-shop/recs:train', payload: {} });
    const { finished } = await import('./catalog-helpers.js');
    const op = await finished(app, res.json().name);
    expect(op.error.message).toContain('no user events');
    expect((await app.inject({ url: '/v1/projects/empty-shop/models/recs' })).statusCode).toBe(404);
  });
  it('trains from a JSONL export in the project\'s import area, and refuses a file outside it at once', async () => {
    const { Readable } = await import('node:stream');
    const exported = (await app.inject({ url: `/v1/projects/${PROJECT}/userEvents:export` })).body;
    const key = `imports/${PROJECT}/history.jsonl`;
    await app.rouge.blobs.put(key, Readable.from([`${exported}not json\n`]));
    const r = await train(app, { eventsUri: app.rouge.blobs.uri(key), model: 'recs-from-file' });
    expect(r.modelVersion).toBe(`projects/${PROJECT}/models/recs-from-file/versions/1`);
    expect(r.rejectedLines).toBe(1);
    expect(r.events).toBe(exported.split('\n').filter(Boolean).length);
    const outside = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recs:train`, payload: { eventsUri: app.rouge.blobs.uri('imports/storefront/x.jsonl') } });
    expect(outside.statusCode).toBe(403);
    expect(reasonOf(outside)).toBe('BLOB_URI_OUTSIDE_PROJECT');
  });
});
