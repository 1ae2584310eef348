/**
 * Catalog benchmark (issue 7): on a generated catalogue of 100,000 items,
 *   - the time to import it (one JSONL body through POST .../catalog/items:import, until the Operation is done),
 *   - the first search, which builds the index, and the slowest /readyz answer while it builds,
 *   - catalog:search latency p50/p99 at a fixed rate (open loop: latency counts from the scheduled send time,
 *     so a stall is not hidden) and at the maximum rate (closed loop, BENCH_CONCURRENCY clients),
 *   - userEvents:write sustained events per second in batches of 500 (BENCH_WRITERS concurrent clients),
 *   - the time for 1,000,000 events through userEvents:import (a streamed JSONL body),
 * on SQLite and on PostgreSQL. Each store's server is a child process (this file with `serve`), so the load
 * generator does not share its event loop. Prints a markdown table and writes bench/results/catalog.json.
 *
 *   npm run bench:catalog        (= npx tsx bench/catalog.ts)
 *
 * Settings (environment):
 *   BENCH_ITEMS          catalogue size (default 100000)
 *   BENCH_EVENTS         events for the import (default 1000000)
 *   BENCH_DURATION       seconds per search and write run (default 10)
 *   BENCH_RATE           fixed search rate, requests/s (default 100; keep it under the max rate, or the
 *                        open loop measures queueing)
 *   BENCH_PARTS          which runs besides the item import: search,write,import (default all)
 *   BENCH_CONCURRENCY    closed-loop search clients (default 8)
 *   BENCH_WRITERS        concurrent userEvents:write clients (default 4)
 *   BENCH_STORES         sqlite,postgres (default both)
 *   BENCH_DATABASE_URL   PostgreSQL (default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_APP_MODULE     module exporting buildApp (default ../src/app.js; a copy with the catalog wired
 *                        in can stand in until src/app.ts registers it)
 * Benchmarks print numbers; nothing here asserts on timings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = `rk_benchadmin1_${'Z9y8X7w6V5'.repeat(4)}abc`;
const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const ITEMS = env('BENCH_ITEMS', 100_000);
const EVENTS = env('BENCH_EVENTS', 1_000_000);
const DURATION = env('BENCH_DURATION', 10);
const RATE = env('BENCH_RATE', 100);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'search,write,import').split(','));
const CONCURRENCY = env('BENCH_CONCURRENCY', 8);
const WRITERS = env('BENCH_WRITERS', 4);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const APP_MODULE = process.env.BENCH_APP_MODULE ?? '../src/app.js';

// ---------------------------------------------------------------- server child

async function serve(store: string, dir: string, schema: string): Promise<void> {
  const { buildApp } = (await import(APP_MODULE.startsWith('.') ? new URL(APP_MODULE, import.meta.url).href : pathToFileURL(APP_MODULE).href)) as typeof import('../src/app.js');
  const app = await buildApp({
    config: {
      dataDir: dir, port: 0, host: '127.0.0.1', bootstrapAdminKey: KEY, keyPepper: 'b'.repeat(40), rateLimitPerSecond: 0, logLevel: 'silent',
      ...(store === 'postgres' ? { databaseUrl: DATABASE_URL, databaseSchema: schema } : {}),
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

// ---------------------------------------------------------------- client

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let port = 0;

function call(method: string, path: string, body?: string | NodeJS.ReadableStream, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { authorization: `Bearer ${KEY}`, ...(body !== undefined ? { 'content-type': contentType } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string') req.end(body);
    else body.pipe(req);
  });
}

async function waitOperation(name: string): Promise<any> {
  for (;;) {
    const op = JSON.parse((await call('GET', `/v1/${name}`)).text);
    if (op.done) {
      if (op.error) throw new Error(`${name} failed: ${op.error.message}`);
      return op;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------- generated data

function words(count: number, seed: number): string[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const on = ['b', 'bl', 'd', 'dr', 'f', 'g', 'gr', 'k', 'm', 'n', 'p', 'pl', 'qu', 'st', 't', 'tr', 'v', 'z'];
  const vo = ['a', 'e', 'i', 'o', 'u', 'oo', 'ai'];
  const co = ['b', 'd', 'g', 'k', 'l', 'm', 'n', 'p', 'rt', 'sk', 'x', 'nd'];
  const out = new Set<string>();
  while (out.size < count) out.add(on[Math.floor(next() * on.length)]! + vo[Math.floor(next() * vo.length)]! + co[Math.floor(next() * co.length)]! + on[Math.floor(next() * on.length)]! + vo[Math.floor(next() * vo.length)]! + co[Math.floor(next() * co.length)]!);
  return [...out];
}

/** 100,000 items over 400 invented leaf categories in 20 departments, 60 brands, 200 adjectives. */
function catalogue(n: number): { body: string; kinds: string[]; brands: string[] } {
  const all = words(400 + 20 + 60 + 200, 42);
  const kinds = all.slice(0, 400);
  const depts = all.slice(400, 420);
  const brands = all.slice(420, 480);
  const adjs = all.slice(480);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % kinds.length;
    const kind = kinds[k]!;
    const brand = brands[(i * 7) % brands.length]!;
    const adj = adjs[(i * 13) % adjs.length]!;
    const other = kinds[(k + 1 + (i % 17)) % kinds.length]!;
    lines.push(JSON.stringify({
      id: `SKU-${i}`, title: `${brand} ${adj} ${i % 3 ? kind : `${kind}s`}`, brand, categoryPath: [depts[k % depts.length], `${kind}s`],
      description: `A ${adj} ${kind} by ${brand}; goes with any ${other}.`, price: { amount: 100 + (i % 9900), currency: 'EUR' }, availability: 'in_stock',
      link: `https://shop.example/p/${i}`,
    }));
  }
  return { body: lines.join('\n') + '\n', kinds, brands };
}

