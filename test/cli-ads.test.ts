/**
 * `rouge ads` through the real CLI against a live server: settings, an
 * advertiser and its campaign created in the project's currency, the
 * campaigns table, pause and resume, a retried create under one idempotency
 * key, an auction with its winner and reasons, the server's refusals, and
 * an advertiser's report of a charged click and the purchase it earned.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adEvent, createCampaign, eur, keyWithRole, P, productId, stockBeautyShop } from './ads-fixture.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';
import { until } from './helpers/until.js';

let app: FastifyInstance;
let env: Record<string, string>;
const rouge = (...args: string[]) => runRouge(args, env);

beforeAll(async () => {
  app = await buildTestApp('sqlite');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: P };
  // Three brands of lipsticks and mascaras; ads run in EUR with a reserve price of 5 cents.
  await stockBeautyShop(app);
}, CLI_TIMEOUT);
afterAll(async () => {
  await app?.close();
});

describe('rouge ads', () => {
  it('shows the settings and changes only the ones given', async () => {
    const set = await rouge('ads', 'settings', 'set', '--attribution-window-days', '14');
    expect(set.code, set.err).toBe(0);
    const got = await rouge('ads', 'settings', 'get');
    expect(got.out).toMatch(/currency:\s+EUR\n/);
    expect(got.out).toMatch(/reservePrice:\s+0\.05 EUR\n/);
    expect(got.out).toMatch(/attributionWindow:\s+14 days\n/);
    const nothing = await rouge('ads', 'settings', 'set');
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain('nothing to set');
  }, CLI_TIMEOUT);

  it('creates an advertiser and a campaign in the project\'s currency, lists them, and pauses and resumes it', async () => {
    const adv = await rouge('ads', 'advertisers', 'create', 'aurelia', '--brand', 'Aurelia', '--display-name', 'Aurelia Paris');
    expect(adv.code, adv.err).toBe(0);
    expect((await rouge('ads', 'advertisers', 'list')).out).toMatch(/aurelia\s+Aurelia\s+Aurelia Paris/);

    const created = await rouge('ads', 'campaigns', 'create', '--advertiser', 'aurelia', '--name', 'lips', '--products', `${productId('Aurelia', 'lip', 1)},${productId('Aurelia', 'lip', 2)}`,
      '--bid', '80', '--daily-budget', '5000', '--pacing', 'asap');
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(/bid:\s+0\.80 EUR\n/);
    // No --currency: the amounts went out in the project's ads currency.
    const stored = (await app.inject({ url: `/v1/projects/${P}/advertisers/aurelia/campaigns/lips` })).json();
    expect(stored).toMatchObject({ bid: { amount: 80, currency: 'EUR' }, dailyBudget: { amount: 5000, currency: 'EUR' }, pacing: 'asap', status: 'active' });

    const list = await rouge('ads', 'campaigns', 'list', '--advertiser', 'aurelia');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/CAMPAIGN\s+STATUS\s+BID\s+DAILY BUDGET\s+SPEND TODAY\s+TOTAL SPEND\s+PRODUCTS\n/);
    expect(list.out).toMatch(/lips\s+active\s+0\.80 EUR\s+50\.00 EUR\s+0\.00 EUR\s+0\.00 EUR\s+2\n/);

    const updated = await rouge('ads', 'campaigns', 'update', 'lips', '--advertiser', 'aurelia', '--bid', '90', '--end', '2030-01-01');
    expect(updated.code, updated.err).toBe(0);
    expect(updated.out).toMatch(/bid:\s+0\.90 EUR\n/);
    expect(updated.out).toMatch(/endTime:\s+2030-01-01T00:00:00Z\n/);
    const endless = await rouge('ads', 'campaigns', 'update', 'lips', '--advertiser', 'aurelia', '--end', 'none', '--json');
    expect(endless.code, endless.err).toBe(0);
    expect(JSON.parse(endless.out)).toMatchObject({ bid: { amount: 90 }, dailyBudget: { amount: 5000 } });
    expect(JSON.parse(endless.out).endTime).toBeUndefined();

    const paused = await rouge('ads', 'campaigns', 'pause', 'lips', '--advertiser', 'aurelia');
    expect(paused.code, paused.err).toBe(0);
    expect(paused.out).toContain('is paused');
    expect((await rouge('ads', 'campaigns', 'list', '--advertiser', 'aurelia')).out).toMatch(/lips\s+paused\s/);
    expect((await rouge('ads', 'campaigns', 'resume', 'lips', '--advertiser', 'aurelia')).code).toBe(0);
    expect(JSON.parse((await rouge('ads', 'campaigns', 'get', 'lips', '--advertiser', 'aurelia', '--json')).out).status).toBe('active');
  }, CLI_TIMEOUT);

  it('returns the same campaign when a create is retried under one --idempotency-key', async () => {
    const args = ['ads', 'campaigns', 'create', '--advertiser', 'aurelia', '--products', productId('Aurelia', 'eye', 1), '--bid', '40', '--daily-budget', '2000', '--paused', '--idempotency-key', 'eyes-1', '--json'];
    const first = await rouge(...args);
    expect(first.code, first.err).toBe(0);
    const again = await rouge(...args);
    expect(again.code, again.err).toBe(0);
    const id = JSON.parse(first.out).campaignId as string;
    expect(JSON.parse(again.out).campaignId).toBe(id);
    const list = JSON.parse((await rouge('ads', 'campaigns', 'list', '--advertiser', 'aurelia', '--json')).out);
    expect(list.campaigns.map((c: { campaignId: string }) => c.campaignId).sort()).toEqual([id, 'lips'].sort());
    expect((await rouge('ads', 'campaigns', 'delete', id, '--advertiser', 'aurelia')).code).toBe(0);
  }, CLI_TIMEOUT);

  it('runs an auction for a search and shows the winner, and with --debug the reasons', async () => {
    // Pausing and resuming reach the auction's book within a second.
    await until('the resumed campaign is in the auction', async () => {
      const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/auctions`, payload: { slots: 1, query: 'lipstick' } });
      return res.json().winners?.[0]?.campaignId === 'lips' ? true : undefined;
    });
    const table = await rouge('ads', 'auction', '--query', 'lipstick', '--slots', '2');
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/RANK\s+PRODUCT\s+CAMPAIGN\s+CPC\n/);
    expect(table.out).toMatch(/\n1\s+aurelia-lip-[12]\s+lips\s+\d+\.\d\d EUR\n/);
    const debug = await rouge('ads', 'auction', '--query', 'lipstick', '--slots', '1', '--debug');
    expect(debug.code, debug.err).toBe(0);
    expect(debug.out).toMatch(/OUTCOME\s+CAMPAIGN\s+PRODUCT\s+BID\s+QUALITY\s+SCORE\s+CPC\s+REASON\n/);
    expect(debug.out).toMatch(/won\s+lips\s+aurelia-lip-[12]\s+90\s.*rank 1/);
    expect(debug.err).toMatch(/offer\(s\) relevant to the page/);
    const json = JSON.parse((await rouge('ads', 'auction', '--candidates', productId('Aurelia', 'lip', 2), '--json')).out);
    expect(json.winners).toMatchObject([{ id: productId('Aurelia', 'lip', 2), rank: 1, campaignId: 'lips', cpc: { currency: 'EUR' } }]);
  }, CLI_TIMEOUT);

  it('prints the server\'s refusals and exits non-zero, and refuses bad flags before any request', async () => {
    const [foreign, missing, both, badBid] = await Promise.all([
      rouge('ads', 'campaigns', 'create', '--advertiser', 'aurelia', '--products', productId('Belmonde', 'lip', 1), '--bid', '80', '--daily-budget', '5000'),
      rouge('ads', 'campaigns', 'get', 'nope', '--advertiser', 'aurelia'),
      rouge('ads', 'auction', '--query', 'lipstick', '--item-ids', productId('Aurelia', 'lip', 1)),
      rouge('ads', 'campaigns', 'create', '--advertiser', 'aurelia', '--products', 'x', '--bid', '0.80', '--daily-budget', '5000'),
    ]);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toContain('belmonde-lip-1 is a Belmonde product, not Aurelia');
    expect(foreign.err).toContain('(PRODUCT_NOT_ELIGIBLE)');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('(CAMPAIGN_NOT_FOUND)');
    expect(missing.err).toContain('rouge ads campaigns list --advertiser');
    expect(both.code).toBe(2);
    expect(both.err).toContain('exactly one of --query, --item-ids or --candidates');
    expect(badBid.code).toBe(2);
    expect(badBid.err).toContain('minor units');
  }, CLI_TIMEOUT);

  it('tells an advertiser\'s own key, which cannot read the settings, to pass --currency', async () => {
    const key = await keyWithRole(app, 'aurelia-key', 'advertiser', 'advertisers/aurelia');
    const args = ['ads', 'campaigns', 'create', '--advertiser', 'aurelia', '--name', 'own', '--products', productId('Aurelia', 'lip', 3), '--bid', '20', '--daily-budget', '1000', '--key', key];
    const lookup = await rouge(...args);
    expect(lookup.code).toBe(3);
    expect(lookup.err).toContain('pass --currency');
    const given = await rouge(...args, '--currency', 'EUR');
    expect(given.code, given.err).toBe(0);
    expect(given.out).toContain('Created campaign own');
  }, CLI_TIMEOUT);

  it('reports an advertiser\'s spend and attributed revenue per campaign, as a table or the server\'s CSV', async () => {
    const write = async (...events: object[]) => {
      const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/userEvents:write`, payload: { events } });
      expect(res.statusCode, res.body).toBe(200);
    };
    // An advertiser of its own, so the numbers are this test's alone.
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/advertisers`, payload: { name: 'corail', brand: 'Corail' } })).statusCode).toBe(200);
    const lip = productId('Corail', 'lip', 1);
    await createCampaign(app, 'corail', { name: 'corail-lips', products: [lip], bid: eur(60), dailyBudget: eur(10_000), pacing: 'asap' });
    // Shown, clicked (charged at the auction's price), then two of it bought by the same visitor.
    const w = await until('the new campaign wins an auction', async () => {
      const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/auctions`, payload: { slots: 1, candidates: [{ id: lip }] } });
      return res.json().winners?.[0] as { resolvedBidId: string; campaignId: string; cpc: { amount: number } } | undefined;
    });
    expect(w.campaignId).toBe('corail-lips');
    await write(adEvent('impression', w.resolvedBidId, { userId: 'zoe' }), adEvent('click', w.resolvedBidId, { userId: 'zoe' }));
    await write({ eventId: 'corail-order-1', type: 'purchase', userId: 'zoe', eventTime: new Date().toISOString(), itemIds: [lip], lineItems: [{ id: lip, quantity: 2, price: eur(1500) }] });

    const spend = `${(w.cpc.amount / 100).toFixed(2)} EUR`;
    const table = await rouge('ads', 'report', '--advertiser', 'corail', '--group-by', 'campaign');
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/CAMPAIGN\s+IMPRESSIONS\s+CLICKS\s+INVALID\s+CTR\s+SPEND\s+ORDERS\s+REVENUE\s+HALO ORDERS\s+HALO REVENUE\s+ROAS\n/);
    const roas = `${(3000 / w.cpc.amount).toFixed(2)}x`;
    for (const key of ['corail-lips', 'TOTAL']) {
      expect(table.out).toMatch(new RegExp(`\n${key}\\s+1\\s+1\\s+0\\s+100\\.00%\\s+${spend.replace('.', '\\.')}\\s+1\\s+30\\.00 EUR\\s+0\\s+0\\.00 EUR\\s+${roas.replace('.', '\\.')}\n`));
    }

    const csv = await rouge('ads', 'report', '--advertiser', 'corail', '--group-by', 'campaign', '--csv');
    expect(csv.code, csv.err).toBe(0);
    const lines = csv.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^campaign,impressions,clicks,/);
    expect(lines[1]).toMatch(new RegExp(`^corail-lips,1,1,0,1,${w.cpc.amount},1,3000,`));
    expect(lines.at(-1)).toMatch(new RegExp(`^total,1,1,0,1,${w.cpc.amount},1,3000,`));

    const json = JSON.parse((await rouge('ads', 'report', '--advertiser', 'corail', '--json')).out);
    expect(json).toMatchObject({ groupBy: 'day', currency: 'EUR', totals: { spend: eur(w.cpc.amount), revenue: eur(3000), orders: 1 } });

    const [month, window] = await Promise.all([
      rouge('ads', 'report', '--advertiser', 'corail', '--from', '2026-13-01'),
      rouge('ads', 'report', '--advertiser', 'corail', '--from', '2026-12-09', '--to', '2026-12-01'),
    ]);
    expect(month.code).toBe(2);
    expect(month.err).toContain('2026-13-01');
    expect(window.code).toBe(2);
    expect(window.err).toContain('--from 2026-12-09 is after --to 2026-12-01');
  }, CLI_TIMEOUT);
});
