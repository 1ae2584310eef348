/**
 * The Topsort drop-in on both stores, driven by Topsort's official SDK
 * (`@topsort/sdk`) over real HTTP with its host set to
 * `<rouge>/v1/projects/{p}/topsort`: an auction, then impressions, clicks and
 * a purchase, checked in Rouge's ledger (the SDK answers `{ok: false}` on a
 * 5xx rather than throwing); and Topsort's error body on every refusal.
 */
import type { AddressInfo } from 'node:net';
import { TopsortClient } from '@topsort/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adsModule } from '../src/ads/index.js';
import { createAdvertisers, createCampaign, eur, keyWithRole, P, productId, stockBeautyShop } from './ads-fixture.js';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';

type Winner = { rank: number; type: string; id: string; resolvedBidId: string; campaignId: string };

describe.each(STORE_KINDS)('the Topsort drop-in on %s', (storeKind) => {
  let app: FastifyInstance;
  let base: string;
  let key: string;
  let client: TopsortClient;
  const raw = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
    fetch(`${base}/v1/projects/${P}/topsort${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    app = await buildTestApp(storeKind);
    await stockBeautyShop(app);
    await createAdvertisers(app);
    await createCampaign(app, 'aurelia', { name: 'aurelia-lips', products: [productId('Aurelia', 'lip', 1), productId('Aurelia', 'lip', 2)], bid: eur(80), dailyBudget: eur(100_000), pacing: 'asap' });
    await createCampaign(app, 'belmonde', { name: 'belmonde-lips', products: [productId('Belmonde', 'lip', 1)], bid: eur(40), dailyBudget: eur(100_000), pacing: 'asap' });
    key = await keyWithRole(app, 'storefront', 'predictor');
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    client = new TopsortClient({ apiKey: key, host: `${base}/v1/projects/${P}/topsort` });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('runs listings auctions for the SDK by product ids and by category, with Topsort\'s result shape', async () => {
    const res = await client.createAuction({
      auctions: [
        { type: 'listings', slots: 2, products: { ids: [productId('Aurelia', 'lip', 1), productId('Belmonde', 'lip', 1), productId('Corail', 'lip', 1)], qualityScores: [0.9, 0.9, 0.9] } },
        { type: 'listings', slots: 3, category: { id: 'Lipstick' }, searchQuery: 'lipstick' },
        { type: 'listings', slots: 1, category: { ids: ['Makeup', 'Mascara'] } },
      ],
    } as never) as unknown as { results: Array<{ resultType: string; winners: Winner[]; error: boolean }> };
    expect(res.results).toHaveLength(3);
    const [byIds, byCategory, none] = res.results;
    expect(byIds).toMatchObject({ resultType: 'listings', error: false });
    expect(byIds!.winners.map((w) => [w.rank, w.type, w.id, w.campaignId])).toEqual([[1, 'product', productId('Aurelia', 'lip', 1), 'aurelia-lips'], [2, 'product', productId('Belmonde', 'lip', 1), 'belmonde-lips']]);
    expect(byCategory!.winners.map((w) => w.id).sort()).toEqual([productId('Aurelia', 'lip', 1), productId('Aurelia', 'lip', 2), productId('Belmonde', 'lip', 1)].sort());
    expect(none).toEqual({ resultType: 'listings', winners: [], error: false });
  });

  it('takes the SDK\'s impressions, clicks and purchase, answers 204, and bills and attributes them in the ledger', async () => {
    const { results } = await client.createAuction({ auctions: [{ type: 'listings', slots: 1, products: { ids: [productId('Aurelia', 'lip', 1)] } }] } as never) as unknown as { results: Array<{ winners: Winner[] }> };
    const w = results[0]!.winners[0]!;
    const now = new Date().toISOString();
    const user = 'opaque-71303ce0';
    expect(await client.reportEvent({
      impressions: [{ id: 'ts-imp-1', occurredAt: now, opaqueUserId: user, resolvedBidId: w.resolvedBidId, placement: { path: '/search?q=lipstick', position: 1 } }],
      clicks: [{ id: 'ts-clk-1', occurredAt: now, opaqueUserId: user, resolvedBidId: w.resolvedBidId, placement: { path: '/search?q=lipstick', position: 1 } }],
      purchases: [{ id: 'ts-ord-1', occurredAt: now, opaqueUserId: user, items: [{ productId: w.id, unitPrice: 12.95, quantity: 2 }] }],
    } as never)).toEqual({ ok: true, retry: false });
    const rows = (await app.rouge.use(adsModule).ledger(P)).filter((r) => r.event_id.startsWith('ts-'));
    // Uncontested, the winner pays the reserve price (5); the purchase is two at 12.95 EUR.
    expect(rows.map((r) => [r.kind, r.event_id, r.campaign, Number(r.amount)])).toEqual([
      ['click', 'ts-clk-1', 'aurelia-lips', 5],
      ['attribution', 'ts-ord-1', 'aurelia-lips', 2590],
    ]);
    // Sent again (the SDK retries), nothing is billed twice.
    expect(await client.reportEvent({ clicks: [{ id: 'ts-clk-1', occurredAt: now, opaqueUserId: user, resolvedBidId: w.resolvedBidId }] } as never)).toEqual({ ok: true, retry: false });
    expect((await app.rouge.use(adsModule).ledger(P)).filter((r) => r.event_id.startsWith('ts-'))).toHaveLength(2);
    const plain = await raw('/v2/events', { pageviews: [{ id: 'ts-pv-1', occurredAt: now, opaqueUserId: user, page: { type: 'search', pageId: '/search?q=lipstick' } }] });
    expect(plain.status).toBe(204);
    expect(await plain.text()).toBe('');
  });

  it('answers every refusal with Topsort\'s error body, and the SDK throws it', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{}, 400, 'empty_request'],
      [{ auctions: [] }, 400, 'missing_auctions'],
      [{ auctions: Array.from({ length: 6 }, () => ({ type: 'listings', slots: 1, category: { id: 'Lipstick' } })) }, 400, 'too_many_auctions'],
      [{ auctions: [{ type: 'listings', category: { id: 'Lipstick' } }] }, 400, 'missing_slots'],
      [{ auctions: [{ type: 'listings', slots: 0, category: { id: 'Lipstick' } }] }, 400, 'too_few_slots'],
      [{ auctions: [{ type: 'banners', slots: 1, slotId: 'top' }] }, 400, 'invalid_auction_type'],
      [{ auctions: [{ type: 'listings', slots: 1, category: { id: 'Lipstick' }, surprise: true }] }, 400, 'bad_request'],
      [{ auctions: [{ type: 'listings', slots: 1 }] }, 400, 'missing_context'],
    ];
    for (const [body, status, errCode] of cases) {
      const res = await raw('/v2/auctions', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const err = await res.json();
      expect(err, JSON.stringify(body)).toEqual({ errCode, docUrl: expect.stringMatching(/^https:\/\//), message: expect.any(String) });
    }
    const events: Array<[unknown, string]> = [
      [{ clicks: [{ id: 'x', occurredAt: 'yesterday', opaqueUserId: 'u', resolvedBidId: 'r' }] }, 'bad_request'],
      [{ purchases: [{ id: 'x', occurredAt: new Date().toISOString(), opaqueUserId: 'u', items: [] }] }, 'no_purchase_items'],
      [{ purchases: [{ id: 'x', occurredAt: new Date().toISOString(), opaqueUserId: 'u', items: [{ productId: 'p', unitPrice: 1, quantity: 0 }] }] }, 'purchase_item_quantity_less_or_equal_than_zero'],
      [{ impressions: [{ id: 'x', occurredAt: new Date().toISOString(), opaqueUserId: 'u', resolvedBidId: 'r', extra: 1 }] }, 'bad_request'],
      [{ clicks: Array.from({ length: 51 }, (_, i) => ({ id: `c${i}`, occurredAt: new Date().toISOString(), opaqueUserId: 'u', resolvedBidId: 'r' })) }, 'bad_request'],
    ];
    for (const [body, errCode] of events) {
      const res = await raw('/v2/events', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { errCode: string }).errCode, JSON.stringify(body)).toBe(errCode);
    }
    await expect(client.createAuction({ auctions: [{ type: 'listings', slots: 1 }] } as never)).rejects.toMatchObject({ status: 400, body: { errCode: 'missing_context' } });
  });

  it('answers 401, 403 and 429 in Topsort\'s shape too', async () => {
    const none = await raw('/v2/auctions', { auctions: [] }, {});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ errCode: 'invalid_api_key' });
    const viewer = await keyWithRole(app, 'dashboard', 'viewer');
    const forbidden = await raw('/v2/events', { clicks: [] }, { authorization: `Bearer ${viewer}` });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ errCode: 'forbidden', message: expect.stringMatching(/catalog\.userEvents\.write/) });
    const limited = await buildTestApp(storeKind, { rateLimitPerSecond: 2 });
    try {
      let status = 0;
      let body: unknown;
      for (let i = 0; i < 10 && status !== 429; i++) {
        const res = await limited.inject({ method: 'POST', url: '/v1/projects/nowhere/topsort/v2/auctions', payload: { auctions: [] } });
        status = res.statusCode;
        body = res.json();
      }
      expect(status).toBe(429);
      expect(body).toMatchObject({ errCode: 'too_many_requests' });
    } finally {
      await limited.close();
    }
  });
});