function queries(kinds: string[], brands: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < 400; i++) {
    const k = kinds[(i * 31) % kinds.length]!;
    const form = i % 4;
    out.push(form === 0 ? k : form === 1 ? `${k}s` : form === 2 ? k.slice(0, 3) + k.slice(4) : `${brands[i % brands.length]} ${k}`);
  }
  return out;
}

const event = (i: number, t0: number) => JSON.stringify({ eventId: `ev-${i}`, type: i % 10 === 0 ? 'purchase' : 'view', userId: `u-${i % 50_000}`, sessionId: `s-${i % 120_000}`, itemIds: [`SKU-${i % 100_000}`], eventTime: new Date(t0 + i).toISOString() });

// ---------------------------------------------------------------- runs

async function searchFixedRate(qs: string[]): Promise<{ p50: number; p99: number; rate: number; errors: number }> {
  const interval = 1000 / RATE;
  const total = Math.round(RATE * DURATION);
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const q = qs[i % qs.length]!;
    inFlight.push(call('GET', `/v1/projects/bench/catalog:search?query=${encodeURIComponent(q)}&pageSize=20`).then((r) => {
      if (r.status !== 200) errors++;
      latencies.push(performance.now() - due);
    }));
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return { p50: ms(pct(latencies, 50)), p99: ms(pct(latencies, 99)), rate: RATE, errors };
}

async function searchMaxRate(qs: string[]): Promise<{ p50: number; p99: number; rate: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const end = performance.now() + DURATION * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < end) {
      const q = qs[i++ % qs.length]!;
      const t = performance.now();
      const r = await call('GET', `/v1/projects/bench/catalog:search?query=${encodeURIComponent(q)}&pageSize=20`);
      if (r.status !== 200) errors++;
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: ms(pct(latencies, 50)), p99: ms(pct(latencies, 99)), rate: Math.round(latencies.length / seconds), errors };
}

async function writeEvents(): Promise<{ eventsPerSecond: number; batchP50: number; batchP99: number; errors: number }> {
  const t0 = Date.now() - 86_400_000;
  let next = 10_000_000;
  let events = 0;
  let errors = 0;
  const latencies: number[] = [];
  const end = performance.now() + DURATION * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, async () => {
    while (performance.now() < end) {
      const first = next;
      next += 500;
      const body = `{"events":[${Array.from({ length: 500 }, (_, k) => event(first + k, t0)).join(',')}]}`;
      const t = performance.now();
      const r = await call('POST', '/v1/projects/bench/userEvents:write', body);
      latencies.push(performance.now() - t);
      if (r.status === 200) events += 500;
      else errors++;
    }
  }));
  latencies.sort((a, b) => a - b);
  return { eventsPerSecond: Math.round(events / ((performance.now() - started) / 1000)), batchP50: ms(pct(latencies, 50)), batchP99: ms(pct(latencies, 99)), errors };
}

async function importEvents(file: string): Promise<{ seconds: number; written: number; eventsPerSecond: number }> {
  const t = performance.now();
  const r = await call('POST', '/v1/projects/bench/userEvents:import', createReadStream(file), 'application/x-ndjson');
  if (r.status !== 200) throw new Error(`userEvents:import answered ${r.status}: ${r.text}`);
  const op = await waitOperation(JSON.parse(r.text).name);
  const seconds = (performance.now() - t) / 1000;
  return { seconds: ms(seconds), written: op.response.written, eventsPerSecond: Math.round(op.response.written / seconds) };
}

async function startServer(store: string): Promise<{ child: ChildProcess; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-catalog-'));
  const schema = `bench_catalog_${randomBytes(4).toString('hex')}`;
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'serve', store, dir, schema], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  port = await new Promise<number>((resolvePort, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolvePort(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    child,
    async cleanup() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
      if (store === 'postgres') {
        const c = new pg.Client({ connectionString: DATABASE_URL });
        await c.connect();
        await c.query(`drop schema if exists "${schema}" cascade`);
        await c.end();
      }
    },
  };
}

