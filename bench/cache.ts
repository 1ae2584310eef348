/**
 * Cache benchmark: incrementCapped per second, on memory and on Redis.
 *
 *   npm run bench:cache            (= npx tsx bench/cache.ts)
 *
 * Each row runs one operation in a loop for a fixed time, either one call at
 * a time (each awaited before the next: the latency a request pays) or with
 * BENCH_IN_FLIGHT calls outstanding (many requests at once: the throughput a
 * process can get). The Redis rows go through RedisCache's Lua script; the
 * "plain INCRBY" rows send Redis's own increment on the same kind of
 * connection, the ceiling for one round trip, so the cost of the cap shows.
 * Keys rotate over 1024 counters with a 60 s TTL, as rate-limit windows do.
 * CPU is this process's, and that of every local redis-server (from /proc),
 * over the measured run. The script prints a markdown table and writes
 * bench/results/cache.json.
 *
 * Settings (environment):
 *   BENCH_DURATION     measured seconds per row (default 5)
 *   BENCH_WARMUP       warm-up seconds per row (default 1)
 *   BENCH_IN_FLIGHT    calls outstanding in the concurrent rows (default 64)
 *   BENCH_REDIS_URL    Redis for the Redis rows (default redis://127.0.0.1:6379); rows are skipped if unreachable
 *
 * Benchmarks print numbers; nothing here asserts on timings.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { MemoryCache, RedisCache, type Cache } from '../src/platform/cache/index.js';
import { redactUrl } from '../src/platform/config/index.js';
import { readMachineTicks, ticksOfProcessesNamed } from './lib/proc.js';
import { intEnv } from './lib/settings.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = join(ROOT, 'bench', 'results', 'cache.json');

const DURATION = intEnv('BENCH_DURATION', 5, 1);
const WARMUP = intEnv('BENCH_WARMUP', 1, 0);
const IN_FLIGHT = intEnv('BENCH_IN_FLIGHT', 64, 2);
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const KEYS = 1024;
const CAP = Number.MAX_SAFE_INTEGER;
const TTL_MS = 60_000;

type Op = (i: number) => Promise<unknown>;

interface Row {
  id: string;
  label: string;
  adapter: 'memory' | 'redis';
  inFlight: number;
  status: 'ok' | 'skipped';
  skipReason?: string;
  calls?: number;
  callsPerSecond?: number;
  /** Little's law: in flight / throughput. */
  meanMicros?: number;
  p50Micros?: number;
  p99Micros?: number;
  /** Every how many calls one was timed (timing every call would slow the memory rows). */
  timedEvery?: number;
  /** This process's CPU time over wall time, in percent of one core. */
  clientCpuPct?: number;
  /** CPU of every redis-server process on this machine, in percent of one core (Linux only). */
  redisCpuPct?: number;
}

/** CPU ticks (1/100 s) of every process named redis-server: the local Redis, when it is local; undefined without /proc. */
function redisTicks(): number | undefined {
  try {
    return ticksOfProcessesNamed('redis-server');
  } catch {
    return undefined;
  }
}

/** Runs `op` from `inFlight` loops until `seconds` pass; returns calls made and sampled latencies. */
async function drive(op: Op, inFlight: number, seconds: number, timedEvery: number): Promise<{ calls: number; elapsed: number; samples: number[] }> {
  const samples: number[] = [];
  let calls = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async (lane: number) => {
    for (let n = 1, i = lane; ; n++, i += inFlight) {
      // A clock read every 64 calls: the memory rows never yield to timers, so a setTimeout could not stop them.
      if ((n & 63) === 0 && performance.now() > end) return;
      if (calls % timedEvery === 0) {
        const t0 = performance.now();
        await op(i);
        samples.push((performance.now() - t0) * 1000);
      } else {
        await op(i);
      }
      calls++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, lane) => loop(lane)));
  return { calls, elapsed: (performance.now() - started) / 1000, samples };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(id: string, label: string, adapter: Row['adapter'], inFlight: number, op: Op, timedEvery: number): Promise<Row> {
  if (WARMUP > 0) await drive(op, inFlight, WARMUP, timedEvery);
  const cpu0 = process.cpuUsage();
  const redis0 = adapter === 'redis' ? redisTicks() : undefined;
  const { calls, elapsed, samples } = await drive(op, inFlight, DURATION, timedEvery);
  const cpu = process.cpuUsage(cpu0);
  const redis1 = adapter === 'redis' ? redisTicks() : undefined;
  samples.sort((a, b) => a - b);
  const callsPerSecond = calls / elapsed;
  const row: Row = {
    id, label, adapter, inFlight, status: 'ok', calls,
    callsPerSecond: Math.round(callsPerSecond),
    meanMicros: round((inFlight / callsPerSecond) * 1e6),
    p50Micros: round(percentile(samples, 50)),
    p99Micros: round(percentile(samples, 99)),
    timedEvery,
    clientCpuPct: Math.round((cpu.user + cpu.system) / 1e4 / elapsed),
    ...(redis0 !== undefined && redis1 !== undefined ? { redisCpuPct: Math.round((redis1 - redis0) / elapsed) } : {}),
  };
  process.stderr.write(`  ${label.padEnd(44)} ${row.callsPerSecond!.toLocaleString('en-US').padStart(12)} calls/s\n`);
  return row;
}

