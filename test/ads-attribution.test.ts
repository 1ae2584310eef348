/**
 * Attribution and reports on both stores: purchases credited to the last
 * charged click on the same product (direct) or brand (halo) within the
 * window, never to a later click; refunds reverse; reports per day and per
 * campaign whose totals are the ledger's sums.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adsModule, type LedgerRow } from '../src/ads/index.js';
import { adEvent, createAdvertisers, createCampaign, eur, P, productId, stockBeautyShop } from './ads-fixture.js';
import { reasonOf } from './catalog-helpers.js';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe.each(STORE_KINDS)('attribution and reports on %s', (storeKind) => {
  let app: FastifyInstance;
  const write = async (...events: object[]) => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/userEvents:write`, payload: { events } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const ledger = (): Promise<LedgerRow[]> => app.rouge.use(adsModule).ledger(P);
  const attributions = async (eventId: string) => (await ledger()).filter((r) => r.event_id === eventId && r.kind !== 'click').map((r) => ({ kind: r.kind, campaign: r.campaign, item: r.item, amount: Number(r.amount) }));
  /** A shown and clicked winner for `user`. */
  const clicked = async (user: string, candidate: string) => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/auctions`, payload: { slots: 1, candidates: [{ id: candidate }] } });
    const w = res.json().winners[0];
    expect(w, res.body).toBeDefined();
    await write(adEvent('impression', w.resolvedBidId, { userId: user }), adEvent('click', w.resolvedBidId, { userId: user }));
    return w as { id: string; campaignId: string; cpc: { amount: number } };
  };
  /** A winner clicked now and charged, then moved `agoMs` into the past in the interactions: time passing, without waiting for it. */
  const clickedLongAgo = async (user: string, item: string, agoMs: number) => {
    await clicked(user, item);
    await app.rouge.store.typed<any>().updateTable('ads_interactions').set({ event_time: new Date(Date.now() - agoMs).toISOString() })
      .where('project', '=', P).where('unit', '=', user).where('type', 'in', ['click', 'impression']).execute();
  };
  const purchase = (user: string, lines: Array<{ id: string; quantity: number; price: number }>, agoMs = 0, eventId = `order-${user}-${Math.random().toString(36).slice(2)}`) => ({
    eventId, type: 'purchase', userId: user, eventTime: new Date(Date.now() - agoMs).toISOString(), itemIds: lines.map((l) => l.id),
    lineItems: lines.map((l) => ({ id: l.id, quantity: l.quantity, price: eur(l.price) })),
  });

  beforeAll(async () => {
    app = await buildTestApp(storeKind);
    await stockBeautyShop(app);
    await createAdvertisers(app);
    await createCampaign(app, 'aurelia', { name: 'aurelia-lips', products: [productId('Aurelia', 'lip', 1)], bid: eur(50), dailyBudget: eur(100_000), pacing: 'asap' });
    await createCampaign(app, 'belmonde', { name: 'belmonde-eyes', products: [productId('Belmonde', 'eye', 1)], bid: eur(30), dailyBudget: eur(100_000), pacing: 'asap' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('credits a purchase line to the last charged click on the same product, with the line\'s revenue', async () => {
    await clicked('ann', productId('Aurelia', 'lip', 1));
    const order = purchase('ann', [{ id: productId('Aurelia', 'lip', 1), quantity: 2, price: 1500 }, { id: productId('Corail', 'eye', 1), quantity: 1, price: 900 }]);
    await write(order);
    expect(await attributions(order.eventId)).toEqual([{ kind: 'attribution', campaign: 'aurelia-lips', item: productId('Aurelia', 'lip', 1), amount: 3000 }]);
    // Resent, the order is credited once.
    await write(order);
    expect(await attributions(order.eventId)).toHaveLength(1);
  });

  it('credits another product of the clicked brand as halo', async () => {
    await clicked('bob', productId('Aurelia', 'lip', 1));
    const order = purchase('bob', [{ id: productId('Aurelia', 'eye', 2), quantity: 1, price: 2200 }]);
    await write(order);
    expect(await attributions(order.eventId)).toEqual([{ kind: 'halo', campaign: 'aurelia-lips', item: productId('Aurelia', 'eye', 2), amount: 2200 }]);
  });

  it('credits nothing to a purchase with no click, one before the click, or one after the window (set per project)', async () => {
    const none = purchase('carol', [{ id: productId('Aurelia', 'lip', 1), quantity: 1, price: 1500 }]);
    await write(none);
    expect(await attributions(none.eventId)).toEqual([]);
    // Dan bought an hour ago and clicked only now: the click came after the purchase.
    const before = purchase('dan', [{ id: productId('Belmonde', 'eye', 1), quantity: 1, price: 1800 }], HOUR);
    await clicked('dan', productId('Belmonde', 'eye', 1));
    await write(before);
    expect(await attributions(before.eventId)).toEqual([]);
    // Erin clicked eight days ago, outside the default 7-day window.
    await clickedLongAgo('erin', productId('Belmonde', 'eye', 1), 8 * DAY);
    const late = purchase('erin', [{ id: productId('Belmonde', 'eye', 1), quantity: 1, price: 1800 }]);
    await write(late);
    expect(await attributions(late.eventId)).toEqual([]);
    // Gus clicked six days ago: inside 7 days, outside a window shortened to 5.
    await clickedLongAgo('gus', productId('Belmonde', 'eye', 1), 6 * DAY);
    expect((await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/adsSettings`, payload: { attributionWindowDays: 5 } })).statusCode).toBe(200);
    const outside = purchase('gus', [{ id: productId('Belmonde', 'eye', 1), quantity: 1, price: 1800 }]);
    await write(outside);
    expect(await attributions(outside.eventId)).toEqual([]);
    expect((await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/adsSettings`, payload: { attributionWindowDays: 7 } })).statusCode).toBe(200);
    const inside = purchase('gus', [{ id: productId('Belmonde', 'eye', 1), quantity: 1, price: 1800 }]);
    await write(inside);
    expect(await attributions(inside.eventId)).toEqual([{ kind: 'attribution', campaign: 'belmonde-eyes', item: productId('Belmonde', 'eye', 1), amount: 1800 }]);
  });

  it('reverses an attribution when the line is refunded, never by more than was credited', async () => {
    await clicked('fay', productId('Aurelia', 'lip', 1));
    const order = purchase('fay', [{ id: productId('Aurelia', 'lip', 1), quantity: 3, price: 1500 }]);
    await write(order);
    const refund = purchase('fay', [{ id: productId('Aurelia', 'lip', 1), quantity: -1, price: 1500 }]);
    await write(refund);
    expect(await attributions(refund.eventId)).toEqual([{ kind: 'attribution', campaign: 'aurelia-lips', item: productId('Aurelia', 'lip', 1), amount: -1500 }]);
    // Refunding five more of the three bought takes back only what is left of the credit (3000), however it is split.
    const more = purchase('fay', [{ id: productId('Aurelia', 'lip', 1), quantity: -5, price: 1500 }]);
    await write(more);
    expect(await attributions(more.eventId)).toEqual([{ kind: 'attribution', campaign: 'aurelia-lips', item: productId('Aurelia', 'lip', 1), amount: -3000 }]);
    const again = purchase('fay', [{ id: productId('Aurelia', 'lip', 1), quantity: -1, price: 1500 }]);
    await write(again);
    expect(await attributions(again.eventId)).toEqual([]);
    const zero = await app.inject({ method: 'POST', url: `/v1/projects/${P}/userEvents:write`, payload: { events: [purchase('fay', [{ id: productId('Aurelia', 'lip', 1), quantity: 0, price: 1500 }])] } });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().error.message).toMatch(/quantity is never 0/);
  });

  it('reports per day, per local hour and per campaign, with totals equal to the ledger\'s sums', async () => {
    const rows = (await ledger()).filter((r) => r.advertiser === 'aurelia');
    const sum = (kind: string) => rows.filter((r) => r.kind === kind).reduce((n, r) => n + Number(r.amount), 0);
    for (const groupBy of ['day', 'hour', 'campaign']) {
      const res = await app.inject({ url: `/v1/projects/${P}/advertisers/aurelia/reports?groupBy=${groupBy}` });
      expect(res.statusCode, res.body).toBe(200);
      const r = res.json();
      expect(r.totals.spend).toEqual(eur(sum('click')));
      expect(r.totals.revenue).toEqual(eur(sum('attribution')));
      expect(r.totals.haloRevenue).toEqual(eur(sum('halo')));
      expect(r.totals.clicks).toBe(rows.filter((x) => x.kind === 'click').length);
      expect(r.totals.orders).toBe(2);
      expect(r.totals.haloOrders).toBe(1);
      expect(r.totals.roas).toBeCloseTo(sum('attribution') / sum('click'), 4);
      expect(r.rows.reduce((n: number, x: { spend: { amount: number } }) => n + x.spend.amount, 0)).toBe(sum('click'));
      if (groupBy === 'campaign') expect(r.rows.map((x: { campaignId: string }) => x.campaignId)).toEqual(['aurelia-lips']);
      if (groupBy === 'hour') for (const x of r.rows as Array<{ hour: string }>) expect(x.hour).toMatch(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3])$/);
    }
    // One campaign's numbers: the advertiser's only campaign has them all, another name has none.
    const one = (await app.inject({ url: `/v1/projects/${P}/advertisers/aurelia/reports?groupBy=hour&campaign=aurelia-lips` })).json();
    expect(one.campaign).toBe('aurelia-lips');
    expect(one.totals.spend).toEqual(eur(sum('click')));
    const none = (await app.inject({ url: `/v1/projects/${P}/advertisers/aurelia/reports?campaign=aurelia-eyes` })).json();
    expect(none.rows).toEqual([]);
    expect(none.totals.spend.amount).toBe(0);
    const week = await app.inject({ url: `/v1/projects/${P}/advertisers/aurelia/reports?groupBy=hour&from=2026-12-01&to=2026-12-09` });
    expect(week.statusCode).toBe(400);
    expect(week.json().error.message).toMatch(/at most 7 days/);
    const csv = await app.inject({ url: `/v1/projects/${P}/advertisers/aurelia/reports?format=csv&groupBy=campaign` });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('campaign,impressions,clicks,invalid_clicks,ctr,spend,orders,revenue,halo_orders,halo_revenue,roas,roas_with_halo,currency');
    expect(lines.at(-1)!.split(',')[5]).toBe(String(sum('click')));
    const bad = await app.inject({ url: `/v1/projects/${P}/advertisers/aurelia/reports?from=2026-12-09&to=2026-12-01` });
    expect(bad.statusCode).toBe(400);
    expect(reasonOf(bad)).toBe('REPORT_INVALID');
  });

  it('counts interactions by the project\'s local day and hour, for a zone half an hour off UTC, from counts the store sums', async () => {
    const db = app.rouge.store.typed<any>();
    await db.updateTable('projects').set({ time_zone: 'Asia/Kolkata' }).where('name', '=', P).execute();
    // In Asia/Kolkata (UTC+5:30) 18:29:59Z is 23:59:59 on the 20th and 18:30Z is midnight on the 21st.
    const row = (id: string, type: string, eventTime: string, charged = 0) => ({ project: P, event_id: `tz-${id}`, type, resolved_bid_id: null, campaign: 'aurelia-lips', advertiser: 'aurelia', item: null, unit: `tz-${id}`, event_time: eventTime, status: 'valid', charged });
    await db.insertInto('ads_interactions').values([
      row('a', 'impression', '2026-11-20T18:29:59.999Z'), row('b', 'impression', '2026-11-20T18:30:00.000Z'),
      row('c', 'impression', '2026-11-20T18:44:59.000Z'), row('d', 'click', '2026-11-20T18:45:00.000Z', 40), row('e', 'impression', '2026-11-20T19:30:00.000Z'),
    ]).execute();
    // The click's charge: 40 on the budget day of the 21st, in its first local hour.
    await db.insertInto('ads_ledger').values({ project: P, id: 'tz-charge', kind: 'click', campaign: 'aurelia-lips', advertiser: 'aurelia', item: 'x', amount: 40, currency: 'EUR', day: '2026-11-21', time: '2026-11-20T18:45:00.000Z', event_id: 'tz-d', resolved_bid_id: 'tz', charge_key: 'tz-charge', source: null }).execute();
    const report = async (groupBy: string) => (await app.inject({ url: `/v1/projects/${P}/advertisers/aurelia/reports?from=2026-11-20&to=2026-11-21&groupBy=${groupBy}` })).json();
    const days = await report('day');
    expect(days.rows.map((x: { day: string; impressions: number; clicks: number }) => [x.day, x.impressions, x.clicks])).toEqual([['2026-11-20', 1, 0], ['2026-11-21', 3, 1]]);
    const hours = await report('hour');
    expect(hours.rows.map((x: { hour: string; impressions: number; clicks: number }) => [x.hour, x.impressions, x.clicks])).toEqual([['2026-11-20T23', 1, 0], ['2026-11-21T00', 2, 1], ['2026-11-21T01', 1, 0]]);
    expect(hours.totals.impressions).toBe(4);
    expect(days.rows.map((x: { spend: { amount: number } }) => x.spend.amount)).toEqual([0, 40]);
    expect(hours.rows.map((x: { spend: { amount: number } }) => x.spend.amount)).toEqual([0, 40, 0]);
    await db.updateTable('projects').set({ time_zone: 'UTC' }).where('name', '=', P).execute();
  });
});
