/**
 * Sponsored products on both stores: settings, advertisers and campaigns with
 * their permissions, the auction's relevance and eligibility, and per-click
 * billing from the storefront's events with every way a click is refused.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adsModule } from '../src/ads/index.js';
import { reasonOf } from './catalog-helpers.js';
import { adEvent, as, BRANDS, createAdvertisers, createCampaign, eur, keyWithRole, P, productId, stockBeautyShop } from './ads-fixture.js';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';

type Winner = { id: string; rank: number; campaignId: string; advertiserId: string; resolvedBidId: string; cpc: { amount: number; currency: string } };

describe.each(STORE_KINDS)('sponsored products on %s', (storeKind) => {
  let app: FastifyInstance;
  const auction = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url: `/v1/projects/${P}/auctions`, payload: body, headers });
  const winners = async (body: Record<string, unknown>): Promise<Winner[]> => {
    const res = await auction(body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().winners as Winner[];
  };
  const write = async (...events: object[]) => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/userEvents:write`, payload: { events } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { written: number; duplicates: number };
  };
  const campaignUrl = (adv: string, c: string) => `/v1/projects/${P}/advertisers/${adv}/campaigns/${c}`;
  const ledger = () => app.rouge.use(adsModule).ledger(P);

  beforeAll(async () => {
    app = await buildTestApp(storeKind);
    await stockBeautyShop(app);
    await createAdvertisers(app);
    // Aurelia bids most on lipsticks, Belmonde less, Corail only on mascara.
    await createCampaign(app, 'aurelia', { name: 'aurelia-lips', products: [productId('Aurelia', 'lip', 1), productId('Aurelia', 'lip', 2)], bid: eur(100), dailyBudget: eur(10_000), pacing: 'asap' });
    await createCampaign(app, 'belmonde', { name: 'belmonde-lips', products: [productId('Belmonde', 'lip', 1)], bid: eur(35), dailyBudget: eur(10_000), pacing: 'asap' });
    await createCampaign(app, 'corail', { name: 'corail-eyes', products: [productId('Corail', 'eye', 1)], bid: eur(60), dailyBudget: eur(10_000), pacing: 'asap' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  describe('settings, advertisers and campaigns', () => {
    it('reads settings with defaults filled in and refuses a currency change once campaigns exist', async () => {
      const s = (await app.inject({ url: `/v1/projects/${P}/adsSettings` })).json();
      expect(s).toMatchObject({ name: `projects/${P}/adsSettings`, currency: 'EUR', reservePrice: 5, auctionType: 'second_price', attributionWindowDays: 7 });
      const change = await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/adsSettings`, payload: { currency: 'USD' } });
      expect(change.statusCode).toBe(400);
      expect(reasonOf(change)).toBe('SETTINGS_INVALID');
      expect(change.json().error.message).toMatch(/while campaigns exist/);
    });

    it('shows a campaign with its money in minor units and its spend', async () => {
      const c = (await app.inject({ url: campaignUrl('aurelia', 'aurelia-lips') })).json();
      expect(c).toMatchObject({ name: `projects/${P}/advertisers/aurelia/campaigns/aurelia-lips`, bid: eur(100), dailyBudget: eur(10_000), status: 'active', pacing: 'asap', spend: { today: eur(0), total: eur(0) } });
    });

    it('refuses negative, absurd and inconsistent amounts, foreign products and reversed dates, each with its reason', async () => {
      const lip = [productId('Belmonde', 'lip', 2)];
      const cases: Array<[Record<string, unknown>, string, RegExp?]> = [
        [{ products: lip, bid: eur(-5), dailyBudget: eur(1000) }, 'INVALID_FIELD', /bid\.amount/],
        [{ products: lip, bid: eur(10_000_001), dailyBudget: eur(100_000_000) }, 'INVALID_FIELD', /bid\.amount/],
        [{ products: lip, bid: eur(50), dailyBudget: eur(0) }, 'INVALID_FIELD', /dailyBudget\.amount/],
        [{ products: lip, bid: eur(500), dailyBudget: eur(100) }, 'CAMPAIGN_INVALID', /less than one click/],
        [{ products: lip, bid: eur(3), dailyBudget: eur(100) }, 'CAMPAIGN_INVALID', /below the project's reserve price/],
        [{ products: lip, bid: { amount: 50, currency: 'USD' }, dailyBudget: eur(1000) }, 'CURRENCY_MISMATCH'],
        [{ products: [productId('Aurelia', 'lip', 3)], bid: eur(50), dailyBudget: eur(1000) }, 'PRODUCT_NOT_ELIGIBLE', /Aurelia product, not Belmonde/],
        [{ products: ['no-such-thing'], bid: eur(50), dailyBudget: eur(1000) }, 'PRODUCT_NOT_ELIGIBLE', /not in the catalogue/],
        [{ products: lip, bid: eur(50), dailyBudget: eur(1000), startTime: '2026-12-10T00:00:00Z', endTime: '2026-12-09T00:00:00Z' }, 'CAMPAIGN_INVALID', /not after startTime/],
        [{ products: lip, bid: eur(50), dailyBudget: eur(1000), productBids: { 'aurelia-lip-1': eur(60) } }, 'CAMPAIGN_INVALID', /does not promote/],
      ];
      for (const [body, reason, message] of cases) {
        const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/advertisers/belmonde/campaigns`, payload: body });
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(reasonOf(res), res.body).toBe(reason);
        if (message) expect(res.json().error.message).toMatch(message);
      }
      const list = (await app.inject({ url: `/v1/projects/${P}/advertisers/belmonde/campaigns` })).json();
      expect(list.campaigns.map((c: { campaignId: string }) => c.campaignId)).toEqual(['belmonde-lips']);
    });

    it('lets an advertiser\'s own key manage its campaigns only, and never set its brand', async () => {
      const key = await keyWithRole(app, 'belmonde-key', 'advertiser', 'advertisers/belmonde');
      expect((await as(app, key, 'GET', `/v1/projects/${P}/advertisers/belmonde/campaigns`)).statusCode).toBe(200);
      expect((await as(app, key, 'GET', `/v1/projects/${P}/advertisers/aurelia/campaigns`)).statusCode).toBe(403);
      expect((await as(app, key, 'GET', campaignUrl('aurelia', 'aurelia-lips'))).statusCode).toBe(403);
      expect((await as(app, key, 'GET', `/v1/projects/${P}/advertisers`)).statusCode).toBe(403);
      // Another advertiser's campaign named under this advertiser's path is simply not there.
      expect((await as(app, key, 'GET', campaignUrl('belmonde', 'aurelia-lips'))).statusCode).toBe(404);
      const renamed = await as(app, key, 'PATCH', `/v1/projects/${P}/advertisers/belmonde`, { displayName: 'Belmonde Paris' });
      expect(renamed.statusCode, renamed.body).toBe(200);
      const rebrand = await as(app, key, 'PATCH', `/v1/projects/${P}/advertisers/belmonde`, { brand: 'Aurelia' });
      expect(rebrand.statusCode).toBe(403);
      expect(reasonOf(rebrand)).toBe('BRAND_SET_BY_MANAGER');
      const own = await as(app, key, 'POST', `/v1/projects/${P}/advertisers/belmonde/campaigns`, { name: 'belmonde-eyes', products: [productId('Belmonde', 'eye', 1)], bid: eur(20), dailyBudget: eur(1000), status: 'paused' });
      expect(own.statusCode, own.body).toBe(200);
      const manager = await keyWithRole(app, 'ads-ops', 'adsManager');
      expect((await as(app, manager, 'PATCH', `/v1/projects/${P}/advertisers/belmonde?updateMask=brand`, { brand: 'Belmonde' })).statusCode).toBe(200);
      expect((await as(app, manager, 'GET', `/v1/projects/${P}/advertisers`)).json().advertisers).toHaveLength(3);
    });

    it('refuses to delete an advertiser that still has campaigns', async () => {
      const res = await app.inject({ method: 'DELETE', url: `/v1/projects/${P}/advertisers/corail` });
      expect(res.statusCode).toBe(409);
      expect(reasonOf(res)).toBe('ADVERTISER_HAS_CAMPAIGNS');
    });
  });

  describe('the auction', () => {
    it('fills slots with relevant products only: a lipstick search gets lipsticks, ranked by quality x bid, priced second-price', async () => {
      const w = await winners({ slots: 3, query: 'lipstick' });
      expect(w.map((x) => x.id)).toEqual([productId('Aurelia', 'lip', 1), productId('Aurelia', 'lip', 2), productId('Belmonde', 'lip', 1)]);
      expect(w.map((x) => x.rank)).toEqual([1, 2, 3]);
      // Equal quality (no history yet): both Aurelia products pay what beating Belmonde's 35 takes (never their own other bid); Belmonde, uncontested, the reserve.
      expect(w.map((x) => x.cpc.amount)).toEqual([36, 36, 5]);
      expect(w.every((x) => x.cpc.currency === 'EUR' && x.resolvedBidId.length > 20)).toBe(true);
      const eyes = await winners({ slots: 2, query: 'mascara' });
      expect(eyes.map((x) => x.id)).toEqual([productId('Corail', 'eye', 1)]);
    });

    it('ranks by the page\'s relevance, asking it once per offer for as long as the page asks with the same function (one per model)', async () => {
      const auctions = app.rouge.use(adsModule).auctions;
      const lips = await auctions.categoriesOfQuery(P, 'lipstick');
      const asked: string[] = [];
      const favour = (brand: string) => (id: string) => (asked.push(id), id === productId(brand, 'lip', 1) ? 1 : 0.01);
      const belmonde = favour('Belmonde');
      const first = await auctions.run(P, { slots: 1, categories: lips, relevance: belmonde });
      expect(first.winners.map((w) => w.id)).toEqual([productId('Belmonde', 'lip', 1)]);
      expect(asked.sort()).toEqual([productId('Aurelia', 'lip', 1), productId('Aurelia', 'lip', 2), productId('Belmonde', 'lip', 1)].sort());
      asked.length = 0;
      expect((await auctions.run(P, { slots: 1, categories: lips, relevance: belmonde })).winners.map((w) => w.id)).toEqual([productId('Belmonde', 'lip', 1)]);
      expect(asked).toEqual([]);
      // Another function (a new model) is asked afresh, and its view ranks.
      const second = await auctions.run(P, { slots: 1, categories: lips, relevance: favour('Aurelia') });
      expect(second.winners.map((w) => w.id)).toEqual([productId('Aurelia', 'lip', 1)]);
      expect(asked).toHaveLength(3);
    });

    it('leaves out products already on the page and, when asked, the page product\'s brand', async () => {
      const w = await winners({ slots: 3, itemIds: [productId('Aurelia', 'lip', 3)], otherBrandsOnly: true });
      expect(w.map((x) => x.id)).toEqual([productId('Belmonde', 'lip', 1)]);
      const excluded = await winners({ slots: 3, query: 'lipstick', exclude: [productId('Aurelia', 'lip', 1)] });
      expect(excluded.map((x) => x.id)).not.toContain(productId('Aurelia', 'lip', 1));
      const listed = await winners({ slots: 1, candidates: [{ id: productId('Corail', 'eye', 1) }, { id: productId('Aurelia', 'eye', 1) }] });
      expect(listed.map((x) => x.id)).toEqual([productId('Corail', 'eye', 1)]);
    });

    it('weighs a candidate named twice once, with the last quality given', async () => {
      const corail = productId('Corail', 'eye', 1);
      const res = await auction({ slots: 2, candidates: [{ id: corail, quality: 0.9 }, { id: corail, quality: 0.1 }], debug: true });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body.debug.considered).toBe(1);
      expect(body.debug.entries).toHaveLength(1);
      expect(body.winners.map((w: Winner) => w.id)).toEqual([corail]);
    });

    it('drops an out-of-stock product and a paused campaign within seconds, and takes them back', async () => {
      const id = productId('Belmonde', 'lip', 1);
      await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/catalog/items/${id}`, payload: { availability: 'out_of_stock' } });
      await until('the auction drops the out-of-stock product', async () => ((await winners({ slots: 3, query: 'lipstick' })).some((x) => x.id === id) ? undefined : true));
      await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/catalog/items/${id}`, payload: { availability: 'in_stock' } });
      await until('the product is back', async () => ((await winners({ slots: 3, query: 'lipstick' })).some((x) => x.id === id) ? true : undefined));
      const pause = await app.inject({ method: 'PATCH', url: `${campaignUrl('aurelia', 'aurelia-lips')}?updateMask=status`, payload: { status: 'paused' } });
      expect(pause.statusCode, pause.body).toBe(200);
      await until('the paused campaign leaves the auction', async () => ((await winners({ slots: 3, query: 'lipstick' })).every((x) => x.campaignId !== 'aurelia-lips') ? true : undefined));
      await app.inject({ method: 'PATCH', url: `${campaignUrl('aurelia', 'aurelia-lips')}?updateMask=status`, payload: { status: 'active' } });
      await until('it is back', async () => ((await winners({ slots: 1, query: 'lipstick' }))[0]?.campaignId === 'aurelia-lips' ? true : undefined));
    });

    it('explains itself to an ads manager only', async () => {
      const debug = await auction({ slots: 1, query: 'lipstick', debug: true });
      expect(debug.statusCode, debug.body).toBe(200);
      const entries = debug.json().debug.entries as Array<{ campaignId: string; outcome: string; reason: string }>;
      expect(entries.find((e) => e.outcome === 'won')).toMatchObject({ campaignId: 'aurelia-lips' });
      expect(entries.filter((e) => e.outcome === 'lost').length).toBeGreaterThan(0);
      const predictor = await keyWithRole(app, 'storefront', 'predictor');
      expect((await as(app, predictor, 'POST', `/v1/projects/${P}/auctions`, { slots: 1, query: 'lipstick' })).statusCode).toBe(200);
      const refused = await as(app, predictor, 'POST', `/v1/projects/${P}/auctions`, { slots: 1, query: 'lipstick', debug: true });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toMatch(/ads\.auctions\.debug/);
    });

    it('needs exactly one of query, itemIds or candidates, and 1 to 10 slots', async () => {
      for (const body of [{ slots: 1 }, { slots: 1, query: 'lipstick', itemIds: ['x'] }, { slots: 11, query: 'lipstick' }, { slots: 0, query: 'x' }]) {
        const res = await auction(body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
      }
    });
  });

  describe('billing', () => {
    const top = async (query = 'mascara') => (await winners({ slots: 1, query }))[0]!;

    it('charges a click on a shown winner once, at its cpc, and writes it to the ledger', async () => {
      const w = await top();
      expect(w.campaignId).toBe('corail-eyes');
      const before = (await ledger()).length;
      const impression = adEvent('impression', w.resolvedBidId);
      const click = adEvent('click', w.resolvedBidId);
      await write(impression, click);
      // The same delivery resent, and a second click by the same shopper on the same winner: neither is charged.
      expect(await write(click)).toEqual({ written: 0, duplicates: 1 });
      await write(adEvent('click', w.resolvedBidId));
      const rows = await ledger();
      expect(rows.length).toBe(before + 1);
      expect(rows.at(-1)).toMatchObject({ campaign: 'corail-eyes', advertiser: 'corail', item: w.id, amount: w.cpc.amount, currency: 'EUR', event_id: click.eventId });
      const c = (await app.inject({ url: campaignUrl('corail', 'corail-eyes') })).json();
      expect(c.spend.total.amount).toBe(rows.filter((r) => r.campaign === 'corail-eyes').reduce((n, r) => n + Number(r.amount), 0));
    });

    it('charges another shopper\'s click on the same winner separately (once per user per session)', async () => {
      const w = await top();
      const before = (await ledger()).length;
      await write(adEvent('impression', w.resolvedBidId), adEvent('click', w.resolvedBidId, { userId: 'u1', sessionId: 's1' }), adEvent('click', w.resolvedBidId, { userId: 'u2', sessionId: 's9' }));
      expect((await ledger()).length).toBe(before + 2);
    });

    it('learns a product\'s CTR from its impressions and clicks: the winner\'s quality rises once the book is read again', async () => {
      const quality = async () => {
        const res = await auction({ slots: 1, query: 'mascara', debug: true });
        return (res.json().debug.entries as Array<{ outcome: string; quality: number }>).find((e) => e.outcome === 'won')!.quality;
      };
      const before = await quality();
      const w = await top();
      for (const u of ['ctr-1', 'ctr-2', 'ctr-3']) await write(adEvent('impression', w.resolvedBidId, { userId: u }), adEvent('click', w.resolvedBidId, { userId: u }));
      // A campaign change makes every process read its book again, stats included.
      const touch = await app.inject({ method: 'PATCH', url: `${campaignUrl('corail', 'corail-eyes')}?updateMask=displayName`, payload: { displayName: 'Corail eyes' } });
      expect(touch.statusCode, touch.body).toBe(200);
      await until('the quality takes the clicks in', async () => ((await quality()) > before ? true : undefined));
    });

    it('records forged, expired and impressionless clicks and bursts as invalid, and charges none of them', async () => {
      const before = (await ledger()).length;
      const w = await top();
      const [body, sig] = w.resolvedBidId.split('.') as [string, string];
      const cheaper = Buffer.from(JSON.stringify(JSON.parse(Buffer.from(body, 'base64url').toString()).map((v: unknown, i: number) => (i === 3 ? 1 : v)))).toString('base64url');
      const forged = adEvent('click', `${cheaper}.${sig}`);
      const noImpression = adEvent('click', w.resolvedBidId, { userId: 'u3' });
      const early = adEvent('click', w.resolvedBidId, { userId: 'u4' }, { eventTime: new Date(Date.now() - 10 * 60_000).toISOString() });
      await write(forged, noImpression, early);
      // Eleven winners clicked by one visitor inside a minute: the eleventh is a burst.
      const burst: object[] = [];
      for (let i = 0; i < 11; i++) {
        const x = await top('lipstick');
        burst.push(adEvent('impression', x.resolvedBidId, { userId: 'bot' }), adEvent('click', x.resolvedBidId, { userId: 'bot' }));
      }
      await write(...burst);
      const rows = await ledger();
      expect(rows.length).toBe(before + 10);
      const { interactions } = await import('./ads-helpers.js');
      const statuses = await interactions(app, P, [forged.eventId, noImpression.eventId, early.eventId]);
      expect(statuses).toEqual({ [forged.eventId]: 'forged', [noImpression.eventId]: 'no_impression', [early.eventId]: 'expired' });
      const bot = await interactions(app, P, undefined, 'bot');
      expect(Object.values(bot).filter((s) => s === 'burst')).toHaveLength(1);
    });

    it('never spends past the daily budget, and pauses a campaign whose total budget is spent', async () => {
      // First price for this test: every click costs the full bid of 40, so budgets of 100 and 80 run out in a few clicks.
      expect((await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/adsSettings`, payload: { auctionType: 'first_price' } })).statusCode).toBe(200);
      await createCampaign(app, 'belmonde', { name: 'belmonde-daily', products: [productId('Belmonde', 'eye', 2)], bid: eur(40), dailyBudget: eur(100), totalBudget: eur(1000), pacing: 'asap' });
      await createCampaign(app, 'belmonde', { name: 'belmonde-total', products: [productId('Belmonde', 'lip', 2)], bid: eur(40), dailyBudget: eur(1000), totalBudget: eur(80), pacing: 'asap' });
      const winner = (id: string) => until(`${id} is auctioned at first price`, async () => {
        const w = (await winners({ slots: 1, candidates: [{ id }] }))[0];
        return w?.cpc.amount === 40 ? w : undefined;
      });
      const clickFour = async (w: Winner) => {
        for (const u of ['a', 'b', 'c', 'd']) await write(adEvent('impression', w.resolvedBidId, { userId: u }), adEvent('click', w.resolvedBidId, { userId: u }));
      };
      await clickFour(await winner(productId('Belmonde', 'eye', 2)));
      await clickFour(await winner(productId('Belmonde', 'lip', 2)));
      const spent = (name: string) => ledger().then((rows) => rows.filter((r) => r.campaign === name).map((r) => Number(r.amount)));
      // 100 a day buys two clicks at 40: a third would make 120.
      expect(await spent('belmonde-daily')).toEqual([40, 40]);
      expect(await spent('belmonde-total')).toEqual([40, 40]);
      const total = (await app.inject({ url: campaignUrl('belmonde', 'belmonde-total') })).json();
      expect(total).toMatchObject({ status: 'paused', statusReason: 'total_budget_spent', spend: { total: eur(80) } });
      const daily = (await app.inject({ url: campaignUrl('belmonde', 'belmonde-daily') })).json();
      expect(daily).toMatchObject({ status: 'active', spend: { today: eur(80), total: eur(80) } });
      // Neither is offered again: one has less than a click left today, the other is paused.
      await until('both leave the auction', async () => ((await winners({ slots: 2, candidates: [{ id: productId('Belmonde', 'eye', 2) }, { id: productId('Belmonde', 'lip', 2) }] })).length === 0 ? true : undefined));
      const resume = await app.inject({ method: 'PATCH', url: `${campaignUrl('belmonde', 'belmonde-total')}?updateMask=status`, payload: { status: 'active' } });
      expect(resume.statusCode).toBe(400);
      expect(resume.json().error.message).toMatch(/total budget of 80 is spent/);
      expect((await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/adsSettings`, payload: { auctionType: 'second_price' } })).statusCode).toBe(200);
    });

    it('accepts a purchase carrying a resolvedBidId and its line items once', async () => {
      const w = await top();
      const purchase = adEvent('purchase', w.resolvedBidId, { userId: 'u1' }, { itemIds: [w.id], lineItems: [{ id: w.id, quantity: 2, price: eur(1500) }], value: eur(3000) });
      await write(purchase);
      expect(await write(purchase)).toEqual({ written: 0, duplicates: 1 });
      const { interactions } = await import('./ads-helpers.js');
      expect(await interactions(app, P, [purchase.eventId])).toEqual({ [purchase.eventId]: 'valid' });
    });
  });

  it('keeps advertisers of other projects apart', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'other-shop' } })).statusCode).toBe(200);
    expect((await app.inject({ url: `/v1/projects/other-shop/advertisers/${BRANDS[0].toLowerCase()}` })).statusCode).toBe(404);
  });
});