const round = (n: number) => Math.round(n * 10) / 10;
const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 1 : 0 }));

function incrementOp(cache: Cache): Op {
  return (i) => cache.incrementCapped(`k${i & (KEYS - 1)}`, 1, CAP, TTL_MS);
}

async function redisVersion(url: string): Promise<string | undefined> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return /redis_version:(\S+)/.exec(await r.info('server'))?.[1];
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

/** Removes the bench's keys: the TTL would too, within a minute. */
async function dropKeys(url: string, prefix: string): Promise<void> {
  const r = new Redis(url);
  r.on('error', () => undefined);
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await r.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await r.quit();
}

/** Percent of the whole machine busy over one second: other work running beside the bench skews it. */
async function machineBusyPct(): Promise<number | undefined> {
  try {
    const a = readMachineTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const b = readMachineTicks();
    return Math.round((100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total));
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  process.stderr.write(`cache bench: ${DURATION} s per row after ${WARMUP} s warm-up, ${IN_FLIGHT} in flight\n`);
  const busyBeforeRunsPct = await machineBusyPct();
  const loadAverage1m = round(loadavg()[0] ?? 0);
  if ((busyBeforeRunsPct ?? 0) > 20) process.stderr.write(`  warning: the machine was ${busyBeforeRunsPct}% busy before the runs; numbers will be low and noisy\n`);
  const rows: Row[] = [];

  const memory = new MemoryCache();
  rows.push(await measure('memory-1', 'memory, incrementCapped', 'memory', 1, incrementOp(memory), 64));
  rows.push(await measure(`memory-${IN_FLIGHT}`, 'memory, incrementCapped', 'memory', IN_FLIGHT, incrementOp(memory), 64));
  await memory.close();

  const version = await redisVersion(REDIS_URL);
  const redisRows: Array<[string, string, number]> = [
    ['redis-1', 'Redis, incrementCapped (Lua)', 1],
    [`redis-${IN_FLIGHT}`, 'Redis, incrementCapped (Lua)', IN_FLIGHT],
    ['redis-incrby-1', 'Redis, plain INCRBY (ceiling, no cap)', 1],
    [`redis-incrby-${IN_FLIGHT}`, 'Redis, plain INCRBY (ceiling, no cap)', IN_FLIGHT],
  ];
  if (version === undefined) {
    const skipReason = `cannot reach ${redactUrl(REDIS_URL)}`;
    process.stderr.write(`  Redis rows skipped: ${skipReason}\n`);
    for (const [id, label, inFlight] of redisRows) rows.push({ id, label, adapter: 'redis', inFlight, status: 'skipped', skipReason });
  } else {
    const prefix = `bench:${randomBytes(4).toString('hex')}:`;
    const cache = new RedisCache(REDIS_URL, { keyPrefix: prefix });
    await cache.ready(5000);
    // The same connection settings RedisCache uses, without the script.
    const plain = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    plain.on('error', () => undefined);
    await new Promise((r) => plain.once('ready', r));
    const incrby: Op = (i) => plain.incrby(`${prefix}plain:k${i & (KEYS - 1)}`, 1);
    try {
      for (const [id, label, inFlight] of redisRows) {
        rows.push(await measure(id, label, 'redis', inFlight, id.startsWith('redis-incrby') ? incrby : incrementOp(cache), 1));
      }
    } finally {
      await cache.close();
      await plain.quit();
      await dropKeys(REDIS_URL, prefix);
    }
  }

  const table = [
    '| Adapter, operation | in flight | calls/s | mean µs | p50 µs | p99 µs | client CPU | redis-server CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => r.status === 'ok'
      ? `| ${r.label} | ${r.inFlight} | ${fmt(r.callsPerSecond)} | ${fmt(r.meanMicros)} | ${fmt(r.p50Micros)} | ${fmt(r.p99Micros)} | ${r.clientCpuPct}% | ${r.redisCpuPct === undefined ? '-' : `${r.redisCpuPct}%`} |`
      : `| ${r.label} | ${r.inFlight} | skipped: ${r.skipReason} | | | | | |`),
  ].join('\n');

  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    /* not Linux */
  }
  const results = {
    benchmark: 'cache',
    generatedAt: new Date().toISOString(),
    machine: { nproc: availableParallelism(), cpuModel, node: process.version, kernel: release(), platform: process.platform, busyBeforeRunsPct, loadAverage1m },
    redis: version === undefined ? null : { url: redactUrl(REDIS_URL), version, sameMachine: /^redis:\/\/(127\.0\.0\.1|localhost)[:/]/.test(REDIS_URL) },
    method: {
      warmupSeconds: WARMUP,
      durationSeconds: DURATION,
      keys: KEYS,
      ttlMs: TTL_MS,
      operation: 'incrementCapped(key, 1, Number.MAX_SAFE_INTEGER, 60000): every call succeeds, so each row measures the full path (read, compare, add, expiry on first use)',
      latency: 'mean from throughput (Little\'s law); p50/p99 from timed calls (every call for Redis, every 64th for memory), including time queued behind other calls in flight',
    },
    table,
    results: rows,
  };
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${table}\n\nwrote ${RESULTS_FILE}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
