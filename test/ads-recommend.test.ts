/**
 * Sponsored slots inside `:recommend` on both stores: a lipstick search shows
 * sponsored lipsticks of other brands beside the organic ones, never the same
 * product twice, with the fields asked for; a product page sells no ads
 * against its own brand when its recommender says so.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createAdvertisers, createCampaign, eur, keyWithRole, P, productId, stockBeautyShop } from './ads-fixture.js';
import { finished } from './catalog-helpers.js';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';

describe.each(STORE_KINDS)('sponsored slots in :recommend on %s', (storeKind) => {
  let app: FastifyInstance;
  const recommend = async (name: string, body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/recommenders/${name}:recommend`, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    app = await buildTestApp(storeKind, {}, { workerPollMs: 10 });
    await stockBeautyShop(app);
    await createAdvertisers(app);
    // Shoppers look at lipsticks and mascaras of every brand, so the model knows every product.
    const events = [];
    let t = Date.now() - 3600_000;
    for (let u = 0; u < 40; u++) {
      for (const brand of ['Aurelia', 'Belmonde', 'Corail']) {
        const kind = u % 2 === 0 ? 'lip' : 'eye';
        events.push({ eventId: `v-${u}-${brand}`, type: 'view', userId: `u${u}`, itemIds: [productId(brand, kind, 1 + (u % 2))], eventTime: new Date((t += 1000)).toISOString() });
      }
    }
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/userEvents:write`, payload: { events } })).statusCode).toBe(200);
    const op = await app.inject({ method: 'POST', url: `/v1/projects/${P}/recs:train`, payload: { alias: 'champion' } });
    expect(op.statusCode, op.body).toBe(200);
    expect((await finished(app, op.json().name, 60_000)).error).toBeUndefined();
    for (const [name, kind, rules] of [['search', 'search', {}], ['similar', 'similar', { sponsoredOtherBrands: true }]] as const) {
      const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/recommenders`, payload: { name, kind, rules, fields: ['title', 'brand'] } });
      expect(res.statusCode, res.body).toBe(200);
    }
    await createCampaign(app, 'belmonde', { name: 'belmonde-lips', products: [productId('Belmonde', 'lip', 1), productId('Belmonde', 'lip', 3)], bid: eur(50), dailyBudget: eur(10_000) });
    await createCampaign(app, 'corail', { name: 'corail-all', products: [productId('Corail', 'lip', 2), productId('Corail', 'eye', 1)], bid: eur(30), dailyBudget: eur(10_000) });
    await createCampaign(app, 'aurelia', { name: 'aurelia-lips', products: [productId('Aurelia', 'lip', 1)], bid: eur(80), dailyBudget: eur(10_000) });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('shows sponsored lipsticks beside organic lipsticks for "lipstick", with their price and fields, never a product twice', async () => {
    const r = await recommend('search', { query: 'lipstick', limit: 3, sponsoredSlots: 2 });
    expect(r.items).toHaveLength(3);
    expect(r.items.every((i: { id: string }) => i.id.includes('-lip-'))).toBe(true);
    expect(r.sponsored.length).toBeGreaterThan(0);
    expect(r.sponsored.length).toBeLessThanOrEqual(2);
    for (const s of r.sponsored) {
      expect(s.id).toMatch(/-lip-/);
      expect(s).toMatchObject({ rank: expect.any(Number), campaignId: expect.any(String), advertiserId: expect.any(String), resolvedBidId: expect.any(String), cpc: { amount: expect.any(Number), currency: 'EUR' }, title: expect.stringMatching(/lipstick/), brand: expect.any(String) });
    }
    const organic = new Set(r.items.map((i: { id: string }) => i.id));
    expect(r.sponsored.some((s: { id: string }) => organic.has(s.id))).toBe(false);
  });

  it('never sponsors a mascara on a lipstick search, and answers an empty sponsored list when nothing matches', async () => {
    const r = await recommend('search', { query: 'lipstick', limit: 20, sponsoredSlots: 10 });
    expect(r.sponsored.every((s: { id: string }) => s.id.includes('-lip-'))).toBe(true);
    const none = await recommend('search', { query: 'zzzqqq', sponsoredSlots: 2 });
    expect(none).toMatchObject({ matched: false, items: [], sponsored: [] });
    const without = await recommend('search', { query: 'lipstick' });
    expect(without.sponsored).toBeUndefined();
  });

  it('keeps a product page\'s own brand out of its sponsored slots when the recommender asks it', async () => {
    const r = await recommend('similar', { itemIds: [productId('Aurelia', 'lip', 2)], limit: 2, sponsoredSlots: 3 });
    expect(r.sponsored.length).toBeGreaterThan(0);
    expect(r.sponsored.every((s: { id: string; brand: string }) => s.brand !== 'Aurelia' && s.id.includes('-lip-'))).toBe(true);
  });

  it('shows the auction\'s reasons to an ads manager only', async () => {
    const r = await recommend('search', { query: 'lipstick', sponsoredSlots: 1, debug: true });
    expect(r.adsDebug.entries.length).toBeGreaterThan(0);
    const storefront = await keyWithRole(app, 'storefront', 'predictor');
    const plain = await as(app, storefront, 'POST', `/v1/projects/${P}/recommenders/search:recommend`, { query: 'lipstick', limit: 2, sponsoredSlots: 1 });
    expect(plain.statusCode).toBe(200);
    expect(plain.json().sponsored.length).toBe(1);
    expect((await as(app, storefront, 'POST', `/v1/projects/${P}/recommenders/search:recommend`, { query: 'lipstick', sponsoredSlots: 1, debug: true })).statusCode).toBe(403);
  });

  it('refuses more than 10 sponsored slots', async () => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/recommenders/search:recommend`, payload: { query: 'lipstick', sponsoredSlots: 11 } });
    expect(res.statusCode).toBe(400);
  });
});