async function main(): Promise<void> {
  const { body, kinds, brands } = catalogue(ITEMS);
  const qs = queries(kinds, brands);
  const eventsFile = join(mkdtempSync(join(tmpdir(), 'rouge-bench-events-')), 'events.jsonl');
  // 143 MB of events: written only when the import part runs.
  if (PARTS.has('import')) await new Promise<void>((done, fail) => {
    const out = createWriteStream(eventsFile);
    const t0 = Date.now() - 30 * 86_400_000;
    let i = 0;
    const pump = () => {
      while (i < EVENTS) {
        if (!out.write(`${event(i, t0)}\n`)) return void out.once('drain', pump);
        i++;
      }
      out.end(done);
    };
    out.on('error', fail);
    pump();
  });
  console.log(`catalogue: ${ITEMS} items, ${(Buffer.byteLength(body) / 1e6).toFixed(1)} MB JSONL; events file: ${PARTS.has('import') ? `${EVENTS} events, ${(statSync(eventsFile).size / 1e6).toFixed(1)} MB` : 'not needed'}; ${cpus().length} CPUs, Node ${process.version}`);
  const results: Record<string, unknown> = {};
  for (const store of STORES) {
    const server = await startServer(store);
    try {
      await call('POST', '/v1/projects', JSON.stringify({ name: 'bench' }));
      let t = performance.now();
      const op = JSON.parse((await call('POST', '/v1/projects/bench/catalog/items:import', body, 'application/x-ndjson')).text);
      const done = await waitOperation(op.name);
      const importSeconds = ms((performance.now() - t) / 1000);
      console.log(`[${store}] items:import ${ITEMS}: ${importSeconds} s (${JSON.stringify({ inserted: done.response.inserted, rejected: done.response.rejected })})`);
      t = performance.now();
      // /readyz polled meanwhile: its slowest answer is how long the build kept the server from answering.
      let building = true;
      let readyzMaxMs = 0;
      const poll = (async () => {
        while (building) {
          const p = performance.now();
          await call('GET', '/readyz');
          readyzMaxMs = Math.max(readyzMaxMs, performance.now() - p);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await call('GET', `/v1/projects/bench/catalog:search?query=${kinds[0]}`);
      const firstSearchMs = ms(performance.now() - t);
      building = false;
      await poll;
      readyzMaxMs = ms(readyzMaxMs);
      console.log(`[${store}] first search (builds the index): ${firstSearchMs} ms; slowest /readyz meanwhile ${readyzMaxMs} ms`);
      const none = { p50: NaN, p99: NaN, rate: 0, errors: 0 };
      const fixed = PARTS.has('search') ? await searchFixedRate(qs) : none;
      if (PARTS.has('search')) console.log(`[${store}] search at ${RATE}/s: p50 ${fixed.p50} ms, p99 ${fixed.p99} ms, errors ${fixed.errors}`);
      const max = PARTS.has('search') ? await searchMaxRate(qs) : none;
      if (PARTS.has('search')) console.log(`[${store}] search max rate (${CONCURRENCY} clients): ${max.rate}/s, p50 ${max.p50} ms, p99 ${max.p99} ms, errors ${max.errors}`);
      const writes = PARTS.has('write') ? await writeEvents() : { eventsPerSecond: NaN, batchP50: NaN, batchP99: NaN, errors: 0 };
      if (PARTS.has('write')) console.log(`[${store}] userEvents:write batches of 500 (${WRITERS} clients): ${writes.eventsPerSecond} events/s, batch p50 ${writes.batchP50} ms, p99 ${writes.batchP99} ms, errors ${writes.errors}`);
      const imported = PARTS.has('import') ? await importEvents(eventsFile) : { seconds: NaN, written: 0, eventsPerSecond: NaN };
      if (PARTS.has('import')) console.log(`[${store}] userEvents:import ${EVENTS}: ${imported.seconds} s (${imported.eventsPerSecond} events/s)`);
      results[store] = { importSeconds, firstSearchMs, readyzMaxMs, fixed, max, writes, imported };
    } finally {
      await server.cleanup();
    }
  }
  rmSync(dirname(eventsFile), { recursive: true, force: true });
  console.log('\n| store | items:import 100k | search p50 / p99 at fixed rate | search max rate, p50 / p99 | userEvents:write events/s | userEvents:import 1M |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [store, r] of Object.entries(results) as Array<[string, any]>) {
    console.log(`| ${store} | ${r.importSeconds} s | ${r.fixed.p50} / ${r.fixed.p99} ms at ${r.fixed.rate}/s | ${r.max.rate}/s, ${r.max.p50} / ${r.max.p99} ms | ${r.writes.eventsPerSecond} | ${r.imported.seconds} s |`);
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, PARTS.size === 3 ? 'bench/results/catalog.json' : 'bench/results/catalog.partial.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, items: ITEMS, events: EVENTS, results }, null, 2));
  agent.destroy();
}

if (process.argv[2] === 'serve') await serve(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else await main();
