/**
 * The sponsored-products auction in process (issue #17's bar: "an auction over
 * 10,000 active campaigns: p99 under 1 ms in process"). Builds the whole app
 * on an in-memory SQLite store and the in-memory cache, imports a generated
 * catalogue (BENCH_PRODUCTS products of BENCH_BRANDS brands spread evenly
 * over BENCH_CATEGORIES categories, 5% out of stock at random), makes every
 * brand an advertiser and creates BENCH_CAMPAIGNS active campaigns through
 * the ads services, each promoting BENCH_PER_CAMPAIGN products of its
 * advertiser's brand (seeded random picks, so products are shared between
 * campaigns of a brand), bids 5 to 300, half paced evenly, half asap. Then times
 * `auctions.run(project, req)` for three kinds of page, BENCH_CALLS calls each
 * after BENCH_WARMUP unmeasured ones:
 *
 * - one category (a search matching one category), rotating over every category;
 * - BENCH_SPAN categories at once (a search matching several);
 * - 500 candidate ids with qualities (the auction route's `candidates`), random products.
 *
 * Every request asks for 2 slots and excludes 10 products (the page's organic
 * items), with a relevance function as `:recommend` hands one (a Map lookup).
 * Each call is timed alone (performance.now()); every 50 calls the loop yields
 * to the event loop (setImmediate), so the book's once-a-second spend refresh
 * runs between calls, as it does between requests in a server, and not inside
 * a timed call. The offers an auction considered come from the same requests
 * with `debug: true`, run apart from the timed ones.
 *
 *   npx tsx bench/micro/auction.ts
 *   BENCH_CAMPAIGNS=50000 npx tsx bench/micro/auction.ts
 *   node --cpu-prof --import tsx bench/micro/auction.ts    # with a profile
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { adsModule, type AuctionRequest } from '../../src/ads/index.js';
import { buildApp } from '../../src/app.js';
import { seededRandom } from '../../src/recs/random.js';

const CATEGORIES = Number(process.env.BENCH_CATEGORIES ?? 200);
const BRANDS = Number(process.env.BENCH_BRANDS ?? 100);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 40_000);
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 10_000);
const PER_CAMPAIGN = Number(process.env.BENCH_PER_CAMPAIGN ?? 4);
const SPAN = Number(process.env.BENCH_SPAN ?? 5);
const CANDIDATES = Number(process.env.BENCH_CANDIDATES ?? 500);
const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5_000);
const SLOTS = 2;
const KEY = `rk_benchads01_${'A1b2C3d4E5'.repeat(4)}xyz`;
const P = 'bench';

const rnd = seededRandom(17);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const app = await buildApp({ config: { bootstrapAdminKey: KEY, rateLimitPerSecond: 0 }, logger: false });
const inject = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: method as 'POST', url, payload: payload as never, headers: { authorization: `Bearer ${KEY}`, ...headers } });

// ---- catalogue: product i is in category i % CATEGORIES and of brand floor(i / CATEGORIES) % BRANDS
let t = performance.now();
await inject('POST', '/v1/projects', { name: P });
const category = (c: number) => ['Shop', `Department ${c % 10}`, `Category ${c}`];
const joined = (c: number) => category(c).join(' > ');
const brandOf = (i: number) => Math.floor(i / CATEGORIES) % BRANDS;
const ids = Array.from({ length: PRODUCTS }, (_, i) => `p-${i}`);
const lines = ids.map((id, i) => JSON.stringify({
  id, title: `Product ${i} of brand ${brandOf(i)}`, brand: `Brand ${brandOf(i)}`, categoryPath: category(i % CATEGORIES),
  price: { amount: 500 + (i % 5000), currency: 'EUR' }, availability: rnd() < 0.05 ? 'out_of_stock' : 'in_stock',
}));
const imported = (await inject('POST', `/v1/projects/${P}/catalog/items:import`, lines.join('\n'), { 'content-type': 'application/x-ndjson' })).json();
for (;;) {
  const op = (await inject('GET', `/v1/${imported.name}`)).json();
  if (op.done) {
    if (op.error || op.response.rejected > 0) throw new Error(`items:import: ${JSON.stringify(op.error ?? op.response.rejections?.slice(0, 3))}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
process.stderr.write(`catalogue: ${PRODUCTS} products, ${BRANDS} brands, ${CATEGORIES} categories in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

// ---- advertisers and campaigns, through the services
t = performance.now();
const ads = app.rouge.use(adsModule);
await ads.settings.update(P, { currency: 'EUR', reservePrice: 5 });
const byBrand: string[][] = Array.from({ length: BRANDS }, () => []);
ids.forEach((id, i) => byBrand[brandOf(i)]!.push(id));
for (let b = 0; b < BRANDS; b++) await ads.advertisers.create(P, { name: `brand-${b}`, brand: `Brand ${b}` });
const eur = (amount: number) => ({ amount, currency: 'EUR' });
for (let c = 0; c < CAMPAIGNS; c++) {
  const b = c % BRANDS;
  const mine = byBrand[b]!;
  const products = new Set<string>();
  while (products.size < Math.min(PER_CAMPAIGN, mine.length)) products.add(pick(mine));
  const bid = 5 + Math.floor(rnd() * 296);
  await ads.campaigns.create(P, `brand-${b}`, { name: `c-${c}`, products: [...products], bid: eur(bid), dailyBudget: eur(bid * 1000), pacing: c % 2 === 0 ? 'even' : 'asap' });
}
process.stderr.write(`ads: ${BRANDS} advertisers, ${CAMPAIGNS} active campaigns of ${PER_CAMPAIGN} products in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

// Let the app's background work after the imports and creations finish (up to 30 s) before timing.
for (let k = 0; k < 30; k++) {
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 1000));
  const c = process.cpuUsage(c0);
  if (c.user + c.system < 50_000) break;
}

// ---- requests
const relevance = new Map(ids.map((id) => [id, 0.25 + 0.75 * rnd()]));
const relevanceOf = (id: string) => relevance.get(id);
const shown = () => new Set(Array.from({ length: 10 }, () => pick(ids)));
const pages: Record<string, (i: number) => AuctionRequest> = {
  'one category (rotating over all)': (i) => ({ slots: SLOTS, categories: new Set([joined(i % CATEGORIES)]), exclude: shown(), relevance: relevanceOf }),
  [`${SPAN} categories`]: (i) => ({ slots: SLOTS, categories: new Set(Array.from({ length: SPAN }, (_, k) => joined((i * 7 + k * 31) % CATEGORIES))), exclude: shown(), relevance: relevanceOf }),
  [`${CANDIDATES} candidate ids`]: () => ({ slots: SLOTS, candidates: Array.from({ length: CANDIDATES }, () => ({ id: pick(ids), quality: 0.1 + 0.9 * rnd() })), exclude: shown() }),
};

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const rows: string[] = [];
// The first auction loads the book (every live campaign and its products from the store): timed apart.
t = performance.now();
await ads.auctions.run(P, pages['one category (rotating over all)']!(0));
const loadMs = performance.now() - t;
for (const [name, make] of Object.entries(pages)) {
  // Requests are built before timing, so the loop times the auction only.
  const reqs = Array.from({ length: WARMUP + CALLS }, (_, i) => make(i));
  const considered: number[] = [];
  const eligible: number[] = [];
  for (let i = 0; i < 500; i++) {
    const r = await ads.auctions.run(P, { ...reqs[i]!, debug: true });
    considered.push(r.debug!.considered);
    eligible.push(Number(/; (\d+) eligible/.exec(r.debug!.notes[0]!)?.[1] ?? NaN));
  }
  considered.sort((a, b) => a - b);
  eligible.sort((a, b) => a - b);
  const us = new Float64Array(CALLS);
  let winners = 0;
  const cpu0 = process.cpuUsage();
  let wall = 0;
  for (let i = 0; i < WARMUP + CALLS; i++) {
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    const t0 = performance.now();
    const r = await ads.auctions.run(P, reqs[i]!);
    const dt = performance.now() - t0;
    if (i >= WARMUP) {
      us[i - WARMUP] = dt * 1000;
      wall += dt;
      winners += r.winners.length;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  us.sort();
  const mean = us.reduce((a, b) => a + b, 0) / CALLS;
  rows.push(`| ${name} | ${considered[considered.length >> 1]} (${considered[0]}-${considered[considered.length - 1]}) | ${eligible[eligible.length >> 1]} | ${(winners / CALLS).toFixed(2)} | ${mean.toFixed(1)} | ${pct(us, 0.5).toFixed(1)} | ${pct(us, 0.99).toFixed(1)} | ${pct(us, 0.999).toFixed(1)} | ${us[CALLS - 1]!.toFixed(0)} |`);
  process.stderr.write(`${name}: done (CPU incl. warm-up and yields ${((cpu.user + cpu.system) / (WARMUP + CALLS)).toFixed(1)} µs per call, timed wall ${(wall * 1000 / CALLS).toFixed(1)} µs)\n`);
}

console.log(`\nAuction over ${CAMPAIGNS.toLocaleString('en-US')} active campaigns (${(CAMPAIGNS * PER_CAMPAIGN).toLocaleString('en-US')} offers on ${PRODUCTS.toLocaleString('en-US')} products, ${CATEGORIES} categories, ${BRANDS} advertisers), ${SLOTS} slots, second price; ${CALLS.toLocaleString('en-US')} timed calls per row after ${WARMUP.toLocaleString('en-US')} warm-up calls; first auction (loads the book) ${loadMs.toFixed(0)} ms\n`);
console.log('| page | offers considered p50 (min-max of 500) | eligible p50 | winners per auction | mean µs | p50 µs | p99 µs | p99.9 µs | max µs |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log(`\nNode ${process.version}, ${availableParallelism()} CPUs ${cpus()[0]?.model.trim()}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}, not pinned`);
await app.close();
