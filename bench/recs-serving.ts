/**
 * Recommendations serving benchmark: `:recommend` (search, similar, for-you)
 * at a fixed rate and at saturation, on a generated store of 100,000 items and
 * 1,000,000 events, plus the cost of getting there (imports, training).
 *
 *   npm run bench:recs             (= npx tsx bench/recs-serving.ts)
 *   BENCH_ITEMS=10000 BENCH_EVENTS=100000 BENCH_SECONDS=10 BENCH_WARMUP=3 npm run bench:recs   (a quick check)
 *
 * What is served: by default a snapshot of the working tree (bench/lib/worktree.ts: the files git sees,
 * copied to <tmpdir>/rouge-bench-recs-<head>-<digest>, built there with tsc), because the
 * recommendation code may not be committed yet; BENCH_REF=<commit> exports and builds that commit
 * instead (bench/lib/export.ts), BENCH_ROUGE_DIR serves another checkout's dist as it is.
 *
 * 1. Setup. `node dist/cli/main.js serve --data-dir <fresh tmp> --log-level warn --rate-limit 0
 *    --bootstrap-admin-key rk_benchrecs1_<random>` (SQLite, the default store), pinned to CPU 0
 *    with taskset. Project `bench`. The demo generator of the served tree (src/demo) makes
 *    BENCH_ITEMS items and about BENCH_EVENTS events (BENCH_USERS shoppers, seed BENCH_SEED),
 *    written to JSONL files and streamed through `catalog/items:import` and `userEvents:import`;
 *    each Operation is polled until done. `recs:train {"alias": "champion"}`: the Operation's
 *    `response.seconds`, the wall time, and the server's peak RSS while it ran (VmRSS sampled
 *    every 50 ms, and VmHWM before and after; RssAnon beside it, since RSS also counts the pages of
 *    the SQLite file that the store maps). Recommenders `search`, `similar`, `for-you`
 *    (model recs@champion). Checks before any load: each kind answers 200 with items, a request
 *    without the key gets 401, and the share of the query set that `search` matches.
 * 2. Fixed rate. A prepared sequence of requests: kind drawn by BENCH_MIX (default 1:1:1); search
 *    `{query, limit: 10}` with the query drawn Zipf(BENCH_ZIPF, default 1.0) over BENCH_QUERIES
 *    (10,000) distinct strings built from the catalogue (product-type words and what shoppers
 *    type for them, shade names and families, finishes, product lines, brands; then pairs and
 *    triples of those), ranks assigned by a seeded shuffle; similar `{itemIds: [id], limit: 10}`
 *    with the item uniform over the catalogue; for-you `{userId, limit: 10}` with the user uniform
 *    over the signed-in shoppers that have events. Sent by bench/lib/recs-load.ts (paced open
 *    loop, uniform arrivals, latency from the scheduled send time) pinned to CPU 1, at BENCH_RATE
 *    (2,000/s) over up to BENCH_CONNECTIONS (256) keep-alive connections, every request with the
 *    admin key: BENCH_WARMUP (10) s of warm-up, then BENCH_SECONDS (60) s measured.
 *    Query cache: /metrics is read before and after the measured run; if it has no query-cache
 *    counter the script says so, and prints the hit rate the request sequence implies for a cache
 *    that keeps every distinct normalised query (the catalogue does not change during the run).
 * 3. Saturation. The same sequence, closed loop: autocannon (library) with BENCH_MAX_CONNECTIONS
 *    (50) connections for BENCH_MAX_SECONDS (20) s after 3 s of warm-up; then Rouge is stopped and
 *    the same against bench/lib/fastify-recs-ceiling.mjs (bare Fastify answering every POST with
 *    one of Rouge's own :recommend responses, byte for byte), pinned as Rouge was.
 *
 * Settings (environment): BENCH_ITEMS (100000), BENCH_EVENTS (1000000), BENCH_USERS (events / 20),
 * BENCH_SEED (1), BENCH_RATE (2000), BENCH_SECONDS (60), BENCH_WARMUP (10), BENCH_CONNECTIONS (256),
 * BENCH_QUERIES (10000), BENCH_ZIPF (1.0), BENCH_MIX (search:similar:for-you, 1:1:1),
 * BENCH_MAX_CONNECTIONS (50), BENCH_MAX_SECONDS (20; 0 skips part 3), BENCH_QUIET_WAIT (seconds to
 * wait for a quiet machine before each load run, 120), BENCH_REF, BENCH_ROUGE_DIR, BENCH_SKIP_BUILD=1,
 * BENCH_KEEP=1 (keep the work directory), BENCH_RERANK=1 (the search recommender re-ranks its best 50
 * candidates with a logistic regression on an endpoint), BENCH_SPONSORED (0; 1 to 10: every search
 * request asks for that many sponsored slots, see below), BENCH_AD_BRANDS (8), BENCH_AD_PRODUCTS (50).
 * Results: bench/results/recs-serving.json.
 *
 * Sponsored products (BENCH_SPONSORED=N > 0, issue #17's bench): the search requests carry
 * `sponsoredSlots: N` (similar and for-you requests are unchanged). Setup, after the recommenders:
 * adsSettings {currency: the catalogue's, reservePrice: 100}; the BENCH_AD_BRANDS brands with the most
 * products each become an advertiser, with one campaign per category it sells in, promoting up to
 * BENCH_AD_PRODUCTS of its products there (in stock first, then by id), bid 300 + 150 x the brand's
 * rank (minor units), a daily budget of 10,000,000, even pacing (the default). Checks before any load:
 * the share of the 500 most frequent queries whose answer fills all N slots, and the offers the
 * auction considered for 200 of them (the same requests with `debug: true`). Nothing clicks, so
 * no budget is spent during the run. With N = 0 (the default) no advertiser is created and the
 * requests are as before.
 * Benchmarks print numbers; nothing here asserts on them.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { ROUGE_VARIABLES, envCleaner } from './lib/child-env.js';
import { alive, live, runMain, startChild, stopChild, stopOnSignals, waitReady, type Child } from './lib/children.js';
import { buildSettings, exportCommit } from './lib/export.js';
import { freePort } from './lib/free-port.js';
import { LOAD_CPU, SERVER_CPU, canPin, pinned } from './lib/pinning.js';
import { cpuTicks, machineTicks, readClockTicks } from './lib/proc.js';
import { IDLE_MAX_PCT, OTHER_MAX_PCT, STEAL_MAX_PCT, waitQuiet as waitForQuiet } from './lib/quiet.js';
import { ROOT } from './lib/root.js';
import { intEnv } from './lib/settings.js';
import { snapshotWorktree } from './lib/worktree.js';
import { seededRandom } from '../src/recs/random.js';

// ---------------------------------------------------------------- settings

const HOST = '127.0.0.1';
const PROJECT = 'bench';
const ITEMS = intEnv('BENCH_ITEMS', 100_000, 100);
const EVENTS = intEnv('BENCH_EVENTS', 1_000_000, 1000);
const USERS = intEnv('BENCH_USERS', Math.max(2000, Math.round(EVENTS / 20)), 10);
const SEED = intEnv('BENCH_SEED', 1, 0);
const RATE = intEnv('BENCH_RATE', 2000, 1);
const SECONDS = intEnv('BENCH_SECONDS', 60, 3);
const WARMUP = intEnv('BENCH_WARMUP', 10, 0);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 256, 1);
const QUERIES = intEnv('BENCH_QUERIES', 10_000, 1);
const ZIPF = Number(process.env.BENCH_ZIPF || '1.0');
if (!(ZIPF >= 0)) throw new Error('BENCH_ZIPF must be a number >= 0');
const MIX = (process.env.BENCH_MIX || '1:1:1').split(':').map(Number);
if (MIX.length !== 3 || MIX.some((x) => !(x >= 0)) || MIX.every((x) => x === 0)) throw new Error('BENCH_MIX must be search:similar:for-you weights, e.g. 1:1:1');
const MAX_CONNECTIONS = intEnv('BENCH_MAX_CONNECTIONS', 50, 1);
const MAX_SECONDS = intEnv('BENCH_MAX_SECONDS', 20, 0);
const MAX_WARMUP = 3;
const QUIET_WAIT_S = intEnv('BENCH_QUIET_WAIT', 120, 0);
const { explicitDir: EXPLICIT_DIR, skipBuild: SKIP_BUILD } = buildSettings();
const REF = process.env.BENCH_REF?.trim() || undefined;
const RESULTS_FILE = join(ROOT, 'bench', 'results', 'recs-serving.json');

const ADMIN_KEY = `rk_benchrecs1_${randomBytes(32).toString('hex').slice(0, 43)}`;
const AUTH = { authorization: `Bearer ${ADMIN_KEY}` };
const KIND_NAMES = ['search', 'similar', 'for-you'] as const;
/** BENCH_RERANK=1: the `search` recommender re-ranks its best 50 candidates with the demo's logistic-regression ranker, deployed on an endpoint (issue #16's bench). */
const RERANK = process.env.BENCH_RERANK === '1';
/** BENCH_SPONSORED=N: search requests ask for N sponsored slots, and the setup creates advertisers and campaigns (issue #17's bench). */
const SPONSORED = intEnv('BENCH_SPONSORED', 0, 0);
if (SPONSORED > 10) throw new Error('BENCH_SPONSORED must be 0 to 10 (the sponsoredSlots range)');
const AD_BRANDS = intEnv('BENCH_AD_BRANDS', 8, 1);
const AD_PRODUCTS = intEnv('BENCH_AD_PRODUCTS', 50, 1);
if (AD_PRODUCTS > 1000) throw new Error('BENCH_AD_PRODUCTS must be at most 1000 (a campaign promotes at most 1000 products)');
const LIMIT = 10;

