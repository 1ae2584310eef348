/**
 * HTTP benchmark: GET /v1/projects/{p} at saturation, with authentication on
 * and off, on SQLite and PostgreSQL, against a bare Fastify ceiling.
 *
 *   npm run bench:http            (= npx tsx bench/http-projects.ts)
 *
 * What is served: by default the script exports the commit HEAD of this
 * repository with `git archive` into a private directory
 * (<tmpdir>/rouge-bench-<commit>), links this checkout's node_modules into it
 * and builds it there, so uncommitted edits in the working tree neither break
 * nor leak into the measurement; the commit is printed and recorded.
 *
 * Each server in SERVERS runs as its own child process pinned to one core
 * (SERVER_CPU) with `taskset`; the load generator, autocannon's CLI, runs as
 * another child pinned to the other core (LOAD_CPU). Every run is a warm-up
 * followed by a measured run against the same URL on 127.0.0.1. Before each
 * row the script waits for the machine to be quiet; a row during which other
 * processes used more than OTHER_MAX_PCT of a core, or the hypervisor stole
 * more than STEAL_MAX_PCT, is thrown away and run again (BENCH_RETRIES times). It prints a markdown table, the auth-on/auth-off
 * ratio of each pair against the Foundation II bar (85%), and writes
 * bench/results/http-projects.json.
 *
 * Settings (environment):
 *   BENCH_DURATION      measured seconds per server (default 10)
 *   BENCH_WARMUP        warm-up seconds per server (default 3)
 *   BENCH_CONNECTIONS   concurrent connections (default 50)
 *   BENCH_RETRIES       extra attempts for a row whose run was not quiet (default 3)
 *   BENCH_ROUNDS        run the whole list this many times (default 1); the table shows each
 *                       row's median round, the auth ratio is the median of per-round ratios
 *   BENCH_QUIET_WAIT    seconds to wait for a quiet machine before each row (default 300)
 *   BENCH_DATABASE_URL  PostgreSQL for the postgres rows (default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_ONLY          comma-separated server ids to run (default all); results then go to
 *                       bench/results/http-projects.partial.json
 *   BENCH_REF           the commit to export and serve (default HEAD)
 *   BENCH_ROUGE_DIR     serve this checkout as it is instead of an export (built with
 *                       `npm run build` there unless BENCH_SKIP_BUILD=1)
 *   BENCH_SKIP_BUILD=1  do not build first
 *
 * To add a row, add an entry to SERVERS; `rougeServer()` builds one from extra
 * flags and environment. Benchmarks print numbers; nothing here asserts on
 * timings (the PASS/FAIL column is a reading of the numbers, not a test).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, availableParallelism, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ROUGE_VARIABLES, envCleaner } from './lib/child-env.js';
import { alive, isAborting, runMain, startChild, stopChild, stopOnSignals, waitReady, type Child } from './lib/children.js';
import { buildSettings, dependencyDrift, explicitDirRevision, exportCommit } from './lib/export.js';
import { freePort } from './lib/free-port.js';
import { cpuTicks, cpusAllowed, machineTicks, readClockTicks, ticksOfProcessesNamed } from './lib/proc.js';
import { LOAD_CPU, SERVER_CPU, canPin, pinned } from './lib/pinning.js';
import { IDLE_MAX_PCT, OTHER_MAX_PCT, STEAL_MAX_PCT, waitQuiet as waitForQuiet } from './lib/quiet.js';
import { ROOT } from './lib/root.js';
import { intEnv, listEnv } from './lib/settings.js';

// ---------------------------------------------------------------- settings

const AUTOCANNON = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
const HOST = '127.0.0.1';
const PROJECT = 'bench';
const ROUTE = `/v1/projects/${PROJECT}`;

const DURATION = intEnv('BENCH_DURATION', 10, 1);
const WARMUP = intEnv('BENCH_WARMUP', 3, 0);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
const RETRIES = intEnv('BENCH_RETRIES', 3, 0);
const ROUNDS = intEnv('BENCH_ROUNDS', 1, 1);
const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const ONLY = listEnv('BENCH_ONLY');
// A partial run (BENCH_ONLY) does not overwrite the full table.
const RESULTS_FILE = join(ROOT, 'bench', 'results', ONLY.length > 0 ? 'http-projects.partial.json' : 'http-projects.json');
const { explicitDir: EXPLICIT_DIR, ref: REF, skipBuild: SKIP_BUILD } = buildSettings();
/** Set in main(): the export of REF, or EXPLICIT_DIR. */
let ROUGE_DIR = EXPLICIT_DIR ?? ROOT;

