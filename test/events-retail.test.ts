/**
 * Google Retail API UserEvent JSON on userEvents:write, mapped onto Rouge's
 * events, and Rouge's own lineItems and page_view. On both stores.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';
import { violationsOf } from './catalog-helpers.js';

const T = '2026-11-30T10:00:00Z';

describe.each(STORE_KINDS)('Retail UserEvents on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'shop' } });
  });
  afterEach(async () => {
    await app.close();
  });
  const write = (events: unknown[]) => app.inject({ method: 'POST', url: '/v1/projects/shop/userEvents:write', payload: { events } });
  const exported = async () => (await app.inject({ url: '/v1/projects/shop/userEvents:export' })).body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('maps every Retail event type Rouge accepts, with visitor, user, products, quantities, prices, revenue and attribution', async () => {
    const res = await write([
      { eventType: 'detail-page-view', visitorId: 'v1', eventTime: T, productDetails: [{ product: { id: 'SKU-1' } }], attributionToken: 'rec-9' },
      { eventType: 'add-to-cart', visitorId: 'v1', userInfo: { userId: 'u1' }, eventTime: T, productDetails: [{ product: { id: 'SKU-1', priceInfo: { price: 499, currencyCode: 'INR' } }, quantity: 2 }], cartId: 'c1' },
      {
        eventType: 'purchase-complete', visitorId: 'v1', userInfo: { userId: 'u1' }, eventTime: '2026-11-30T10:05:00Z',
        productDetails: [{ product: { id: 'SKU-1', priceInfo: { price: 499.5, currencyCode: 'INR' } }, quantity: 2 }, { product: { id: 'SKU-2' }, quantity: 1 }],
        purchaseTransaction: { id: 'o-1', revenue: 1298.99, currencyCode: 'INR' },
      },
      { eventType: 'search', visitorId: 'v2', eventTime: T, searchQuery: 'red lipstick', uri: 'https://shop.example/search?q=red+lipstick' },
      { eventType: 'home-page-view', visitorId: 'v2', eventTime: T },
      { eventType: 'category-page-view', visitorId: 'v2', eventTime: '2026-11-30T10:01:00Z', pageCategories: ['Makeup > Lips'] },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ written: 6, duplicates: 0 });
    const byType: Record<string, Array<Record<string, unknown>>> = {};
    for (const e of await exported()) (byType[String(e.type)] ??= []).push(e);
    expect(byType.view![0]).toMatchObject({ sessionId: 'v1', itemIds: ['SKU-1'], recommendationId: 'rec-9', eventTime: '2026-11-30T10:00:00.000Z' });
    expect(byType.add_to_cart![0]).toMatchObject({ sessionId: 'v1', userId: 'u1', itemIds: ['SKU-1'], lineItems: [{ id: 'SKU-1', quantity: 2, price: { amount: 49900, currency: 'INR' } }] });
    expect(byType.purchase![0]).toMatchObject({
      value: { amount: 129899, currency: 'INR' }, itemIds: ['SKU-1', 'SKU-2'],
      lineItems: [{ id: 'SKU-1', quantity: 2, price: { amount: 49950, currency: 'INR' } }, { id: 'SKU-2', quantity: 1 }],
    });
    expect(byType.search![0]).toMatchObject({ query: 'red lipstick', sessionId: 'v2' });
    expect(byType.page_view!.map((e) => e.pageCategories ?? null)).toEqual([null, ['Makeup > Lips']]);
    expect(String(byType.view![0]!.eventId)).toMatch(/^retail-/);
  });

  it('stores a resent Retail event once (its id is a digest of the event), and a yen revenue in whole yen', async () => {
    const e = { eventType: 'purchase-complete', visitorId: 'v9', eventTime: T, productDetails: [{ product: { id: 'A' }, quantity: 1 }], purchaseTransaction: { revenue: 1200, currencyCode: 'JPY' } };
    expect((await write([e])).json()).toEqual({ written: 1, duplicates: 0 });
    expect((await write([e])).json()).toEqual({ written: 0, duplicates: 1 });
    expect((await exported())[0]!.value).toEqual({ amount: 1200, currency: 'JPY' });
  });

  it('gives two Retail events without an eventTime the arrival time, and never merges them', async () => {
    const e = { eventType: 'home-page-view', visitorId: 'v3' };
    expect((await write([e])).json().written).toBe(1);
    expect((await write([e])).json().written).toBe(1);
    const all = await exported();
    expect(all).toHaveLength(2);
    expect(Date.parse(String(all[0]!.eventTime))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('refuses an unknown type in either shape with the allowed types listed, and bad Retail fields by name', async () => {
    const res = await write([
      { eventId: 'x', type: 'viewed', userId: 'u', eventTime: T },
      { eventType: 'shopping-cart-page-view', visitorId: 'v', eventTime: T },
      { eventType: 'purchase-complete', visitorId: 'v', eventTime: T, purchaseTransaction: { revenue: 10 } },
      { eventType: 'search', visitorId: 'v', eventTime: T, searchQuerry: 'typo' },
      { eventType: 'detail-page-view', eventTime: T, productDetails: [{ product: { id: 'A' } }] },
    ]);
    expect(res.statusCode).toBe(400);
    const v = violationsOf(res);
    expect(v[0]).toMatchObject({ field: 'events[0].type' });
    expect(v[0]!.description).toContain('view, add_to_cart, purchase, search, impression, click, page_view');
    expect(v[1]).toMatchObject({ field: 'events[1].eventType' });
    expect(v[1]!.description).toContain('detail-page-view, add-to-cart, purchase-complete, search, home-page-view, category-page-view');
    expect(v[2]).toMatchObject({ field: 'events[2].purchaseTransaction.revenue.currencyCode' });
    expect(v[3]).toMatchObject({ field: 'events[3].searchQuerry' });
    // No visitorId and no userInfo: nobody to attribute the event to.
    expect(v[4]!.description).toContain('EVENT_WITHOUT_VISITOR');
    expect(await exported()).toEqual([]);
  });

  it('takes Rouge\'s own lineItems and page_view, and refuses a line item with a made-up currency', async () => {
    const ok = await write([
      { eventId: 'p1', type: 'purchase', userId: 'u1', eventTime: T, itemIds: ['A'], value: { amount: 1000, currency: 'EUR' }, lineItems: [{ id: 'A', quantity: 2, price: { amount: 500, currency: 'EUR' } }] },
      { eventId: 'pv', type: 'page_view', sessionId: 's1', eventTime: T, pageCategories: ['Fragrance'] },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);
    const bad = await write([{ eventId: 'p2', type: 'purchase', userId: 'u1', eventTime: T, lineItems: [{ id: 'A', quantity: 1, price: { amount: 5, currency: 'XXQ' } }] }]);
    expect(bad.statusCode).toBe(400);
    expect(violationsOf(bad)[0]!.field).toBe('events[0].lineItems[0].price.currency');
    const [p, pv] = await exported();
    expect(p!.lineItems).toEqual([{ id: 'A', quantity: 2, price: { amount: 500, currency: 'EUR' } }]);
    expect(pv).toMatchObject({ type: 'page_view', pageCategories: ['Fragrance'] });
  });
});
