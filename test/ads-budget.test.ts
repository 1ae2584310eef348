/**
 * Budgets under the conditions that break them: two OS processes on
 * PostgreSQL and Redis charging one campaign at once, and Redis restarted
 * empty in the middle of the day. Spend never passes the daily budget (the
 * charge is a capped increment; a lost counter is rebuilt from the ledger
 * before anyone charges again).
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { adsModule } from '../src/ads/index.js';
import { ALL_MIGRATIONS, buildApp } from '../src/app.js';
import { openPostgresStore } from '../src/platform/index.js';
import { adEvent, createAdvertisers, createCampaign, eur, P, productId, stockBeautyShop } from './ads-fixture.js';
import { ADMIN_KEY } from './helpers/app.js';
import { spawnClicker } from './fixtures/spawn-clicker.js';
import { redisServerUnavailable, startPrivateRedis, type PrivateRedis } from './helpers/redis-server.js';
import { freshSchema, newCachePrefix, TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/stores.js';
import { until } from './helpers/until.js';

const KEY = 'k'.repeat(40);
const BID = 40;
const DAILY = 1000;

const skip = !TEST_DATABASE_URL || !TEST_REDIS_URL ? 'needs ROUGE_TEST_DATABASE_URL and ROUGE_TEST_REDIS_URL' : undefined;
if (skip) process.stdout.write(`NOTE: the sponsored-products budget tests are skipped: ${skip}\n`);
const restartSkip = skip ?? redisServerUnavailable();
if (!skip && restartSkip) process.stdout.write(`NOTE: the Redis-restart budget test is skipped: ${restartSkip}\n`);

/** A shop with one first-price campaign (every click costs the full bid), and a shown winner's resolvedBidId. */
async function setUp(app: FastifyInstance): Promise<string> {
  await stockBeautyShop(app);
  expect((await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/adsSettings`, payload: { auctionType: 'first_price' } })).statusCode).toBe(200);
  await createAdvertisers(app);
  await createCampaign(app, 'corail', { name: 'race', products: [productId('Corail', 'eye', 1)], bid: eur(BID), dailyBudget: eur(DAILY), pacing: 'asap' });
  const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/auctions`, payload: { slots: 1, query: 'mascara' } });
  const w = res.json().winners[0];
  expect(w).toMatchObject({ campaignId: 'race', cpc: eur(BID) });
  const shown = await app.inject({ method: 'POST', url: `/v1/projects/${P}/userEvents:write`, payload: { events: [adEvent('impression', w.resolvedBidId)] } });
  expect(shown.statusCode).toBe(200);
  return w.resolvedBidId;
}

/** Sends the admin key with every injected request that carries none (as buildTestApp does). */
async function asAdmin(app: FastifyInstance): Promise<FastifyInstance> {
  const inject = app.inject.bind(app) as (o: InjectOptions) => ReturnType<FastifyInstance['inject']>;
  (app as { inject: unknown }).inject = (o: InjectOptions) => inject({ ...o, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(o.headers as object | undefined) } });
  return app;
}

const spent = async (app: FastifyInstance) => (await app.rouge.use(adsModule).ledger(P, 'race')).reduce((n, r) => n + Number(r.amount), 0);

function clicker(schema: string, prefix: string, token: string, visitors: string, count: number) {
  return spawnClicker({ databaseUrl: TEST_DATABASE_URL!, schema, redisUrl: TEST_REDIS_URL!, cachePrefix: prefix, bidSigningKey: KEY, project: P, resolvedBidId: token, visitors, count, concurrency: 8 });
}

describe.skipIf(skip)('sponsored-product budgets across processes', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  });

  it('never lets two OS processes charging one campaign at once spend past its daily budget', async () => {
    const schema = freshSchema();
    const prefix = newCachePrefix();
    const store = openPostgresStore({ url: TEST_DATABASE_URL!, schema, poolSize: 5 }, ALL_MIGRATIONS);
    const app = await asAdmin(await buildApp({ store, closeStore: true, config: { bootstrapAdminKey: ADMIN_KEY, keyPepper: 'p'.repeat(32), redisUrl: TEST_REDIS_URL, cachePrefix: prefix, bidSigningKey: KEY } }));
    closers.push(() => app.close());
    const token = await setUp(app);
    // 2 x 40 visitors click the one winner: 80 chargeable clicks of 40 against a budget of 25 clicks.
    const a = clicker(schema, prefix, token, 'left', 40);
    const b = clicker(schema, prefix, token, 'right', 40);
    closers.push(async () => a.child.kill('SIGKILL'), async () => b.child.kill('SIGKILL'));
    await Promise.all([a.ready, b.ready]);
    a.child.stdin!.write('go\n');
    b.child.stdin!.write('go\n');
    expect(await a.done + await b.done).toBe(80);
    const total = await spent(app);
    expect(total).toBe(Math.floor(DAILY / BID) * BID);
    expect(total).toBeLessThanOrEqual(DAILY);
    const c = (await app.inject({ url: `/v1/projects/${P}/advertisers/corail/campaigns/race` })).json();
    expect(c.spend).toEqual({ today: eur(total), total: eur(total) });
  }, 120_000);

  it.skipIf(restartSkip)('rebuilds the spend counters from the ledger when Redis restarts empty mid-day, and never overspends', async () => {
    const redis: PrivateRedis = await startPrivateRedis();
    closers.push(() => redis.stop());
    const store = openPostgresStore({ url: TEST_DATABASE_URL!, schema: freshSchema(), poolSize: 5 }, ALL_MIGRATIONS);
    const app = await asAdmin(await buildApp({ store, closeStore: true, config: { bootstrapAdminKey: ADMIN_KEY, redisUrl: redis.url, cachePrefix: 'ads:', bidSigningKey: KEY } }));
    closers.push(() => app.close());
    const token = await setUp(app);
    const click = async (who: string) => app.inject({ method: 'POST', url: `/v1/projects/${P}/userEvents:write`, payload: { events: [adEvent('click', token, { userId: who })] } });
    for (let i = 0; i < 15; i++) expect((await click(`before-${i}`)).statusCode).toBe(200);
    expect(await spent(app)).toBe(15 * BID);
    await redis.kill();
    await redis.start();
    // The client reconnects; then every click must be judged against the ledger's 600, not an empty counter.
    await until('the cache answers again', async () => ((await click('probe-0')).statusCode === 200 ? true : undefined), 20_000, 100);
    for (let i = 0; i < 30; i++) await click(`after-${i}`);
    const total = await spent(app);
    expect(total).toBe(Math.floor(DAILY / BID) * BID);
    expect(await app.rouge.cache.counter(`ads:spend:${P}:race:total`)).toBe(total);
  }, 120_000);
});