const QUIET_WAIT_S = intEnv('BENCH_QUIET_WAIT', 300, 0);

/** Foundation II: the authenticated route keeps at least this share of the unauthenticated throughput. */
const AUTH_BAR = 0.85;

/**
 * The admin key the auth-on servers are started with (--bootstrap-admin-key)
 * and every request carries: key id `benchadmin1`, a fresh 43-character secret
 * (the length of a generated key's) per run.
 */
const ADMIN_KEY = `rk_benchadmin1_${randomBytes(32).toString('hex').slice(0, 43)}`;
const AUTH_HEADERS = { authorization: `Bearer ${ADMIN_KEY}` };

// ---------------------------------------------------------------- server definitions

interface RunContext {
  port: number;
  baseUrl: string;
  /** A fresh directory per run, removed afterwards (Rouge's --data-dir). */
  tmpDir: string;
  /** Random hex, distinct per run (names a PostgreSQL schema). */
  runId: string;
}

interface ServerDef {
  /** Key in the JSON results and for BENCH_ONLY. */
  id: string;
  /** Row label in the table. */
  label: string;
  /** The baseline the others are compared with (exactly one). */
  ceiling?: boolean;
  /** A reason to skip this row, or undefined to run it. */
  precheck?: () => Promise<string | undefined>;
  /** The argv of the server (argv[0] is the program); run pinned to SERVER_CPU. */
  command: (ctx: RunContext) => string[];
  /** Extra environment for the server, on top of a cleaned copy of ours. */
  env?: (ctx: RunContext) => Record<string, string>;
  /** Headers on every request to the server (probe, setup and load), e.g. an API key. */
  headers?: Record<string, string>;
  /**
   * The status the route must answer without `headers`, checked before any load:
   * 401 proves an "auth on" row really authenticates, 200 that an "auth off" row does not.
   */
  statusWithoutHeaders?: number;
  /** Rows with the same pair compare auth on with auth off (ratio against AUTH_BAR). */
  pair?: { name: string; auth: 'on' | 'off' };
  /** Polled until it answers 2xx before any load. */
  readyPath: string;
  /** After the server is ready, before load (e.g. create the project). */
  setup?: (ctx: RunContext) => Promise<void>;
  /** After the server has stopped, whatever happened (e.g. drop a schema). */
  teardown?: (ctx: RunContext) => Promise<void>;
}

/** Creates the project the benchmark reads, through the public API. */
async function createProject(ctx: RunContext, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`${ctx.baseUrl}/v1/projects`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: PROJECT }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 200) throw new Error(`POST /v1/projects answered ${res.status}: ${await res.text()}`);
}

/**
 * A Rouge server row: `node dist/cli/main.js serve` with the given extra flags
 * and environment. Rows that differ only in configuration (auth on or off, a
 * cache, a log level) are one call each; see SERVERS.
 */
function rougeServer(opts: {
  id: string;
  label: string;
  extraArgs?: (ctx: RunContext) => string[];
  extraEnv?: Record<string, string>;
  headers?: Record<string, string>;
  statusWithoutHeaders?: number;
  pair?: ServerDef['pair'];
  precheck?: ServerDef['precheck'];
  setup?: ServerDef['setup'];
  teardown?: ServerDef['teardown'];
}): ServerDef {
  return {
    id: opts.id,
    label: opts.label,
    readyPath: '/healthz',
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.statusWithoutHeaders !== undefined ? { statusWithoutHeaders: opts.statusWithoutHeaders } : {}),
    ...(opts.pair ? { pair: opts.pair } : {}),
    ...(opts.precheck ? { precheck: opts.precheck } : {}),
    ...(opts.teardown ? { teardown: opts.teardown } : {}),
    command: (ctx) => [
      process.execPath,
      join(ROUGE_DIR, 'dist', 'cli', 'main.js'),
      'serve',
      '--host', HOST,
      '--port', String(ctx.port),
      '--data-dir', ctx.tmpDir,
      '--log-level', 'warn',
      ...(opts.extraArgs?.(ctx) ?? []),
    ],
    env: () => ({ ...opts.extraEnv }),
    setup: async (ctx) => {
      await createProject(ctx, opts.headers);
      await opts.setup?.(ctx);
    },
  };
}