stopOnSignals();
const cleanEnv = envCleaner(ROUGE_VARIABLES);
let pinningEnabled = true;
let clockTicks = 100;

// ---------------------------------------------------------------- small helpers

const fmt = (n: number | null | undefined, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const fmtMs = (n: number | null | undefined) => (n === null || n === undefined ? 'n/a' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const mb = (kb: number) => Math.round(kb / 1024);

/** The engine's seeded PRNG (mulberry32), so the request sequence is the same for the same settings. */
const prng = seededRandom;

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

function procStatusKb(pid: number | undefined, field: 'VmRSS' | 'VmHWM' | 'RssAnon'): number | null {
  if (pid === undefined) return null;
  try {
    const m = new RegExp(`${field}:\\s*(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function runToEnd(name: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Child> {
  const c = startChild(name, argv, env, true, cwd);
  await c.exited;
  if (c.proc.exitCode !== 0) throw new Error(`${name} failed (exit ${c.proc.exitCode ?? c.proc.signalCode}):\n  ${c.tail.join('\n  ')}`);
  return c;
}

// ---------------------------------------------------------------- HTTP to the server

let BASE = '';

/** One request; the body a string, a file stream or nothing. */
function call(method: string, path: string, body?: string | NodeJS.ReadableStream, contentType = 'application/json', headers: Record<string, string> = AUTH): Promise<{ status: number; text: string }> {
  const url = new URL(path, BASE);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers: { ...headers, ...(body !== undefined ? { 'content-type': contentType } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(600_000, () => req.destroy(new Error(`${method} ${path}: no answer in 600 s`)));
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string') req.end(body);
    else body.pipe(req);
  });
}

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(method, path, body === undefined ? undefined : JSON.stringify(body));
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} answered ${r.status}: ${r.text.slice(0, 500)}`);
  return r.text ? JSON.parse(r.text) : undefined;
}

/** Registers the demo's ranker (an ONNX logistic regression over the 7 re-ranking features) and deploys it on endpoint `ranker`. */
async function deployRanker(rougeDir: string): Promise<void> {
  const { RANKER_ONNX } = (await import(pathToFileURL(join(rougeDir, 'src', 'demo', 'ranker.ts')).href)) as typeof import('../src/demo/ranker.js');
  await api('POST', `/v1/projects/${PROJECT}/models`, { name: 'ranker' });
  const boundary = `----rouge${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"framework":"onnx","aliases":["champion"]}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="artifact"; filename="ranker.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    RANKER_ONNX, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const { Readable } = await import('node:stream');
  const up = await call('POST', `/v1/projects/${PROJECT}/models/ranker/versions`, Readable.from([body]), `multipart/form-data; boundary=${boundary}`);
  if (up.status !== 200) throw new Error(`uploading the ranker answered ${up.status}: ${up.text.slice(0, 300)}`);
  await api('POST', `/v1/projects/${PROJECT}/endpoints`, { name: 'ranker' });
  const op = await api('POST', `/v1/projects/${PROJECT}/endpoints/ranker:deployModel`, { deployedModel: { model: 'ranker@champion' }, trafficSplit: { '0': 100 } });
  await waitOperation(op.name);
  console.log('   ranker@champion deployed on endpoint ranker; search re-ranks its best 50 candidates with it');
}

/** Polls an Operation until done, calling `each` every 50 ms meanwhile; throws on an error. */
async function waitOperation(name: string, each?: () => void): Promise<any> {
  let lastPoll = 0;
  for (;;) {
    each?.();
    if (Date.now() - lastPoll >= 200) {
      lastPoll = Date.now();
      const op = await api('GET', `/v1/${name}`);
      if (op.done) {
        if (op.error) throw new Error(`${name} failed: ${JSON.stringify(op.error)}`);
        return op;
      }
    }
    await sleep(50);
  }
}

// ---------------------------------------------------------------- data

interface Generated {
  itemsFile: string;
  eventsFile: string;
  itemIds: string[];
  users: string[];
  events: number;
  queries: string[];
  normalisedDistinct: number;
  normalise: (q: string) => string;
  generateSeconds: number;
  /** BENCH_SPONSORED > 0: the campaigns to create, one per (brand, category); empty otherwise. */
  adPlan: AdPlan;
}

interface AdPlan {
  currency: string;
  campaigns: Array<{ advertiser: string; brand: string; rank: number; category: string; products: string[] }>;
}

/** The advertisers' campaigns: the AD_BRANDS brands with the most products, one campaign per category they sell in. */
function planAds(items: Array<{ id: string; brand: string; categoryPath: string[]; availability?: string; price?: { currency: string } }>): AdPlan {
  const currency = items.find((i) => i.price)?.price?.currency ?? 'EUR';
  if (SPONSORED === 0) return { currency, campaigns: [] };
  const count = new Map<string, number>();
  for (const i of items) count.set(i.brand, (count.get(i.brand) ?? 0) + 1);
  const brands = [...count].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, AD_BRANDS).map(([b]) => b);
  const campaigns: AdPlan['campaigns'] = [];
  brands.forEach((brand, rank) => {
    const byCategory = new Map<string, typeof items>();
    for (const i of items) {
      if (i.brand !== brand) continue;
      const c = i.categoryPath.join(' > ');
      const list = byCategory.get(c);
      if (list) list.push(i);
      else byCategory.set(c, [i]);
    }
    const advertiser = brand.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    for (const [category, list] of [...byCategory].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const inStock = (i: (typeof items)[number]) => Number(i.availability === 'in_stock' || i.availability === 'preorder');
      const products = list.slice().sort((a, b) => inStock(b) - inStock(a) || (a.id < b.id ? -1 : 1)).slice(0, AD_PRODUCTS).map((i) => i.id);
      campaigns.push({ advertiser, brand, rank, category, products });
    }
  });
  return { currency, campaigns };
}

/** Creates the plan's advertisers and campaigns over HTTP; returns what was made. */
async function createAds(plan: AdPlan): Promise<{ advertisers: number; campaigns: number; offers: number; seconds: number }> {
  const t = performance.now();
  await api('PATCH', `/v1/projects/${PROJECT}/adsSettings`, { currency: plan.currency, reservePrice: 100 });
  const made = new Set<string>();
  let offers = 0;
  for (const [n, c] of plan.campaigns.entries()) {
    if (!made.has(c.advertiser)) {
      await api('POST', `/v1/projects/${PROJECT}/advertisers`, { name: c.advertiser, brand: c.brand, displayName: c.brand });
      made.add(c.advertiser);
    }
    const money = (amount: number) => ({ amount, currency: plan.currency });
    await api('POST', `/v1/projects/${PROJECT}/advertisers/${c.advertiser}/campaigns`, { name: `${c.advertiser}-${n}`, displayName: `${c.brand}: ${c.category}`, products: c.products, bid: money(300 + 150 * c.rank), dailyBudget: money(10_000_000) });
    offers += c.products.length;
  }
  return { advertisers: made.size, campaigns: plan.campaigns.length, offers, seconds: (performance.now() - t) / 1000 };
}

/** Distinct query strings from the catalogue's own vocabulary: single words and phrases, then pairs, then triples. */
function buildQueries(items: Array<{ brand: string; categoryPath: string[]; title: string; attributes: Record<string, unknown> }>, typeQueries: string[], count: number, rnd: () => number): string[] {
  const types = new Set<string>();
  const mods = new Set<string>();
  const brands = new Set<string>();
  for (const it of items) {
    types.add(it.categoryPath[it.categoryPath.length - 1]!.toLowerCase());
    brands.add(it.brand.toLowerCase());
    for (const k of ['shade', 'shadeFamily', 'finish', 'variant', 'benefit']) {
      const v = it.attributes[k];
      if (typeof v === 'string' && v) mods.add(v.toLowerCase());
    }
    // The product line: the title's first word ("Bold Matte Lipstick - ..." -> "bold").
    const first = it.title.split(/\s+/)[0];
    if (first && /^[A-Za-z]+$/.test(first)) mods.add(first.toLowerCase());
  }
  for (const q of typeQueries) types.add(q.toLowerCase());
  const T = [...types].sort();
  const M = [...mods].sort();
  const B = [...brands].sort();
  const out = new Set<string>();
  const tiers: string[][] = [
    [...T, ...M, ...B],
    [...M.flatMap((m) => T.map((t) => `${m} ${t}`)), ...B.flatMap((b) => T.map((t) => `${b} ${t}`))],
    [...B.flatMap((b) => M.map((m) => `${b} ${m}`)), ...T.map((t) => `${t} for men`), ...T.map((t) => `${t} for women`), ...T.map((t) => `${t} under 500`)],
    B.flatMap((b) => M.flatMap((m) => T.map((t) => `${b} ${m} ${t}`))),
  ];
  for (const tier of tiers) {
    for (const q of shuffle(tier.slice(), rnd)) {
      if (out.size >= count) break;
      out.add(q);
    }
    if (out.size >= count) break;
  }
  if (out.size < count) throw new Error(`only ${out.size} distinct queries can be built from this catalogue (BENCH_QUERIES=${count})`);
  // Ranks: a seeded shuffle, so the most frequent queries are a mix of tiers, not only single words.
  return shuffle([...out], rnd);
}

async function generate(rougeDir: string, work: string): Promise<Generated> {
  const t0 = performance.now();
  const demoCatalog = (await import(pathToFileURL(join(rougeDir, 'src', 'demo', 'catalog.ts')).href)) as typeof import('../src/demo/catalog.js');
  const demoEvents = (await import(pathToFileURL(join(rougeDir, 'src', 'demo', 'events.ts')).href)) as typeof import('../src/demo/events.js');
  const types = (await import(pathToFileURL(join(rougeDir, 'src', 'demo', 'product-types.ts')).href)) as typeof import('../src/demo/product-types.js');
  const searchIndex = (await import(pathToFileURL(join(rougeDir, 'src', 'catalog', 'search-index.ts')).href)) as { normaliseQuery?: (q: string) => string[] };
  const options = { items: ITEMS, users: USERS, events: EVENTS, baseUrl: 'http://shop.example', seed: SEED };
  const items = demoCatalog.generateCatalog(options);
  const itemsFile = join(work, 'items.jsonl');
  writeFileSync(itemsFile, `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
  const eventsFile = join(work, 'events.jsonl');
  const users = new Set<string>();
  let events = 0;
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(eventsFile);
    out.on('error', reject);
    const gen = demoEvents.generateEvents(items, options);
    const pump = () => {
      let chunk = '';
      for (;;) {
        const n = gen.next();
        if (n.done) {
          out.end(chunk, () => resolve());
          return;
        }
        const e = n.value;
        if (e.userId) users.add(e.userId);
        events++;
        chunk += `${JSON.stringify(e)}\n`;
        if (chunk.length > 1 << 20) {
          if (!out.write(chunk)) return void out.once('drain', pump);
          chunk = '';
        }
      }
    };
    pump();
  });
  const rnd = prng(SEED * 7919 + 17);
  const typeQueries = types.PRODUCT_TYPES.flatMap((t) => [t.name, ...(t.queries ?? [])]);
  const queries = buildQueries(items, typeQueries, QUERIES, rnd);
  const normalise = searchIndex.normaliseQuery ? (q: string) => searchIndex.normaliseQuery!(q).join(' ') : (q: string) => q.toLowerCase().trim();
  const normalisedDistinct = new Set(queries.map(normalise)).size;
  return { itemsFile, eventsFile, itemIds: items.map((i) => i.id), users: [...users].sort(), events, queries, normalisedDistinct, normalise, generateSeconds: (performance.now() - t0) / 1000, adPlan: planAds(items) };
}

interface SequenceInfo {
  path: string;
  length: number;
  counts: number[];
  /** Query-cache hit rate of the measured window implied by the sequence (a cache keeping every normalised query). */
  impliedHitRate: number;
  searchesInWindow: number;
  distinctQueriesSent: number;
}

/** The request sequence: RATE x (WARMUP + SECONDS) entries, so the paced run never wraps; the closed loop wraps around it. */
function buildSequence(g: Generated, work: string): SequenceInfo {
  const rnd = prng(SEED * 104729 + 3);
  const length = Math.max(RATE * (WARMUP + SECONDS), 10_000);
  const cdf = new Float64Array(g.queries.length);
  let acc = 0;
  for (let r = 0; r < g.queries.length; r++) cdf[r] = acc += 1 / (r + 1) ** ZIPF;
  const zipf = () => {
    const u = rnd() * acc;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const mixTotal = MIX.reduce((a, b) => a + b, 0);
  const entries: Array<[number, string]> = [];
  const counts = [0, 0, 0];
  const seen = new Set<string>();
  const sent = new Set<number>();
  let hits = 0;
  let searchesInWindow = 0;
  const windowStart = RATE * WARMUP;
  for (let i = 0; i < length; i++) {
    const u = rnd() * mixTotal;
    const kind = u < MIX[0]! ? 0 : u < MIX[0]! + MIX[1]! ? 1 : 2;
    counts[kind]!++;
    if (kind === 0) {
      const r = zipf();
      const q = g.queries[r]!;
      sent.add(r);
      const key = g.normalise(q);
      if (i >= windowStart && i < windowStart + RATE * SECONDS) {
        searchesInWindow++;
        if (seen.has(key)) hits++;
      }
      seen.add(key);
      entries.push([0, JSON.stringify({ query: q, limit: LIMIT, ...(SPONSORED > 0 ? { sponsoredSlots: SPONSORED } : {}) })]);
    } else if (kind === 1) {
      entries.push([1, JSON.stringify({ itemIds: [g.itemIds[Math.floor(rnd() * g.itemIds.length)]!], limit: LIMIT })]);
    } else {
      entries.push([2, JSON.stringify({ userId: g.users[Math.floor(rnd() * g.users.length)]!, limit: LIMIT })]);
    }
  }
  const path = join(work, 'sequence.json');
  writeFileSync(path, JSON.stringify({ kinds: KIND_NAMES.map((name) => ({ name, path: `/v1/projects/${PROJECT}/recommenders/${name}:recommend` })), entries }));
  return { path, length, counts, impliedHitRate: searchesInWindow ? hits / searchesInWindow : NaN, searchesInWindow, distinctQueriesSent: sent.size };
}

// ---------------------------------------------------------------- load runs

/** CPU ticks of our long-lived children and of this process. */
function ourTicks(): number {
  let sum = cpuTicks(process.pid) ?? 0;
  for (const c of live) sum += cpuTicks(c.proc.pid) ?? 0;
  return sum;
}

async function othersBusyPct(): Promise<number> {
  const m0 = machineTicks();
  const o0 = ourTicks();
  await sleep(1000);
  return ((machineTicks().busy - m0.busy - (ourTicks() - o0)) / clockTicks) * 100;
}

const waitQuiet = () => waitForQuiet({ busyPct: othersBusyPct, idleMaxPct: IDLE_MAX_PCT, waitSeconds: QUIET_WAIT_S, what: 'others busy' });

interface KindResult {
  sent: number;
  responses: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyMs: { count: number; mean: number | null; p50: number | null; p90: number | null; p99: number | null; p999: number | null; max: number | null };
}

interface LoadResult {
  generator: string;
  rate: number | null;
  connections: number;
  durationSeconds: number;
  requestsPerSec: number;
  overall: KindResult;
  kinds: Record<string, KindResult>;
  sendLagMs: { p50: number | null; p99: number | null; max: number | null } | null;
  maxConnectionsOpen: number | null;
  autocannon: Record<string, number> | null;
  window: { serverPct: number | null; serverCpuUsPerRequest: number | null; loadGenPct: number; otherPct: number | null; stealPct: number } | null;
  loadAvgBefore: number[];
  loadAvgAfter: number[];
}

async function runLoad(work: string, id: string, target: { baseUrl: string; pid: number; headers: Record<string, string> }, seqPath: string, opts: { generator: 'paced' | 'autocannon'; rate?: number; connections: number; warmup: number; seconds: number }): Promise<LoadResult> {
  const cfgPath = join(work, `load-${id}.json`);
  const ourPids = [...live].map((c) => c.proc.pid).filter((p): p is number => p !== undefined && p !== target.pid);
  ourPids.push(process.pid);
  writeFileSync(cfgPath, JSON.stringify({
    baseUrl: target.baseUrl, headers: target.headers, sequencePath: seqPath, connections: opts.connections,
    warmupSeconds: opts.warmup, durationSeconds: opts.seconds, generator: opts.generator, ...(opts.rate ? { rate: opts.rate } : {}),
    serverPid: target.pid, ourPids, clockTicks,
  }));
  const loadAvgBefore = loadavg();
  const c = await runToEnd(`load ${id}`, pinned(LOAD_CPU, [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'lib', 'recs-load.ts'), cfgPath], pinningEnabled), ROOT);
  const line = c.stdout.trim().split('\n').filter(Boolean).pop();
  if (!line) throw new Error(`the load generator printed nothing:\n  ${c.tail.join('\n  ')}`);
  return { ...(JSON.parse(line) as LoadResult), loadAvgBefore, loadAvgAfter: loadavg() };
}

/** Query-cache lines of /metrics (any metric whose name mentions query_cache), by series. */
async function queryCacheMetrics(): Promise<Record<string, number>> {
  const r = await call('GET', '/metrics');
  if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
  const out: Record<string, number> = {};
  for (const line of r.text.split('\n')) {
    if (line.startsWith('#') || !/query_cache/i.test(line)) continue;
    const m = /^(\S+)\s+(\S+)/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

function hitRateFrom(before: Record<string, number>, after: Record<string, number>): { hits: number; misses: number; rate: number } | null {
  const sum = (o: Record<string, number>, re: RegExp) => Object.entries(o).filter(([k]) => re.test(k)).reduce((a, [, v]) => a + v, 0);
  const hitKeys = Object.keys(after).filter((k) => /hit/i.test(k) && !/miss/i.test(k));
  if (hitKeys.length === 0) return null;
  const hits = sum(after, /hit/i) - sum(before, /hit/i);
  const misses = sum(after, /miss/i) - sum(before, /miss/i);
  return { hits, misses, rate: hits + misses > 0 ? hits / (hits + misses) : NaN };
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  pinningEnabled = canPin(LOAD_CPU);
  clockTicks = readClockTicks();
  const machine = { nproc: availableParallelism(), cpuModel: cpus()[0]?.model?.trim() || '(unknown)', memoryGb: Math.round(totalmem() / 1e9), node: process.version, kernel: release(), loadAvgAtStart: loadavg() };
  const autocannonVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as { version: string }).version;
  console.log(`Machine: ${machine.nproc} CPUs, ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, Linux ${machine.kernel}; load average ${machine.loadAvgAtStart.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`Method: server on CPU ${SERVER_CPU}, load generator on CPU ${LOAD_CPU}${pinningEnabled ? ' (taskset)' : ' -- WARNING: NOT PINNED'}; autocannon ${autocannonVersion}`);

  let rougeDir: string;
  let revision: string;
  let typeErrors: string[] = [];
  if (EXPLICIT_DIR) {
    rougeDir = EXPLICIT_DIR;
    revision = `${EXPLICIT_DIR} as it is`;
  } else if (REF) {
    const exp = await exportCommit(REF, { dirPrefix: 'rouge-bench-recs-', skipBuild: SKIP_BUILD, run: runToEnd });
    rougeDir = exp.dir;
    revision = `commit ${exp.commit}`;
  } else {
    const snap = snapshotWorktree({ dirPrefix: 'rouge-bench-recs-', skipBuild: SKIP_BUILD });
    rougeDir = snap.dir;
    revision = snap.revision;
    typeErrors = snap.typeErrors;
  }
  if (!existsSync(join(rougeDir, 'dist', 'cli', 'main.js'))) throw new Error(`${join(rougeDir, 'dist', 'cli', 'main.js')} is missing; build it first (run without BENCH_SKIP_BUILD)`);
  console.log(`Rouge: ${rougeDir} (${revision})`);
  if (typeErrors.length) console.log(`WARNING: tsc reported type errors in the snapshot (it emitted anyway):\n  ${typeErrors.slice(0, 5).join('\n  ')}`);

  const work = mkdtempSync(join(tmpdir(), 'rouge-bench-recs-work-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'rouge-bench-recs-data-'));
  let rouge: Child | undefined;
  let ceiling: Child | undefined;
  try {
    // ---- data
    console.log(`\n== Generating ${fmt(ITEMS)} items and about ${fmt(EVENTS)} events (${fmt(USERS)} shoppers, seed ${SEED})`);
    const g = await generate(rougeDir, work);
    console.log(`   ${fmt(g.events)} events, ${fmt(g.users.length)} signed-in shoppers with events; items ${(statSync(g.itemsFile).size / 1e6).toFixed(1)} MB, events ${(statSync(g.eventsFile).size / 1e6).toFixed(1)} MB JSONL; ${g.generateSeconds.toFixed(1)} s`);
    console.log(`   ${fmt(g.queries.length)} distinct queries (${fmt(g.normalisedDistinct)} distinct after the search's normalisation), e.g. ${g.queries.slice(0, 6).map((q) => JSON.stringify(q)).join(', ')}`);
    const seq = buildSequence(g, work);
    console.log(`   request sequence: ${fmt(seq.length)} (search ${fmt(seq.counts[0])}, similar ${fmt(seq.counts[1])}, for-you ${fmt(seq.counts[2])}); ${fmt(seq.distinctQueriesSent)} distinct queries sent`);

    // ---- server
    const port = await freePort(HOST);
    BASE = `http://${HOST}:${port}`;
    // BENCH_NODE_ARGS: extra node flags for the server, such as --cpu-prof --cpu-prof-dir=/tmp/prof.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const argv = [process.execPath, ...nodeArgs, join(rougeDir, 'dist', 'cli', 'main.js'), 'serve', '--host', HOST, '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn', '--rate-limit', '0', '--bootstrap-admin-key', ADMIN_KEY];
    rouge = startChild('Rouge', pinned(SERVER_CPU, argv, pinningEnabled), cleanEnv({ ROUGE_RATE_LIMIT: '0' }), false, dataDir);
    await waitReady(rouge, `${BASE}/healthz`, 120_000);
    const pid = rouge.proc.pid!;
    await api('POST', '/v1/projects', { name: PROJECT });
    console.log(`\n== Rouge pid ${pid} on ${BASE}, data dir ${dataDir}`);

    // ---- imports
    let t = performance.now();
    let r = await call('POST', `/v1/projects/${PROJECT}/catalog/items:import`, createReadStream(g.itemsFile), 'application/x-ndjson');
    if (r.status !== 200) throw new Error(`items:import answered ${r.status}: ${r.text.slice(0, 500)}`);
    let op = await waitOperation(JSON.parse(r.text).name);
    const itemsImport = { seconds: (performance.now() - t) / 1000, inserted: op.response.inserted, updated: op.response.updated, rejected: op.response.rejected };
    console.log(`   items:import: ${itemsImport.seconds.toFixed(1)} s (inserted ${fmt(itemsImport.inserted)}, rejected ${fmt(itemsImport.rejected)})`);
    if (itemsImport.rejected > 0) console.log(`   WARNING: rejected items, first: ${JSON.stringify(op.response.rejections?.slice(0, 3))}`);
    t = performance.now();
    r = await call('POST', `/v1/projects/${PROJECT}/userEvents:import`, createReadStream(g.eventsFile), 'application/x-ndjson');
    if (r.status !== 200) throw new Error(`userEvents:import answered ${r.status}: ${r.text.slice(0, 500)}`);
    op = await waitOperation(JSON.parse(r.text).name);
    const eventsImport = { seconds: (performance.now() - t) / 1000, written: op.response.written, duplicates: op.response.duplicates, rejected: op.response.rejected };
    console.log(`   userEvents:import: ${eventsImport.seconds.toFixed(1)} s (written ${fmt(eventsImport.written)}, duplicates ${fmt(eventsImport.duplicates)}, rejected ${fmt(eventsImport.rejected)})`);
    if (eventsImport.rejected > 0) console.log(`   WARNING: rejected events, first: ${JSON.stringify(op.response.rejections?.slice(0, 3))}`);

    // ---- training
    const hwmBefore = procStatusKb(pid, 'VmHWM');
    const rssBefore = procStatusKb(pid, 'VmRSS');
    let rssPeak = rssBefore ?? 0;
    // RSS counts the pages of the SQLite file the store maps (page cache the kernel may drop); RssAnon is the process's own memory.
    let anonPeak = procStatusKb(pid, 'RssAnon') ?? 0;
    const cpu0 = cpuTicks(pid) ?? 0;
    t = performance.now();
    const trainOp = await api('POST', `/v1/projects/${PROJECT}/recs:train`, { alias: 'champion' });
    op = await waitOperation(trainOp.name, () => {
      rssPeak = Math.max(rssPeak, procStatusKb(pid, 'VmRSS') ?? 0);
      anonPeak = Math.max(anonPeak, procStatusKb(pid, 'RssAnon') ?? 0);
    });
    const training = {
      wallSeconds: (performance.now() - t) / 1000,
      seconds: op.response.seconds as number,
      modelVersion: op.response.modelVersion as string,
      users: op.response.users, items: op.response.items, interactions: op.response.interactions, events: op.response.events,
      serverCpuSeconds: ((cpuTicks(pid) ?? 0) - cpu0) / clockTicks,
      rssBeforeMb: rssBefore === null ? null : mb(rssBefore),
      rssPeakSampledMb: mb(rssPeak),
      rssAnonPeakSampledMb: mb(anonPeak),
      vmHwmBeforeMb: hwmBefore === null ? null : mb(hwmBefore),
      vmHwmAfterMb: mb(procStatusKb(pid, 'VmHWM') ?? 0),
      rssAfterMb: mb(procStatusKb(pid, 'VmRSS') ?? 0),
    };
    console.log(`   recs:train: ${training.seconds} s (Operation), ${training.wallSeconds.toFixed(1)} s wall, ${training.serverCpuSeconds.toFixed(1)} s server CPU; ${training.modelVersion}: ${fmt(training.items)} items, ${fmt(training.users)} shoppers, ${fmt(training.interactions)} interactions`);
    console.log(`   server RSS: ${training.rssBeforeMb} MB before, peak ${training.rssPeakSampledMb} MB sampled during training (anonymous ${training.rssAnonPeakSampledMb} MB), ${training.rssAfterMb} MB after; VmHWM ${training.vmHwmBeforeMb} MB before (imports), ${training.vmHwmAfterMb} MB after`);

    // ---- recommenders and checks
    if (RERANK) await deployRanker(rougeDir);
    for (const name of KIND_NAMES) {
      await api('POST', `/v1/projects/${PROJECT}/recommenders`, { name, kind: name, model: 'recs@champion', ...(RERANK && name === 'search' ? { rerank: { endpoint: 'ranker', topK: 50 } } : {}) });
    }
    const adsMade = SPONSORED > 0 ? await createAds(g.adPlan) : null;
    if (adsMade) console.log(`   sponsored products: ${adsMade.advertisers} advertisers, ${adsMade.campaigns} campaigns, ${fmt(adsMade.offers)} promoted products (offers) in ${adsMade.seconds.toFixed(1)} s; search requests ask for ${SPONSORED} sponsored slots`);
    const samples: Record<string, unknown> = {};
    const seqJson = JSON.parse(readFileSync(seq.path, 'utf8')) as { entries: Array<[number, string]> };
    let ceilingBody = '';
    for (let k = 0; k < 3; k++) {
      // A kind the mix leaves out (BENCH_MIX=1:0:0) has no request to sample.
      const e = seqJson.entries.find(([kind]) => kind === k);
      if (!e) continue;
      const res = await call('POST', `/v1/projects/${PROJECT}/recommenders/${KIND_NAMES[k]}:recommend`, e[1]);
      if (res.status !== 200) throw new Error(`${KIND_NAMES[k]}:recommend ${e[1]} answered ${res.status}: ${res.text.slice(0, 300)}`);
      const j = JSON.parse(res.text);
      samples[KIND_NAMES[k]!] = { request: JSON.parse(e[1]), items: j.items.length, ...(j.sponsored ? { sponsored: j.sponsored.length } : {}), matched: j.matched, fallback: j.fallback, notes: j.notes, bytes: Buffer.byteLength(res.text) };
      ceilingBody = res.text;
    }
    const anon = await call('POST', `/v1/projects/${PROJECT}/recommenders/search:recommend`, JSON.stringify({ query: 'lipstick' }), 'application/json', {});
    if (anon.status !== 401) throw new Error(`:recommend without the key answered ${anon.status}, expected 401: auth is not on`);
    // The share of the query set search matches, over the 500 most frequent queries and 500 uniform ones.
    const probe = async (qs: string[]) => {
      let matched = 0;
      let nonEmpty = 0;
      let sponsoredFull = 0;
      for (const q of qs) {
        const j = JSON.parse((await call('POST', `/v1/projects/${PROJECT}/recommenders/search:recommend`, JSON.stringify({ query: q, limit: LIMIT, ...(SPONSORED > 0 ? { sponsoredSlots: SPONSORED } : {}) }))).text);
        if (j.matched) matched++;
        if (j.items?.length) nonEmpty++;
        if (SPONSORED > 0 && j.sponsored?.length === SPONSORED) sponsoredFull++;
      }
      return { n: qs.length, matched: matched / qs.length, nonEmpty: nonEmpty / qs.length, ...(SPONSORED > 0 ? { sponsoredFull: sponsoredFull / qs.length } : {}) };
    };
    const rnd = prng(99);
    const queryMatch = { top500: await probe(g.queries.slice(0, 500)), uniform500: await probe(Array.from({ length: 500 }, () => g.queries[Math.floor(rnd() * g.queries.length)]!)) };
    console.log(`   checks: every kind answers 200 (${JSON.stringify(samples)}); no key -> 401`);
    console.log(`   search matches ${(queryMatch.top500.matched * 100).toFixed(0)}% of the 500 most frequent queries, ${(queryMatch.uniform500.matched * 100).toFixed(0)}% of 500 uniform ones`);
    // The auction's view of the page: offers it considered and winners, from the same requests with debug (the admin key holds ads.auctions.debug).
    let auctionSample: { n: number; considered: { p50: number; p90: number; max: number }; eligibleP50: number; sponsoredFullTop500: number; sponsoredFullUniform500: number } | null = null;
    if (SPONSORED > 0) {
      const considered: number[] = [];
      const eligible: number[] = [];
      for (const q of g.queries.slice(0, 200)) {
        const j = JSON.parse((await call('POST', `/v1/projects/${PROJECT}/recommenders/search:recommend`, JSON.stringify({ query: q, limit: LIMIT, sponsoredSlots: SPONSORED, debug: true }))).text);
        if (!j.adsDebug) continue;
        considered.push(j.adsDebug.considered);
        eligible.push(Number(/; (\d+) eligible/.exec(j.adsDebug.notes?.[0] ?? '')?.[1] ?? NaN));
      }
      considered.sort((a, b) => a - b);
      eligible.sort((a, b) => a - b);
      const at = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
      auctionSample = {
        n: considered.length, considered: { p50: at(considered, 0.5), p90: at(considered, 0.9), max: considered[considered.length - 1] ?? NaN }, eligibleP50: at(eligible, 0.5),
        sponsoredFullTop500: queryMatch.top500.sponsoredFull ?? NaN, sponsoredFullUniform500: queryMatch.uniform500.sponsoredFull ?? NaN,
      };
      console.log(`   sponsored: ${SPONSORED} slots filled for ${(auctionSample.sponsoredFullTop500 * 100).toFixed(0)}% of the 500 most frequent queries, ${(auctionSample.sponsoredFullUniform500 * 100).toFixed(0)}% of 500 uniform ones; the auction considered ${auctionSample.considered.p50} offers (p50; p90 ${auctionSample.considered.p90}, max ${auctionSample.considered.max}; eligible p50 ${auctionSample.eligibleP50}) over the ${auctionSample.n} of the 200 most frequent queries that matched a category`);
    }
    const hasQcMetric = Object.keys(await queryCacheMetrics()).length > 0;

    // ---- fixed rate
    console.log(`\n== Fixed rate: ${fmt(RATE)} requests/s paced (open loop), ${WARMUP} s warm-up + ${SECONDS} s measured, up to ${CONNECTIONS} connections`);
    const idleBefore = await waitQuiet();
    const qc0 = await queryCacheMetrics();
    const fixed = await runLoad(work, 'fixed', { baseUrl: BASE, pid, headers: AUTH }, seq.path, { generator: 'paced', rate: RATE, connections: CONNECTIONS, warmup: WARMUP, seconds: SECONDS });
    const qc1 = await queryCacheMetrics();
    const qcMeasured = hitRateFrom(qc0, qc1);
    const rssAfterFixed = mb(procStatusKb(pid, 'VmRSS') ?? 0);

    // ---- saturation
    let maxRouge: LoadResult | undefined;
    let maxCeiling: LoadResult | undefined;
    if (MAX_SECONDS > 0) {
      console.log(`\n== Saturation: autocannon, ${MAX_CONNECTIONS} connections, ${MAX_WARMUP} s warm-up + ${MAX_SECONDS} s`);
      await waitQuiet();
      maxRouge = await runLoad(work, 'max-rouge', { baseUrl: BASE, pid, headers: AUTH }, seq.path, { generator: 'autocannon', connections: MAX_CONNECTIONS, warmup: MAX_WARMUP, seconds: MAX_SECONDS });
    }
    const serverTail = rouge.tail.filter((l) => !/listening on|^(Store|Mode|Cache|Blobs): /.test(l));
    await stopChild(rouge, 15_000);
    if (MAX_SECONDS > 0) {
      const bodyPath = join(work, 'ceiling-body.json');
      writeFileSync(bodyPath, ceilingBody);
      const cport = await freePort(HOST);
      ceiling = startChild('ceiling', pinned(SERVER_CPU, [process.execPath, join(ROOT, 'bench', 'lib', 'fastify-recs-ceiling.mjs'), '--host', HOST, '--port', String(cport), '--body', bodyPath], pinningEnabled), cleanEnv());
      await sleep(300);
      for (let i = 0; i < 100 && alive(ceiling) && !ceiling.tail.some((l) => l.includes('listening')); i++) await sleep(100);
      await waitQuiet();
      maxCeiling = await runLoad(work, 'max-ceiling', { baseUrl: `http://${HOST}:${cport}`, pid: ceiling.proc.pid!, headers: AUTH }, seq.path, { generator: 'autocannon', connections: MAX_CONNECTIONS, warmup: MAX_WARMUP, seconds: MAX_SECONDS });
      await stopChild(ceiling, 5000);
    }

    // ---- report
    const row = (label: string, k: KindResult, seconds: number) =>
      `| ${label} | ${fmt(k.sent)} | ${fmt(k.responses / seconds)} | ${fmt(k.non2xx)} / ${fmt(k.errors)} / ${fmt(k.timeouts)} | ${fmtMs(k.latencyMs.p50)} | ${fmtMs(k.latencyMs.p90)} | ${fmtMs(k.latencyMs.p99)} | ${fmtMs(k.latencyMs.max)} |`;
    const fixedTable = [
      `| kind | requests sent | answered/s | non-2xx / conn. errors / timeouts | p50 ms | p90 ms | p99 ms | max ms |`,
      `|---|---:|---:|---:|---:|---:|---:|---:|`,
      ...KIND_NAMES.map((n) => row(n, fixed.kinds[n]!, fixed.durationSeconds)),
      row('**all**', fixed.overall, fixed.durationSeconds),
    ].join('\n');
    const w = fixed.window;
    const fixedNotes = [
      `Achieved ${fmt(fixed.requestsPerSec)} answered/s over ${fixed.durationSeconds.toFixed(1)} s (asked ${fmt(RATE)}/s); send lag p50/p99/max ${fmtMs(fixed.sendLagMs?.p50)}/${fmtMs(fixed.sendLagMs?.p99)}/${fmtMs(fixed.sendLagMs?.max)} ms; at most ${fixed.maxConnectionsOpen} connections open.`,
      w ? `Server CPU ${fmt(w.serverPct)}% of a core (${fmt(w.serverCpuUsPerRequest)} µs per request), load generator ${fmt(w.loadGenPct)}% (it spins: not a load measure), other ${fmt(w.otherPct)}%, steal ${fmt(w.stealPct, 1)}%; load average before ${fixed.loadAvgBefore.map((x) => x.toFixed(2)).join(' ')}, after ${fixed.loadAvgAfter.map((x) => x.toFixed(2)).join(' ')}.` : '',
      qcMeasured
        ? `Query cache (from /metrics, over warm-up end to measured end): ${fmt(qcMeasured.hits)} hits, ${fmt(qcMeasured.misses)} misses, hit rate ${(qcMeasured.rate * 100).toFixed(1)}%.`
        : `Query cache: /metrics has no query-cache counter${hasQcMetric ? ' with hits' : ''} (the catalog's queryCacheStats() is not exported as a metric), so the measured hit rate cannot be reported. The request sequence implies ${(seq.impliedHitRate * 100).toFixed(1)}% for a cache that keeps every distinct normalised query (${fmt(seq.searchesInWindow)} searches in the window; the LRU holds 50,000 answers, the index does not change during the run).`,
    ].filter(Boolean).join('\n');
    const maxRow = (label: string, m: LoadResult | undefined) => m
      ? `| ${label} | ${fmt(m.requestsPerSec)} | ${fmtMs(m.overall.latencyMs.p50)} | ${fmtMs(m.overall.latencyMs.p99)} | ${fmt(m.overall.non2xx + m.overall.errors + m.overall.timeouts)} | ${fmt(m.window?.serverPct)}% | ${fmt(m.window?.serverCpuUsPerRequest)} | ${fmt(m.window?.loadGenPct)}% | ${fmt(m.window?.otherPct)}% |`
      : `| ${label} | skipped | | | | | | | |`;
    const maxKinds = maxRouge ? KIND_NAMES.map((n) => `${n} ${fmt(maxRouge!.kinds[n]!.responses / maxRouge!.durationSeconds)}/s p99 ${fmtMs(maxRouge!.kinds[n]!.latencyMs.p99)} ms`).join('; ') : '';
    const maxTable = [
      `| server (autocannon, ${MAX_CONNECTIONS} connections, ${MAX_SECONDS} s) | req/s | p50 ms | p99 ms | errors | server CPU | µs/req | autocannon CPU | other CPU |`,
      `|---|---:|---:|---:|---:|---:|---:|---:|---:|`,
      maxRow('Rouge, :recommend mix', maxRouge),
      maxRow('Ceiling: bare Fastify, constant body', maxCeiling),
    ].join('\n');
    const setupTable = [
      `| step | result |`,
      `|---|---|`,
      `| generate ${fmt(ITEMS)} items, ${fmt(g.events)} events | ${g.generateSeconds.toFixed(1)} s (in the benchmark process) |`,
      `| catalog/items:import (JSONL) | ${itemsImport.seconds.toFixed(1)} s, ${fmt(itemsImport.inserted)} inserted, ${fmt(itemsImport.rejected)} rejected |`,
      `| userEvents:import (JSONL) | ${eventsImport.seconds.toFixed(1)} s, ${fmt(eventsImport.written)} written, ${fmt(eventsImport.rejected)} rejected |`,
      `| recs:train (alias champion) | ${training.seconds} s (Operation's seconds), ${training.wallSeconds.toFixed(1)} s wall, ${training.serverCpuSeconds.toFixed(1)} s CPU |`,
      `| server peak RSS during training | ${training.rssPeakSampledMb} MB, of which anonymous (not the mapped database file) ${training.rssAnonPeakSampledMb} MB (VmRSS and RssAnon sampled every 50 ms; ${training.rssBeforeMb} MB before; VmHWM ${training.vmHwmAfterMb} MB after, ${training.vmHwmBeforeMb} MB before) |`,
      `| server RSS after the fixed-rate run | ${rssAfterFixed} MB |`,
    ].join('\n');
    console.log(`\n### Setup\n\n${setupTable}\n\n### Fixed rate\n\n${fixedTable}\n\n${fixedNotes}\n\n### Saturation\n\n${maxTable}\n${maxKinds ? `\nRouge per kind at saturation: ${maxKinds}.` : ''}\n`);
    if (auctionSample) console.log(`Sponsored: every search asked for ${SPONSORED} slots; ${adsMade!.advertisers} advertisers, ${adsMade!.campaigns} campaigns, ${fmt(adsMade!.offers)} offers; the auction considered ${auctionSample.considered.p50} offers per search (p50; p90 ${auctionSample.considered.p90}); ${SPONSORED} slots filled for ${(auctionSample.sponsoredFullTop500 * 100).toFixed(0)}% of the 500 most frequent queries.`);
    console.log(`Measured: ${revision}; ${machine.nproc} CPUs ${machine.cpuModel}, Node ${machine.node}; quiet check before the fixed run: others ${idleBefore.toFixed(0)}% of a core`);
    const warnings: string[] = [];
    for (const [label, m] of [['fixed', fixed], ['max-rouge', maxRouge], ['max-ceiling', maxCeiling]] as const) {
      if (!m?.window) continue;
      if ((m.window.otherPct ?? 0) > OTHER_MAX_PCT) warnings.push(`${label}: other processes used ${fmt(m.window.otherPct)}% of a core (over ${OTHER_MAX_PCT}%): the machine was not quiet`);
      if (m.window.stealPct > STEAL_MAX_PCT) warnings.push(`${label}: steal ${fmt(m.window.stealPct, 1)}% (over ${STEAL_MAX_PCT}%)`);
    }
    if (fixed.requestsPerSec < RATE * 0.98) warnings.push(`fixed: answered ${fmt(fixed.requestsPerSec)}/s, under the ${fmt(RATE)}/s asked`);
    for (const wmsg of warnings) console.log(`WARNING: ${wmsg}`);
    if (serverTail.length) console.log(`Rouge wrote: ${serverTail.slice(-10).join(' | ')}`);

    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify({
      benchmark: 'recs-serving', generatedAt: new Date().toISOString(), revision, rougeDir, typeErrors, machine, autocannon: autocannonVersion, pinned: pinningEnabled,
      settings: { items: ITEMS, events: EVENTS, users: USERS, seed: SEED, rate: RATE, seconds: SECONDS, warmup: WARMUP, connections: CONNECTIONS, queries: QUERIES, zipf: ZIPF, mix: MIX, maxConnections: MAX_CONNECTIONS, maxSeconds: MAX_SECONDS, maxWarmup: MAX_WARMUP, limit: LIMIT, rerank: RERANK, sponsored: SPONSORED, adBrands: AD_BRANDS, adProducts: AD_PRODUCTS },
      data: { events: g.events, signedInUsers: g.users.length, distinctQueries: g.queries.length, normalisedDistinctQueries: g.normalisedDistinct, topQueries: g.queries.slice(0, 20), sequence: { length: seq.length, counts: seq.counts, distinctQueriesSent: seq.distinctQueriesSent, impliedHitRate: seq.impliedHitRate } },
      setup: { generateSeconds: g.generateSeconds, itemsImport, eventsImport, training, samples, queryMatch, ads: adsMade, auctionSample },
      fixed, queryCache: { metricsBefore: qc0, metricsAfter: qc1, measured: qcMeasured, impliedHitRate: seq.impliedHitRate },
      saturation: { rouge: maxRouge ?? null, ceiling: maxCeiling ?? null },
      warnings, tables: { setup: setupTable, fixed: fixedTable, fixedNotes, saturation: maxTable },
    }, null, 2)}\n`);
    console.log(`Wrote ${RESULTS_FILE}`);
    return 0;
  } finally {
    if (rouge) await stopChild(rouge, 10_000);
    if (ceiling) await stopChild(ceiling, 5000);
    rmSync(dataDir, { recursive: true, force: true });
    if (process.env.BENCH_KEEP !== '1') rmSync(work, { recursive: true, force: true });
  }
}

runMain(main);
