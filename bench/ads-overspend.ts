/**
 * Sponsored products: the largest overspend of a daily budget when two OS
 * processes charge one campaign at once (issue #17's third bar), the scenario
 * of test/ads-budget.test.ts's first test repeated BENCH_RUNS times.
 *
 *   npx tsx bench/ads-overspend.ts
 *   BENCH_RUNS=20 BENCH_CLICKS=200 BENCH_BID=70 npx tsx bench/ads-overspend.ts
 *
 * Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and Redis
 * (BENCH_REDIS_URL, default redis://127.0.0.1:6379). One schema `bench_ads_<random>` and one Redis key
 * prefix `bench-ads:<random>:` for the whole run, both removed at the end; each run uses a project of
 * its own (`race-<n>`), so runs share nothing but the servers.
 *
 * Each run, in this process (the whole app on PostgreSQL and Redis, as the test builds it): a shop of
 * one brand's mascara, adsSettings {EUR, reserve 5, first_price} (every click costs the full bid), an
 * advertiser and one campaign `race` (bid BENCH_BID, daily budget BENCH_DAILY, asap), one auction for
 * its resolvedBidId and an impression. Then two child processes (test/fixtures/ads-clicker.ts, the
 * test's own serving process: the whole app on the same schema and Redis prefix) each write
 * BENCH_CLICKS click events from distinct visitors on that winner, BENCH_CONCURRENCY at a time
 * through `userEvents:write`, started together once both are ready. Afterwards: the ledger's sum for
 * the campaign (what was charged), the Redis total counter, and the overspend, sum minus the daily
 * budget (never below 0). "Left" is what the budget could still have paid for (daily minus sum, when
 * at least one more bid fits): a budget that refuses clicks it could pay is the other way to fail.
 *
 * Settings: BENCH_RUNS (10), BENCH_CLICKS per process (40), BENCH_CONCURRENCY per process (8),
 * BENCH_BID (40), BENCH_DAILY (1000). Results: bench/results/ads-overspend.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { adsModule } from '../src/ads/index.js';
import { ALL_MIGRATIONS, buildApp } from '../src/app.js';
import { openPostgresStore } from '../src/platform/index.js';
import { spawnClicker } from '../test/fixtures/spawn-clicker.js';
import { ADMIN_KEY } from '../test/helpers/app.js';
import { ROOT } from './lib/root.js';
import { intEnv } from './lib/settings.js';

const PG_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const RUNS = intEnv('BENCH_RUNS', 10, 1);
const CLICKS = intEnv('BENCH_CLICKS', 40, 1);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 8, 1);
const BID = intEnv('BENCH_BID', 40, 5);
const DAILY = intEnv('BENCH_DAILY', 1000, BID);
const KEY = 'k'.repeat(40);
const schema = `bench_ads_${randomBytes(4).toString('hex')}`;
const prefix = `bench-ads:${randomBytes(4).toString('hex')}:`;

async function ok(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object): Promise<any> {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_KEY}` }, ...(payload ? { payload } : {}) });
  if (res.statusCode !== 200) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.json();
}

/** The shop and the campaign; returns a shown winner's resolvedBidId. */
async function setUp(app: FastifyInstance, p: string): Promise<string> {
  await ok(app, 'POST', '/v1/projects', { name: p });
  for (let n = 1; n <= 2; n++) {
    await ok(app, 'PUT', `/v1/projects/${p}/catalog/items/corail-eye-${n}`, { title: `Corail mascara ${n}`, brand: 'Corail', categoryPath: ['Makeup', 'Eyes', 'Mascara'], price: { amount: 1500, currency: 'EUR' }, availability: 'in_stock' });
  }
  await ok(app, 'PATCH', `/v1/projects/${p}/adsSettings`, { currency: 'EUR', reservePrice: 5, auctionType: 'first_price' });
  await ok(app, 'POST', `/v1/projects/${p}/advertisers`, { name: 'corail', brand: 'Corail' });
  await ok(app, 'POST', `/v1/projects/${p}/advertisers/corail/campaigns`, { name: 'race', products: ['corail-eye-1'], bid: { amount: BID, currency: 'EUR' }, dailyBudget: { amount: DAILY, currency: 'EUR' }, pacing: 'asap' });
  const w = (await ok(app, 'POST', `/v1/projects/${p}/auctions`, { slots: 1, query: 'mascara' })).winners[0];
  if (w?.campaignId !== 'race' || w.cpc.amount !== BID) throw new Error(`unexpected winner ${JSON.stringify(w)}`);
  await ok(app, 'POST', `/v1/projects/${p}/userEvents:write`, { events: [{ eventId: `${p}-impression`, type: 'impression', userId: 'u1', sessionId: 's1', resolvedBidId: w.resolvedBidId, eventTime: new Date().toISOString() }] });
  return w.resolvedBidId as string;
}