function isLoopback(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

async function postgresReachable(url: string): Promise<string | undefined> {
  if (!isLoopback(url)) return `BENCH_DATABASE_URL must point at 127.0.0.1 (this script sends traffic nowhere else)`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL not reachable at ${url.replace(/\/\/[^@/]*@/, '//***@')}: ${(e as Error).message || String(e)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * One pair of rows: the same server and the same requests (every request
 * carries the admin key, in both rows), once with authentication on and once
 * with `--auth-disabled`. Both have the rate limit off (ROUGE_RATE_LIMIT=0):
 * at saturation a single key far exceeds the default 1000 requests/s, and the
 * limiter would measure refusals instead of the route. (The environment, not
 * `--rate-limit 0`: at commit 05b7b4c commander turns that flag into
 * `rateLimit` while the setting's key is `rateLimitPerSecond`, so the flag is
 * ignored. A 429 during a run shows up as non-2xx and voids the pair.)
 */
function authPair(opts: { id: string; label: string; extraArgs?: (ctx: RunContext) => string[]; precheck?: ServerDef['precheck']; teardown?: ServerDef['teardown'] }): ServerDef[] {
  const common = (ctx: RunContext) => ['--bootstrap-admin-key', ADMIN_KEY, ...(opts.extraArgs?.(ctx) ?? [])];
  return (['on', 'off'] as const).map((auth) =>
    rougeServer({
      id: `${opts.id}-auth-${auth}`,
      label: `${opts.label}, auth ${auth}`,
      extraArgs: (ctx) => [...common(ctx), ...(auth === 'off' ? ['--auth-disabled'] : [])],
      extraEnv: { ROUGE_RATE_LIMIT: '0' },
      headers: AUTH_HEADERS,
      statusWithoutHeaders: auth === 'on' ? 401 : 200,
      pair: { name: opts.label, auth },
      ...(opts.precheck ? { precheck: opts.precheck } : {}),
      ...(opts.teardown ? { teardown: opts.teardown } : {}),
    }),
  );
}

/** Each PostgreSQL run gets its own schema, dropped afterwards. */
function pgSchema(ctx: RunContext): string {
  return `bench_${ctx.runId}`;
}

const SERVERS: ServerDef[] = [
  ...authPair({ id: 'rouge-sqlite', label: 'Rouge SQLite' }),
  ...authPair({
    id: 'rouge-postgres',
    label: 'Rouge PostgreSQL',
    extraArgs: (ctx) => ['--database-url', DATABASE_URL, '--database-schema', pgSchema(ctx)],
    precheck: () => postgresReachable(DATABASE_URL),
    teardown: (ctx) => dropSchema(DATABASE_URL, pgSchema(ctx)),
  }),
  {
    id: 'fastify-constant',
    label: 'Ceiling: bare Fastify, constant body',
    ceiling: true,
    readyPath: ROUTE,
    command: (ctx) => [process.execPath, join(ROOT, 'bench', 'servers', 'fastify-constant.mjs'), '--host', HOST, '--port', String(ctx.port)],
  },
];

// ---------------------------------------------------------------- child processes

stopOnSignals();

let pinningEnabled = true;
let clockTicks = 100;

/** Our environment without anything that would reconfigure Rouge behind our back. */
const cleanEnv = envCleaner(ROUGE_VARIABLES);

// ---------------------------------------------------------------- load

interface CpuUse {
  /** Percent of one core over the middle of the measured run. */
  serverPct: number | null;
  loadGenPct: number | null;
  postgresPct: number | null;
  /** Everything else the machine ran meanwhile (other processes, kernel, interrupts), in percent of one core. */
  otherPct: number | null;
  /** Time the hypervisor took from this VM, in percent of one core. */
  stealPct: number | null;
  windowSeconds: number | null;
}

interface LoadResult {
  requestsPerSecMean: number;
  requestsPerSecStddev: number;
  requestsTotal: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  bytesPerSecMean: number;
  durationSeconds: number;
  cpu: CpuUse;
  loadGenCpusAllowed: string;
}

type Json = Record<string, any>;

/**
 * One autocannon run as a child pinned to LOAD_CPU. While it runs, samples the
 * CPU time of the server, of autocannon and of local postgres processes over
 * the middle of the run (1 s in from the start to 1 s before the end).
 */
async function runLoad(url: string, seconds: number, connections: number, serverPid: number | undefined, headers: Record<string, string> = {}): Promise<LoadResult> {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const argv = pinned(LOAD_CPU, [process.execPath, AUTOCANNON, '--json', '-c', String(connections), '-d', String(seconds), ...headerArgs, url], pinningEnabled);
  const ac = startChild('autocannon', argv, cleanEnv(), true);
  const cpu: CpuUse = { serverPct: null, loadGenPct: null, postgresPct: null, otherPct: null, stealPct: null, windowSeconds: null };
  let loadGenCpusAllowed = '?';
  const timers: NodeJS.Timeout[] = [];
  if (seconds >= 3) {
    let t0 = 0;
    let s0: number | undefined, a0: number | undefined, p0 = 0;
    let m0 = { busy: 0, steal: 0 };
    timers.push(
      setTimeout(() => {
        t0 = performance.now();
        s0 = cpuTicks(serverPid);
        a0 = cpuTicks(ac.proc.pid);
        p0 = ticksOfProcessesNamed('postgres');
        m0 = machineTicks();
        loadGenCpusAllowed = cpusAllowed(ac.proc.pid);
      }, 1000),
      setTimeout(() => {
        const wall = (performance.now() - t0) / 1000;
        const s1 = cpuTicks(serverPid);
        const a1 = cpuTicks(ac.proc.pid);
        const p1 = ticksOfProcessesNamed('postgres');
        const m1 = machineTicks();
        const pct = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : ((b - a) / clockTicks / wall) * 100);
        cpu.serverPct = pct(s0, s1);
        cpu.loadGenPct = pct(a0, a1);
        // A backend that exits inside the window takes its ticks with it; never report below zero.
        cpu.postgresPct = Math.max(0, pct(p0, p1) ?? 0);
        const busyPct = pct(m0.busy, m1.busy);
        if (busyPct !== null && cpu.serverPct !== null && cpu.loadGenPct !== null && cpu.postgresPct !== null) {
          cpu.otherPct = Math.max(0, busyPct - cpu.serverPct - cpu.loadGenPct - cpu.postgresPct);
        }
        cpu.stealPct = pct(m0.steal, m1.steal);
        cpu.windowSeconds = wall;
      }, (seconds - 1) * 1000),
    );
  }
  const hardStop = setTimeout(() => {
    ac.tail.push(`autocannon did not finish within ${seconds + 60} s; killed`);
    ac.proc.kill('SIGKILL');
  }, (seconds + 60) * 1000);
  try {
    await ac.exited;
  } finally {
    clearTimeout(hardStop);
    for (const t of timers) clearTimeout(t);
  }
  if (ac.proc.exitCode !== 0) throw new Error(`autocannon failed (exit ${ac.proc.exitCode ?? ac.proc.signalCode}):\n  ${ac.tail.join('\n  ')}`);
  const line = ac.stdout.trim().split('\n').filter(Boolean).pop();
  if (!line) throw new Error(`autocannon printed no JSON:\n  ${ac.tail.join('\n  ')}`);
  const r = JSON.parse(line) as Json;
  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries((r.statusCodeStats ?? {}) as Record<string, { count: number }>)) statusCodes[code] = v.count;
  return {
    requestsPerSecMean: r.requests.mean,
    requestsPerSecStddev: r.requests.stddev,
    requestsTotal: r.requests.total,
    latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    non2xx: r.non2xx ?? 0,
    errors: r.errors ?? 0,
    timeouts: r.timeouts ?? 0,
    statusCodes,
    bytesPerSecMean: r.throughput.mean,
    durationSeconds: r.duration,
    cpu,
    loadGenCpusAllowed,
  };
}

// ---------------------------------------------------------------- one row

interface Row {
  id: string;
  label: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  ceiling: boolean;
  responseBytes?: number;
  serverCpusAllowed?: string;
  warmup?: LoadResult;
  measured?: LoadResult;
  ratioToCeiling?: number | null;
  pair?: ServerDef['pair'];
  /** False when every attempt had other processes above OTHER_MAX_PCT. */
  quiet?: boolean;
  /** Attempts thrown away because the machine was not quiet. */
  rejected?: Array<{ requestsPerSec: number; otherPct: number | null; stealPct: number | null }>;
  /** With BENCH_ROUNDS > 1: each round's requests/s (null when unusable); this row is the median one. */
  rounds?: Array<number | null>;
  warnings: string[];
}

async function runServer(def: ServerDef): Promise<Row> {
  const row: Row = { id: def.id, label: def.label, status: 'ok', ceiling: def.ceiling === true, ...(def.pair ? { pair: def.pair } : {}), warnings: [] };
  const skip = await def.precheck?.();
  if (skip) {
    console.log(`\n== ${def.label}: SKIPPED (${skip})`);
    return { ...row, status: 'skipped', reason: skip };
  }
  const port = await freePort(HOST);
  const ctx: RunContext = { port, baseUrl: `http://${HOST}:${port}`, tmpDir: mkdtempSync(join(tmpdir(), 'rouge-bench-data-')), runId: randomBytes(4).toString('hex') };
  const url = `${ctx.baseUrl}${ROUTE}`;
  console.log(`\n== ${def.label} on ${ctx.baseUrl}`);
  let server: Child | undefined;
  try {
    server = startChild(def.label, pinned(SERVER_CPU, def.command(ctx), pinningEnabled), cleanEnv(def.env?.(ctx)));
    await waitReady(server, `${ctx.baseUrl}${def.readyPath}`, 30_000);
    await def.setup?.(ctx);

    // One request by hand: the route must answer 200 with a project before we load it.
    const probe = await fetch(url, { headers: def.headers ?? {}, signal: AbortSignal.timeout(5000) });
    const body = await probe.text();
    if (probe.status !== 200) throw new Error(`GET ${ROUTE} answered ${probe.status}: ${body}`);
    const parsed = JSON.parse(body) as { name?: string };
    if (parsed.name !== `projects/${PROJECT}`) throw new Error(`GET ${ROUTE} answered an unexpected body: ${body}`);
    row.responseBytes = Buffer.byteLength(body);
    if (def.statusWithoutHeaders !== undefined) {
      const bare = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await bare.arrayBuffer();
      if (bare.status !== def.statusWithoutHeaders) {
        throw new Error(`GET ${ROUTE} without the Authorization header answered ${bare.status}, expected ${def.statusWithoutHeaders}: the server's auth setting is not what this row measures`);
      }
    }
    row.serverCpusAllowed = cpusAllowed(server.proc.pid);
    if (pinningEnabled && row.serverCpusAllowed !== String(SERVER_CPU)) row.warnings.push(`server allowed on CPUs ${row.serverCpusAllowed}, expected ${SERVER_CPU}`);
    console.log(`   ready; response ${row.responseBytes} bytes; server pid ${server.proc.pid} on CPU(s) ${row.serverCpusAllowed}`);

    if (WARMUP > 0) {
      console.log(`   warm-up ${WARMUP} s, ${CONNECTIONS} connections ...`);
      row.warmup = await runLoad(url, WARMUP, CONNECTIONS, server.proc.pid, def.headers);
      console.log(`   warm-up: ${fmtInt(row.warmup.requestsPerSecMean)} req/s`);
    }
    console.log(`   measuring ${DURATION} s, ${CONNECTIONS} connections ...`);
    const m = await runLoad(url, DURATION, CONNECTIONS, server.proc.pid, def.headers);
    row.measured = m;
    if (!alive(server)) throw new Error(`${def.label} died during the run:\n  ${server.tail.join('\n  ')}`);

    if (m.non2xx > 0) row.warnings.push(`${m.non2xx} non-2xx responses (${JSON.stringify(m.statusCodes)})`);
    if (m.errors > 0 || m.timeouts > 0) row.warnings.push(`${m.errors} connection errors, ${m.timeouts} timeouts`);
    if (row.warmup && row.warmup.non2xx > 0) row.warnings.push(`${row.warmup.non2xx} non-2xx responses during warm-up`);
    if (pinningEnabled && m.loadGenCpusAllowed !== '?' && m.loadGenCpusAllowed !== String(LOAD_CPU)) row.warnings.push(`load generator allowed on CPUs ${m.loadGenCpusAllowed}, expected ${LOAD_CPU}`);
    if (m.cpu.otherPct !== null && m.cpu.otherPct > OTHER_MAX_PCT) row.warnings.push(`other processes used ${m.cpu.otherPct.toFixed(0)}% of a core during the run: the machine was not quiet, numbers are unreliable`);
    if (m.cpu.stealPct !== null && m.cpu.stealPct > 5) row.warnings.push(`hypervisor steal was ${m.cpu.stealPct.toFixed(0)}% of a core during the run`);
    if (m.cpu.loadGenPct !== null && m.cpu.loadGenPct > 90) row.warnings.push(`load generator at ${m.cpu.loadGenPct.toFixed(0)}% of its core: this row may measure autocannon, not the server`);
    const tailLines = server.tail.filter((l) => !/listening on|^(Store|Mode|Cache|Blobs): /.test(l));
    if (tailLines.length > 0) row.warnings.push(`server wrote: ${tailLines.slice(-5).join(' | ')}`);

    console.log(
      `   ${fmtInt(m.requestsPerSecMean)} req/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, non-2xx ${m.non2xx}, ` +
        `CPU server ${fmtPct(m.cpu.serverPct)} / autocannon ${fmtPct(m.cpu.loadGenPct)} / postgres ${fmtPct(m.cpu.postgresPct)} / other ${fmtPct(m.cpu.otherPct)}`,
    );
    for (const w of row.warnings) console.log(`   WARNING: ${w}`);
    return row;
  } catch (e) {
    if (isAborting()) throw e;
    const msg = (e as Error).message;
    console.log(`   FAILED: ${msg}`);
    return { ...row, status: 'failed', reason: msg };
  } finally {
    if (server) await stopChild(server, 5000);
    if (def.teardown) {
      try {
        await def.teardown(ctx);
      } catch (e) {
        console.log(`   WARNING: teardown failed: ${(e as Error).message}`);
      }
    }
    rmSync(ctx.tmpDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- output

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function fmtPct(n: number | null | undefined): string {
  return n === null || n === undefined ? 'n/a' : `${n.toFixed(0)}%`;
}

function markdownTable(rows: Row[]): string {
  const head = ['Server', 'req/s (mean)', 'p50 ms', 'p99 ms', 'non-2xx', 'vs ceiling', 'server CPU', 'autocannon CPU', 'postgres CPU', 'other CPU'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const m = r.measured;
    if (r.status !== 'ok' || !m) {
      lines.push(`| ${r.label} | ${r.status}: ${(r.reason ?? '').split('\n')[0]} | | | | | | | | |`);
      continue;
    }
    const ratio = r.ratioToCeiling === null || r.ratioToCeiling === undefined ? 'n/a' : `${(r.ratioToCeiling * 100).toFixed(0)}%`;
    lines.push(
      `| ${r.label}${r.quiet === false ? ' (NOT QUIET)' : ''} | ${fmtInt(m.requestsPerSecMean)} | ${m.latencyMs.p50} | ${m.latencyMs.p99} | ${m.non2xx + m.errors + m.timeouts > 0 ? `**${m.non2xx}** (+${m.errors} err, ${m.timeouts} t/o)` : '0'} | ${ratio} | ${fmtPct(m.cpu.serverPct)} | ${fmtPct(m.cpu.loadGenPct)} | ${fmtPct(m.cpu.postgresPct)} | ${fmtPct(m.cpu.otherPct)} |`,
    );
  }
  return lines.join('\n');
}

function cpuModel(): string {
  return cpus()[0]?.model?.trim() || '(unknown)';
}

async function runToEnd(name: string, argv: string[], cwd: string): Promise<void> {
  const c = startChild(name, argv, { ...process.env }, false, cwd);
  await c.exited;
  if (c.proc.exitCode !== 0) throw new Error(`${name} failed:\n  ${c.tail.join('\n  ')}`);
}

async function buildExplicitDir(dir: string): Promise<void> {
  console.log(`Building (npm run build in ${dir}) ...`);
  await runToEnd('npm run build', ['npm', 'run', 'build', '--silent'], dir);
}

/** Machine busy time over one second, in percent of one core. */
async function machineBusyPct(): Promise<number> {
  const q0 = machineTicks();
  await sleep(1000);
  return ((machineTicks().busy - q0.busy) / clockTicks) * 100;
}

/**
 * Waits until the machine is idle (our servers are stopped between rows, so
 * any busy time is someone else's): three consecutive seconds under
 * IDLE_MAX_PCT, for at most QUIET_WAIT_S. Returns the last reading.
 */
const waitQuiet = (): Promise<number> => waitForQuiet({ busyPct: machineBusyPct, idleMaxPct: IDLE_MAX_PCT, waitSeconds: QUIET_WAIT_S, what: 'busy' });

/** Why a measured run does not count as quiet, or undefined when it does. */
function noise(row: Row): string | undefined {
  if (row.status !== 'ok' || !row.measured) return undefined;
  const { otherPct, stealPct } = row.measured.cpu;
  if (otherPct !== null && otherPct > OTHER_MAX_PCT) return `other processes used ${otherPct.toFixed(0)}% of a core`;
  if (stealPct !== null && stealPct > STEAL_MAX_PCT) return `hypervisor steal was ${stealPct.toFixed(0)}% of a core`;
  return undefined;
}

/** Runs a row, again while the machine was not quiet during it (up to RETRIES more times). */
async function runQuietly(def: ServerDef): Promise<Row> {
  const rejected: NonNullable<Row['rejected']> = [];
  for (let attempt = 0; ; attempt++) {
    await waitQuiet();
    const row = await runServer(def);
    const why = noise(row);
    if (!why) return { ...row, ...(row.status === 'ok' ? { quiet: true } : {}), ...(rejected.length ? { rejected } : {}) };
    const cpu = row.measured!.cpu;
    rejected.push({ requestsPerSec: row.measured!.requestsPerSecMean, otherPct: cpu.otherPct, stealPct: cpu.stealPct });
    if (attempt >= RETRIES) {
      console.log(`   not quiet after ${attempt + 1} attempts; keeping the last one, marked not quiet`);
      return { ...row, quiet: false, rejected };
    }
    console.log(`   not quiet (${why}): discarding this attempt and running the row again`);
  }
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

const usable = (r: Row | undefined): r is Row & { measured: LoadResult } =>
  r?.status === 'ok' && r.measured !== undefined && r.quiet !== false && r.measured.non2xx + r.measured.errors + r.measured.timeouts === 0;

/**
 * The row shown for a server over all rounds: the usable run with the median
 * requests/s (the lower middle one for an even count), else the last run.
 */
function representative(runs: Row[]): Row {
  const ok = runs.filter(usable).sort((a, b) => a.measured.requestsPerSecMean - b.measured.requestsPerSecMean);
  const pick = ok.length > 0 ? ok[Math.floor((ok.length - 1) / 2)]! : runs[runs.length - 1]!;
  return { ...pick, ...(runs.length > 1 ? { rounds: runs.map((r) => (usable(r) ? r.measured.requestsPerSecMean : null)) } : {}) };
}

interface PairResult {
  name: string;
  /** Per round, the auth-on and auth-off requests/s and their ratio (null when a row of the round is unusable). */
  rounds: Array<{ on: number; off: number; ratio: number } | null>;
  /** Median over the usable rounds. */
  on?: number;
  off?: number;
  ratio: number | null;
  verdict: 'PASS' | 'FAIL' | 'n/a';
  note?: string;
}

/** Each round's auth-on row is compared with the same round's auth-off row, run right after it. */
function pairResults(rounds: Row[][]): PairResult[] {
  const names = [...new Set(rounds.flat().flatMap((r) => (r.pair ? [r.pair.name] : [])))];
  return names.map((name) => {
    const per = rounds.map((rows) => {
      const on = rows.find((r) => r.pair?.name === name && r.pair.auth === 'on');
      const off = rows.find((r) => r.pair?.name === name && r.pair.auth === 'off');
      if (!usable(on) || !usable(off)) return null;
      const a = on.measured.requestsPerSecMean;
      const b = off.measured.requestsPerSecMean;
      return { on: a, off: b, ratio: a / b };
    });
    const ok = per.filter((x): x is NonNullable<typeof x> => x !== null);
    if (ok.length === 0) {
      return { name, rounds: per, ratio: null, verdict: 'n/a', note: 'a row of the pair failed, was skipped, was not quiet or had errors' };
    }
    const ratio = median(ok.map((x) => x.ratio));
    return { name, rounds: per, on: median(ok.map((x) => x.on)), off: median(ok.map((x) => x.off)), ratio, verdict: ratio >= AUTH_BAR ? 'PASS' : 'FAIL' };
  });
}

function pairTable(pairs: PairResult[]): string {
  const multi = pairs.some((p) => p.rounds.length > 1);
  const lines = [
    `| Store | auth on req/s | auth off req/s | auth on / auth off | >= ${(AUTH_BAR * 100).toFixed(0)}% |${multi ? ' ratio per round |' : ''}`,
    `|---|---:|---:|---:|---|${multi ? '---|' : ''}`,
  ];
  for (const p of pairs) {
    const perRound = multi ? ` ${p.rounds.map((x) => (x ? `${(x.ratio * 100).toFixed(0)}%` : 'n/a')).join(', ')} |` : '';
    lines.push(
      p.ratio === null
        ? `| ${p.name} | | | n/a | n/a (${p.note}) |${perRound}`
        : `| ${p.name} | ${fmtInt(p.on!)} | ${fmtInt(p.off!)} | ${(p.ratio * 100).toFixed(1)}% | ${p.verdict} |${perRound}`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const ncpu = availableParallelism();
  pinningEnabled = canPin(LOAD_CPU);
  clockTicks = readClockTicks();

  const machine = { nproc: ncpu, cpuModel: cpuModel(), node: process.version, kernel: release(), platform: process.platform };
  const autocannonVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as { version: string }).version;
  console.log(`Machine: ${machine.nproc} CPUs, ${machine.cpuModel}, Node ${machine.node}, Linux ${machine.kernel}`);
  console.log(
    `Method: server on CPU ${SERVER_CPU}, autocannon ${autocannonVersion} on CPU ${LOAD_CPU}` +
      `${pinningEnabled ? ' (taskset)' : ' -- WARNING: NOT PINNED (taskset unavailable or fewer than 2 CPUs)'}; ` +
      `warm-up ${WARMUP} s, measured ${DURATION} s, ${CONNECTIONS} connections, pipelining 1, GET ${ROUTE}`,
  );

  let rougeVersion: string;
  let depWarnings: string[] = [];
  if (EXPLICIT_DIR) {
    if (!SKIP_BUILD) await buildExplicitDir(EXPLICIT_DIR);
    rougeVersion = explicitDirRevision(EXPLICIT_DIR, { readRevisionFile: true });
  } else {
    const exp = await exportCommit(REF, { dirPrefix: 'rouge-bench-', skipBuild: SKIP_BUILD, run: runToEnd });
    ROUGE_DIR = exp.dir;
    rougeVersion = `commit ${exp.commit}`;
    depWarnings = dependencyDrift(exp.commit);
  }
  if (!existsSync(join(ROUGE_DIR, 'dist', 'cli', 'main.js'))) throw new Error(`${join(ROUGE_DIR, 'dist', 'cli', 'main.js')} is missing; build it first`);
  console.log(`Rouge: ${ROUGE_DIR} (${rougeVersion})`);
  for (const w of depWarnings) console.log(`WARNING: dependency drift: ${w}`);
  console.log(`Auth rows: --bootstrap-admin-key rk_benchadmin1_<43 random characters> and ROUGE_RATE_LIMIT=0 (the rate limit is off), plus --auth-disabled for "auth off"; every request sends the key`);

  // Benchmarks on a busy machine measure the other work; say so up front.
  const quietPct = await machineBusyPct();
  console.log(`Machine busy before the runs: ${quietPct.toFixed(0)}% of one core`);

  const defs = ONLY.length > 0 ? SERVERS.filter((d) => ONLY.includes(d.id)) : SERVERS;
  if (defs.length === 0) throw new Error(`BENCH_ONLY=${ONLY.join(',')} matches no server; ids are ${SERVERS.map((d) => d.id).join(', ')}`);
  const rounds: Row[][] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`\n######## round ${round} of ${ROUNDS}`);
    const rows: Row[] = [];
    for (const def of defs) rows.push(await runQuietly(def));
    rounds.push(rows);
  }
  const rows = defs.map((d) => representative(rounds.map((rs) => rs.find((r) => r.id === d.id)!)));

  const ceiling = rows.find((r) => r.ceiling && r.status === 'ok' && r.measured);
  for (const r of rows) {
    r.ratioToCeiling = ceiling?.measured && r.measured ? r.measured.requestsPerSecMean / ceiling.measured.requestsPerSecMean : null;
  }

  const table = markdownTable(rows);
  console.log(`\n${table}\n`);
  if (ROUNDS > 1) console.log(`(${ROUNDS} rounds: each row above is its median round; ratios below are medians of per-round ratios)\n`);
  const pairs = pairResults(rounds);
  const authTable = pairs.length > 0 ? pairTable(pairs) : '';
  if (authTable) console.log(`Authentication cost (Foundation II: auth on keeps >= ${(AUTH_BAR * 100).toFixed(0)}% of auth off):\n\n${authTable}\n`);
  console.log(`Measured: ${rougeVersion}`);
  const warnings = rows.flatMap((r) => r.warnings.map((w) => `${r.label}: ${w}`));
  for (const w of warnings) console.log(`WARNING: ${w}`);

  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        benchmark: 'http-projects',
        generatedAt: new Date().toISOString(),
        route: `GET ${ROUTE}`,
        rouge: { dir: ROUGE_DIR, revision: rougeVersion, dependencyDrift: depWarnings },
        machine: { ...machine, busyBeforeRunsPct: Math.round(quietPct) },
        method: {
          serverCpu: SERVER_CPU,
          loadGeneratorCpu: LOAD_CPU,
          pinned: pinningEnabled,
          loadGenerator: `autocannon ${autocannonVersion} (CLI, --json)`,
          warmupSeconds: WARMUP,
          durationSeconds: DURATION,
          connections: CONNECTIONS,
          pipelining: 1,
          latencyResolution: 'autocannon records whole milliseconds (values are truncated)',
          cpuWindow: 'percent of one core, from 1 s after the measured run starts to 1 s before it ends; other = machine busy time minus server, autocannon and postgres',
          quiet: `before each row, wait for 3 consecutive seconds of machine busy time <= ${IDLE_MAX_PCT}% of a core; a row with other > ${OTHER_MAX_PCT}% or steal > ${STEAL_MAX_PCT}% is discarded and run again, up to ${RETRIES} more times`,
          rounds: ROUNDS,
          auth: 'auth-on and auth-off rows start the same server with --bootstrap-admin-key <key> and ROUGE_RATE_LIMIT=0 (rate limit off); auth off adds --auth-disabled; every request (setup, probe, load) sends Authorization: Bearer <key>',
        },
        table,
        authBar: AUTH_BAR,
        authPairs: pairs,
        authTable,
        results: rows,
        rounds,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`Wrote ${RESULTS_FILE}`);
  return rows.some((r) => r.status === 'failed') ? 1 : 0;
}

runMain(main);