function clicker(p: string, token: string, visitors: string) {
  return spawnClicker({ databaseUrl: PG_URL, schema, redisUrl: REDIS_URL, cachePrefix: prefix, bidSigningKey: KEY, project: p, resolvedBidId: token, visitors, count: CLICKS, concurrency: CONCURRENCY });
}

const store = openPostgresStore({ url: PG_URL, schema, poolSize: 5 }, ALL_MIGRATIONS);
const app = await buildApp({ store, closeStore: true, config: { bootstrapAdminKey: ADMIN_KEY, keyPepper: 'p'.repeat(32), redisUrl: REDIS_URL, cachePrefix: prefix, bidSigningKey: KEY, logLevel: 'silent' } });
const runs: Array<{ run: number; acknowledged: number; charges: number; spent: number; redisDaily: number | null; redisTotal: number | null; overspend: number; left: number; seconds: number }> = [];
try {
  for (let n = 1; n <= RUNS; n++) {
    const p = `race-${n}`;
    const token = await setUp(app, p);
    const a = clicker(p, token, 'left');
    const b = clicker(p, token, 'right');
    try {
      await Promise.all([a.ready, b.ready]);
      const t = performance.now();
      a.child.stdin!.write('go\n');
      b.child.stdin!.write('go\n');
      const acknowledged = (await a.done) + (await b.done);
      const seconds = (performance.now() - t) / 1000;
      const ledger = await app.rouge.use(adsModule).ledger(p, 'race');
      const spent = ledger.reduce((s, r) => s + Number(r.amount), 0);
      const redisTotal = await app.rouge.cache.counter(`ads:spend:${p}:race:total`);
      const redisDaily = ledger[0] ? await app.rouge.cache.counter(`ads:spend:${p}:race:${ledger[0].day}`) : null;
      const left = DAILY - spent >= BID ? DAILY - spent : 0;
      runs.push({ run: n, acknowledged, charges: ledger.length, spent, redisDaily, redisTotal, overspend: Math.max(0, spent - DAILY), left, seconds });
      process.stderr.write(`run ${n}: ${acknowledged} clicks acknowledged in ${seconds.toFixed(2)} s, ${ledger.length} charged, spent ${spent} of ${DAILY} (Redis daily ${redisDaily}, total ${redisTotal})\n`);
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  }
} finally {
  await app.close();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

const largest = Math.max(...runs.map((r) => r.overspend));
console.log(`\nTwo processes x ${CLICKS} clicks (${CONCURRENCY} at a time each) on one campaign, bid ${BID}, daily budget ${DAILY} (${Math.floor(DAILY / BID)} clicks), first price, ${RUNS} runs\n`);
console.log('| run | clicks acknowledged | charged | spent (ledger) | Redis daily counter | Redis total counter | overspend | left unspent (a bid still fitted) | seconds |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of runs) console.log(`| ${r.run} | ${r.acknowledged} | ${r.charges} | ${r.spent} | ${r.redisDaily} | ${r.redisTotal} | ${r.overspend} | ${r.left} | ${r.seconds.toFixed(2)} |`);
console.log(`\nLargest overspend: ${largest} (of a daily budget of ${DAILY}); largest left unspent: ${Math.max(...runs.map((r) => r.left))}`);
const drift = runs.filter((r) => r.redisTotal !== r.spent || r.redisDaily !== r.spent);
if (drift.length) console.log(`WARNING: in ${drift.length} of ${RUNS} runs a Redis spend counter ended different from the ledger's sum (daily ${drift.map((r) => r.redisDaily).join(', ')}; total ${drift.map((r) => r.redisTotal).join(', ')}; ledger ${drift.map((r) => r.spent).join(', ')})`);
console.log(`Node ${process.version}, ${availableParallelism()} CPUs ${cpus()[0]?.model.trim()}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'ads-overspend.json'), `${JSON.stringify({ benchmark: 'ads-overspend', generatedAt: new Date().toISOString(), settings: { runs: RUNS, clicks: CLICKS, concurrency: CONCURRENCY, bid: BID, daily: DAILY }, runs, largestOverspend: largest, counterDriftRuns: drift.length }, null, 2)}\n`);
process.exit(0);
