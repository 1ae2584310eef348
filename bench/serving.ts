/**
 * Serving benchmark (issue 6, "Performance"): Rouge's online prediction on one
 * core against the peer the data-science team runs today (FastAPI + uvicorn +
 * scikit-learn) and against onnxruntime-node called in process.
 *
 *   npm run bench:serving          (= npx tsx bench/serving.ts)
 *
 * What is served: the commit HEAD, exported with `git archive` into a private
 * directory (<tmpdir>/rouge-bench-serving-<commit>), this checkout's
 * node_modules linked into it, built there with tsc; uncommitted edits in the
 * working tree neither break nor leak into the measurement. The models are
 * built with that commit's test/fixtures/onnx-builder.ts:
 * - `lr`: buildLogisticRegression({features: 100, seed: 42}), X FP32 [-1,100] -> probability FP32 [-1,1];
 * - `mlp`: buildMlp({...BENCHMARK_MLP, seed: 7}), 256 -> 1536 -> 384 -> 16, 991,120 parameters.
 *
 * Processes: each server is a child pinned to CPU 0 (`taskset -c 0`):
 * - Rouge: `node dist/cli/main.js serve --host 127.0.0.1 --port <free> --data-dir <tmp>
 *   --log-level warn --rate-limit 0 --bootstrap-admin-key rk_benchsrv1_<random>` and
 *   ROUGE_RATE_LIMIT=0 (before 28cb882 the --rate-limit flag was ignored, so the environment
 *   is what turns the limiter off at older commits; a 429 would show as non-2xx and void the row). Auth is on: every request
 *   carries the admin key. Models are uploaded with the HTTP API (multipart), endpoints created
 *   and deployed with :deployModel, and the Operation polled until done.
 * - the peer: `/usr/bin/python3 bench/servers/sklearn_server.py` (FastAPI, pydantic request
 *   model, LogisticRegression.predict_proba with coef_/intercept_ set to the ONNX model's
 *   float32 W and B, uvicorn with uvloop + httptools, 1 worker, log level warning).
 * onnxruntime's intra-op pool threads set their own CPU affinity when a session is created,
 * ignoring the process's (under `taskset -c 0` each session's pool thread moves to CPU 1, the
 * load generator's core): once a server has loaded its models every one of its threads is put
 * back on CPU 0 with `taskset -a -p -c 0 <pid>`, and checked before and after each row.
 * The load generator (bench/serving-load.ts: autocannon 9 as a library, or a paced open-loop
 * generator) is a child pinned to CPU 1. The in-process measurement
 * (bench/serving-inproc.ts: `await session.run()` with process.cpuUsage around each call) is
 * a child pinned to CPU 0, as the server is.
 *
 * Before any load, both servers must give the same probabilities as a float64 reference for
 * a few inputs (and Rouge's MLP endpoints the same outputs, batched and not), and a request
 * without the key must get 401.
 *
 * Rows (each: wait for a quiet machine, warm-up, measured run; a run during which processes
 * other than ours used more than OTHER_MAX_PCT of a core, or steal exceeded STEAL_MAX_PCT, is
 * thrown away and run again, BENCH_RETRIES times):
 * - saturation, BENCH_CONNECTIONS connections: peer /predict, Rouge :predict, Rouge OIP infer
 *   (logistic regression, batch 1); Rouge :predict on the MLP with batching off and on;
 * - fixed rate, autocannon overallRate = BENCH_RATE_FRACTION x that row's saturated rate;
 * - the same rates with uniform (paced, open-loop) arrivals;
 * - Rouge :predict and OIP at the peer's fixed rate (the same load on both).
 * Requests walk a list of BENCH_INPUTS distinct inputs (10,000 by default).
 *
 * Targets read from the numbers (not asserted; benchmarks print numbers):
 * 1. Rouge >= 5x the peer's saturated throughput at batch 1, with a lower p99 (each protocol);
 * 2. server overhead = Rouge's CPU time per request at saturation (utime+stime from
 *    /proc/<pid>/stat over the window / responses in the window) minus the median CPU time of
 *    one in-process session.run at batch 1: under 100 us;
 * 3. MLP, BENCH_CONNECTIONS clients: batching on >= 2x batching off.
 *
 * Settings (environment):
 *   BENCH_DURATION       measured seconds per row (default 10)
 *   BENCH_WARMUP         warm-up seconds per row (default 3)
 *   BENCH_CONNECTIONS    concurrent connections (default 64)
 *   BENCH_RATE_FRACTION  fixed-rate rows run at this fraction of the saturated rate (default 0.5)
 *   BENCH_INPUTS         distinct inputs per model (default 10000)
 *   BENCH_BATCHING       batching settings maxBatchSize:maxLatencyMs, comma-separated; the
 *                        first is the one the target reads and gets fixed-rate rows, the
 *                        others get a saturation row each (default 16:1,64:2,32:2: a quarter
 *                        of the 64 clients per batch did best; docs/serving.md)
 *   BENCH_REPEAT         runs of each saturation row; the row reports the median by
 *                        throughput and lists every run (default 3)
 *   BENCH_FAST_LANE      true or false: passed to Rouge as --fast-lane (default: not passed,
 *                        so the served commit's default; commits before 540a292 have no lane)
 *   BENCH_RETRIES        extra attempts for a row whose run was not quiet (default 3)
 *   BENCH_QUIET_WAIT     seconds to wait for a quiet machine before each row (default 300)
 *   BENCH_ONLY           comma-separated row ids (default all); results then go to
 *                        bench/results/serving.partial.json
 *   BENCH_PROFILE        a row id: run only that row's load against a Rouge started with
 *                        `node --cpu-prof`, and print where the CPU time goes
 *   BENCH_REF            the commit to export and serve (default HEAD)
 *   BENCH_ROUGE_DIR      serve this checkout as it is instead of an export
 *   BENCH_SKIP_BUILD=1   do not build first
 *   BENCH_PYTHON         the peer's interpreter (default /usr/bin/python3)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { PYTHON_VARIABLES, ROUGE_VARIABLES, envCleaner } from './lib/child-env.js';
import { alive, isAborting, live, runMain, startChild, stopChild, stopOnSignals, waitReady, type Child } from './lib/children.js';
import { buildSettings, dependencyDrift, explicitDirRevision, exportCommit } from './lib/export.js';
import { freePort } from './lib/free-port.js';
import { cpuTicks, cpusAllowed, machineTicks, readClockTicks } from './lib/proc.js';
import { LOAD_CPU, SERVER_CPU, canPin, pinned } from './lib/pinning.js';
import { IDLE_MAX_PCT, OTHER_MAX_PCT, STEAL_MAX_PCT, waitQuiet as waitForQuiet } from './lib/quiet.js';
import { ROOT } from './lib/root.js';
import { intEnv, listEnv } from './lib/settings.js';

// ---------------------------------------------------------------- settings

const HOST = '127.0.0.1';
const PROJECT = 'bench';

const DURATION = intEnv('BENCH_DURATION', 10, 3);
const WARMUP = intEnv('BENCH_WARMUP', 3, 0);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 64, 1);
const RETRIES = intEnv('BENCH_RETRIES', 3, 0);
const QUIET_WAIT_S = intEnv('BENCH_QUIET_WAIT', 300, 0);
const INPUTS = intEnv('BENCH_INPUTS', 10_000, 1);
const RATE_FRACTION = Number(process.env.BENCH_RATE_FRACTION || '0.5');
if (!(RATE_FRACTION > 0 && RATE_FRACTION <= 1)) throw new Error('BENCH_RATE_FRACTION must be in (0, 1]');
const REPEAT = intEnv('BENCH_REPEAT', 3, 1);
const FAST_LANE = process.env.BENCH_FAST_LANE;
if (FAST_LANE !== undefined && !['true', 'false'].includes(FAST_LANE)) throw new Error('BENCH_FAST_LANE must be true or false');
const BATCHINGS = (process.env.BENCH_BATCHING || '16:1,64:2,32:2').split(',').map((s) => {
  const m = /^\s*(\d+):(\d+(?:\.\d+)?)\s*$/.exec(s);
  if (!m) throw new Error(`BENCH_BATCHING: "${s}" is not maxBatchSize:maxLatencyMs`);
  return { maxBatchSize: Number(m[1]), maxLatencyMs: Number(m[2]) };
});
const ONLY = listEnv('BENCH_ONLY');
const PROFILE = process.env.BENCH_PROFILE?.trim() || undefined;
const { explicitDir: EXPLICIT_DIR, ref: REF, skipBuild: SKIP_BUILD } = buildSettings();
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const RESULTS_FILE = join(ROOT, 'bench', 'results', ONLY.length > 0 ? 'serving.partial.json' : 'serving.json');
let ROUGE_DIR = EXPLICIT_DIR ?? ROOT;

const TARGET_PEER_RATIO = 5;
const TARGET_OVERHEAD_US = 100;
const TARGET_BATCHING_RATIO = 2;

const LR = { features: 100, seed: 42 };
const MLP_SEED = 7;
/** Probabilities of the two servers and the float64 reference must agree to this. */
const PROB_TOLERANCE = 1e-5;

const ADMIN_KEY = `rk_benchsrv1_${randomBytes(32).toString('hex').slice(0, 43)}`;
const AUTH = { authorization: `Bearer ${ADMIN_KEY}` };

// ---------------------------------------------------------------- child processes

stopOnSignals();

let pinningEnabled = true;
let clockTicks = 100;

/** Our environment without anything that would reconfigure Rouge, or the peer's Python, behind our back. */
const cleanEnv = envCleaner(ROUGE_VARIABLES, PYTHON_VARIABLES);

async function runToEnd(name: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv = { ...process.env }): Promise<Child> {
  const c = startChild(name, argv, env, true, cwd);
  await c.exited;
  if (c.proc.exitCode !== 0) throw new Error(`${name} failed (exit ${c.proc.exitCode ?? c.proc.signalCode}):\n  ${c.tail.join('\n  ')}`);
  return c;
}

// ---------------------------------------------------------------- /proc

/** How many threads of a process are allowed on which CPUs, e.g. {"0": 12, "1": 5}. */
function threadAffinity(pid: number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (pid === undefined) return out;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const cpus = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))?.[1] ?? '?';
        out[cpus] = (out[cpus] ?? 0) + 1;
      } catch {
        /* thread gone */
      }
    }
  } catch {
    /* process gone */
  }
  return out;
}

/**
 * Puts every thread of a server back on SERVER_CPU. onnxruntime's intra-op pool
 * threads set their own affinity when a session is created (on this 2-CPU
 * machine, under `taskset -c 0`, each session's pool thread moves itself to
 * CPU 1, the load generator's core), so a server that has loaded its models is
 * re-pinned with `taskset -a -p`, and checked before and after every row.
 * Returns the affinity found before.
 */
function repinServer(pid: number | undefined): Record<string, number> {
  const before = threadAffinity(pid);
  if (pinningEnabled && pid !== undefined && Object.keys(before).some((c) => c !== String(SERVER_CPU))) {
    execFileSync('taskset', ['-a', '-p', '-c', String(SERVER_CPU), String(pid)], { stdio: 'ignore' });
    const after = threadAffinity(pid);
    if (Object.keys(after).some((c) => c !== String(SERVER_CPU))) throw new Error(`could not pin every thread of pid ${pid} to CPU ${SERVER_CPU}: ${JSON.stringify(after)}`);
  }
  return before;
}

/** CPU ticks of our long-lived children (the servers) and of this process. */
function ourTicks(): number {
  let sum = cpuTicks(process.pid) ?? 0;
  for (const c of live) sum += cpuTicks(c.proc.pid) ?? 0;
  return sum;
}

/** Busy time over one second not spent by us, in percent of one core. */
async function othersBusyPct(): Promise<number> {
  const m0 = machineTicks();
  const o0 = ourTicks();
  await sleep(1000);
  return ((machineTicks().busy - m0.busy - (ourTicks() - o0)) / clockTicks) * 100;
}

/** Waits for three consecutive seconds in which others used at most IDLE_MAX_PCT of a core. */
const waitQuiet = (): Promise<number> => waitForQuiet({ busyPct: othersBusyPct, idleMaxPct: IDLE_MAX_PCT, waitSeconds: QUIET_WAIT_S, what: 'others busy' });

// ---------------------------------------------------------------- models and inputs

interface Fixtures {
  buildLogisticRegression(o: { features: number; seed: number }): Uint8Array;
  buildMlp(o: { inputs: number; hidden: readonly number[]; outputs: number; seed: number }): Uint8Array;
  BENCHMARK_MLP: { inputs: number; hidden: readonly number[]; outputs: number };
  mlpParameterCount(s: { inputs: number; hidden: readonly number[]; outputs: number }): number;
  mlpLayers(o: { inputs: number; hidden: readonly number[]; outputs: number; seed: number }): Array<{ inDim: number; outDim: number; weight: Float32Array; bias: Float32Array }>;
  decodeModel(bytes: Uint8Array): Record<string, unknown>;
  seededFloats(count: number, seed: number, scale?: number): Float32Array;
}

interface Work {
  dir: string;
  lrPath: string;
  mlpPath: string;
  weightsPath: string;
  lrW: Float64Array;
  lrB: number;
  mlpLayers: ReturnType<Fixtures['mlpLayers']>;
  mlpShape: Fixtures['BENCHMARK_MLP'];
  mlpParameters: number;
  lrRows: number[][];
  mlpRows: number[][];
  bodies: { lrPredict: string; lrOip: string; mlpPredict: string };
  rowsFiles: { lr: string; mlp: string };
}

/** Inputs in [-1, 1) rounded to 6 decimals, so the same text reaches every server. */
function inputRows(fx: Fixtures, count: number, features: number, seed: number): number[][] {
  return Array.from({ length: count }, (_, i) => Array.from(fx.seededFloats(features, seed + i), (x) => Math.round(x * 1e6) / 1e6));
}

async function prepare(): Promise<Work> {
  // The models come from the measured commit's fixture, not the working tree's.
  const fx = (await import(pathToFileURL(join(ROUGE_DIR, 'test', 'fixtures', 'onnx-builder.ts')).href)) as Fixtures;
  const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-serving-work-'));
  const lr = fx.buildLogisticRegression(LR);
  const mlp = fx.buildMlp({ ...fx.BENCHMARK_MLP, seed: MLP_SEED });
  const lrPath = join(dir, 'lr.onnx');
  const mlpPath = join(dir, 'mlp.onnx');
  writeFileSync(lrPath, lr);
  writeFileSync(mlpPath, mlp);

  // The peer's weights: the W and B initializers' bytes exactly as the ONNX file stores them.
  const graph = (fx.decodeModel(lr) as { graph: { initializer: Array<{ name: string; raw_data: Uint8Array }> } }).graph;
  const raw = Object.fromEntries(graph.initializer.map((t) => [t.name, Buffer.from(t.raw_data)]));
  if (!raw.W || !raw.B || raw.W.length !== LR.features * 4 || raw.B.length !== 4) throw new Error('the logistic regression has no W [100,1] / B [1] float32 initializers');
  const weightsPath = join(dir, 'weights.json');
  writeFileSync(weightsPath, JSON.stringify({ features: LR.features, W: raw.W.toString('base64'), B: raw.B.toString('base64') }));
  const lrW = Float64Array.from({ length: LR.features }, (_, i) => raw.W!.readFloatLE(i * 4));
  const lrB = raw.B.readFloatLE(0);

  const lrRows = inputRows(fx, INPUTS, LR.features, 1_000_000);
  const mlpRows = inputRows(fx, INPUTS, fx.BENCHMARK_MLP.inputs, 2_000_000);
  const write = (name: string, value: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(value));
    return p;
  };
  const bodies = {
    lrPredict: write('lr-predict.json', lrRows.map((r) => JSON.stringify({ instances: [r] }))),
    lrOip: write('lr-oip.json', lrRows.map((r) => JSON.stringify({ inputs: [{ name: 'X', shape: [1, LR.features], datatype: 'FP32', data: r }] }))),
    mlpPredict: write('mlp-predict.json', mlpRows.map((r) => JSON.stringify({ instances: [r] }))),
  };
  return {
    dir, lrPath, mlpPath, weightsPath, lrW, lrB,
    mlpLayers: fx.mlpLayers({ ...fx.BENCHMARK_MLP, seed: MLP_SEED }),
    mlpShape: fx.BENCHMARK_MLP,
    mlpParameters: fx.mlpParameterCount(fx.BENCHMARK_MLP),
    lrRows, mlpRows, bodies,
    rowsFiles: { lr: write('lr-rows.json', lrRows), mlp: write('mlp-rows.json', mlpRows) },
  };
}

/** float64 reference: sigmoid(x . W + B) with the model's float32 parameters. */
function lrReference(w: Work, x: number[]): number {
  let z = w.lrB;
  for (let i = 0; i < x.length; i++) z += x[i]! * w.lrW[i]!;
  return 1 / (1 + Math.exp(-z));
}

/** float64 reference of the MLP: Gemm + Relu layers, no activation on the last. */
function mlpReference(w: Work, x: number[]): number[] {
  let h: number[] = x;
  w.mlpLayers.forEach((layer, li) => {
    const out = new Array<number>(layer.outDim).fill(0);
    for (let j = 0; j < layer.outDim; j++) {
      let s = layer.bias[j]!;
      for (let i = 0; i < layer.inDim; i++) s += h[i]! * layer.weight[i * layer.outDim + j]!;
      out[j] = li < w.mlpLayers.length - 1 ? Math.max(0, s) : s;
    }
    h = out;
  });
  return h;
}

// ---------------------------------------------------------------- servers

interface Server {
  child: Child;
  baseUrl: string;
  dataDir?: string;
  /** Thread affinity once ready, before re-pinning (see repinServer). */
  affinityBeforeRepin?: Record<string, number>;
}

async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  const isBuf = Buffer.isBuffer(body);
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...AUTH, ...(body !== undefined && !isBuf ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: isBuf ? new Uint8Array(body) : JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** multipart/form-data as test/helpers/multipart.ts builds it: a JSON metadata part, then the artifact. */
function multipart(metadata: object, artifact: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----rougebench${randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="artifact"; filename="model.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    artifact,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function deploy(base: string, endpoint: string, model: string, batching?: { maxBatchSize: number; maxLatencyMs: number }): Promise<string> {
  await api(base, 'POST', `/v1/projects/${PROJECT}/endpoints`, { name: endpoint });
  const op = await api(base, 'POST', `/v1/projects/${PROJECT}/endpoints/${endpoint}:deployModel`, { deployedModel: { model, ...(batching ? { batching } : {}) }, trafficSplit: { '0': 100 } });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const o = await api(base, 'GET', `/v1/${op.name}`);
    if (o.done) {
      if (o.error) throw new Error(`deploying ${model} on ${endpoint} failed: ${JSON.stringify(o.error)}`);
      return o.response.id as string;
    }
    if (Date.now() > deadline) throw new Error(`deploying ${model} on ${endpoint}: the Operation did not finish in 120 s`);
    await sleep(100);
  }
}

/** Batching for the `lr-coalesce` endpoint: merge what arrives in one turn, never wait for a timer. */
const LR_COALESCE = { maxBatchSize: 64, maxLatencyMs: 0 };
const mlpEndpoint = (b: { maxBatchSize: number; maxLatencyMs: number }) => `mlp-b${b.maxBatchSize}-l${String(b.maxLatencyMs).replace('.', 'p')}`;

async function startRouge(work: Work, extraNodeArgs: string[] = [], label = 'Rouge'): Promise<Server & { deployed: Record<string, string> }> {
  const port = await freePort(HOST);
  const dataDir = mkdtempSync(join(tmpdir(), 'rouge-bench-serving-data-'));
  const argv = [
    process.execPath, ...extraNodeArgs, join(ROUGE_DIR, 'dist', 'cli', 'main.js'), 'serve',
    '--host', HOST, '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn',
    '--rate-limit', '0', '--bootstrap-admin-key', ADMIN_KEY, ...(FAST_LANE !== undefined ? ['--fast-lane', FAST_LANE] : []),
  ];
  const child = startChild(label, pinned(SERVER_CPU, argv, pinningEnabled), cleanEnv({ ROUGE_RATE_LIMIT: '0' }), false, dataDir);
  const baseUrl = `http://${HOST}:${port}`;
  await waitReady(child, `${baseUrl}/healthz`, 60_000);
  await api(baseUrl, 'POST', '/v1/projects', { name: PROJECT });
  for (const [name, path] of [['lr', work.lrPath], ['mlp', work.mlpPath]] as const) {
    await api(baseUrl, 'POST', `/v1/projects/${PROJECT}/models`, { name });
    const { payload, headers } = multipart({ framework: 'onnx' }, readFileSync(path));
    await api(baseUrl, 'POST', `/v1/projects/${PROJECT}/models/${name}/versions`, payload, headers);
  }
  const deployed: Record<string, string> = {};
  deployed.lr = await deploy(baseUrl, 'lr', 'lr');
  // The same model with batching at maxLatencyMs 0: requests that arrive in one event-loop turn share a call.
  deployed['lr-coalesce'] = await deploy(baseUrl, 'lr-coalesce', 'lr', LR_COALESCE);
  deployed['mlp-off'] = await deploy(baseUrl, 'mlp-off', 'mlp');
  for (const b of BATCHINGS) deployed[mlpEndpoint(b)] = await deploy(baseUrl, mlpEndpoint(b), 'mlp', b);
  await waitReady(child, `${baseUrl}/readyz`, 60_000);
  const affinityBeforeRepin = repinServer(child.proc.pid);
  return { child, baseUrl, dataDir, deployed, affinityBeforeRepin };
}

async function startPeer(work: Work): Promise<Server> {
  const port = await freePort(HOST);
  const argv = [PYTHON, join(ROOT, 'bench', 'servers', 'sklearn_server.py'), '--host', HOST, '--port', String(port), '--weights', work.weightsPath];
  const child = startChild('FastAPI + scikit-learn', pinned(SERVER_CPU, argv, pinningEnabled), cleanEnv());
  const baseUrl = `http://${HOST}:${port}`;
  await waitReady(child, `${baseUrl}/health`, 60_000);
  const affinityBeforeRepin = repinServer(child.proc.pid);
  return { child, baseUrl, affinityBeforeRepin };
}

function peerVersions(): Record<string, string> {
  try {
    const out = execFileSync(PYTHON, ['-c', 'import json, sys, fastapi, uvicorn, sklearn, numpy, pydantic, uvloop, httptools; print(json.dumps({"python": sys.version.split()[0], "fastapi": fastapi.__version__, "uvicorn": uvicorn.__version__, "scikit-learn": sklearn.__version__, "numpy": numpy.__version__, "pydantic": pydantic.VERSION, "uvloop": uvloop.__version__, "httptools": httptools.__version__}))'], { encoding: 'utf8' });
    return JSON.parse(out) as Record<string, string>;
  } catch (e) {
    throw new Error(`${PYTHON} cannot import the peer's packages (apt-get install -y python3-fastapi python3-uvicorn python3-sklearn python3-uvloop python3-httptools): ${(e as Error).message.split('\n')[0]}`);
  }
}

// ---------------------------------------------------------------- verification

async function postJson(url: string, body: unknown, headers: Record<string, string> = AUTH): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/**
 * The same inputs through Rouge :predict, Rouge OIP and the peer, one at a
 * time and as one batch of 5, against the float64 reference; Rouge's MLP
 * endpoints (batching off and on, with concurrent requests so the batcher
 * merges them) against the MLP's float64 reference; and a request without the
 * key must get 401. Returns the largest differences seen.
 */
async function verify(work: Work, rouge: Server, peer: Server) {
  const xs = work.lrRows.slice(0, 5);
  const ref = xs.map((x) => lrReference(work, x));
  const diff = { rougePredict: 0, rougeOip: 0, peer: 0, peerVsRouge: 0, mlp: 0 };
  const predictUrl = `${rouge.baseUrl}/v1/projects/${PROJECT}/endpoints/lr:predict`;
  const oipUrl = `${rouge.baseUrl}/v2/models/${PROJECT}.lr/infer`;
  const bad = (what: string, r: { status: number; json: unknown }) => new Error(`${what} answered ${r.status}: ${JSON.stringify(r.json).slice(0, 300)}`);
  for (let i = 0; i < xs.length; i++) {
    const a = await postJson(predictUrl, { instances: [xs[i]] });
    if (a.status !== 200) throw bad('Rouge :predict', a);
    const b = await postJson(oipUrl, { inputs: [{ name: 'X', shape: [1, LR.features], datatype: 'FP32', data: xs[i] }] });
    if (b.status !== 200) throw bad('Rouge OIP infer', b);
    const c = await postJson(`${peer.baseUrl}/predict`, { instances: [xs[i]] }, {});
    if (c.status !== 200) throw bad('the peer', c);
    const pa = a.json.predictions[0] as number;
    const pb = b.json.outputs[0].data[0] as number;
    const pc = c.json.predictions[0] as number;
    diff.rougePredict = Math.max(diff.rougePredict, Math.abs(pa - ref[i]!));
    diff.rougeOip = Math.max(diff.rougeOip, Math.abs(pb - ref[i]!));
    diff.peer = Math.max(diff.peer, Math.abs(pc - ref[i]!));
    diff.peerVsRouge = Math.max(diff.peerVsRouge, Math.abs(pc - pa), Math.abs(pc - pb));
    console.log(`   input ${i}: reference ${ref[i]!.toFixed(9)}  Rouge :predict ${pa.toFixed(9)}  Rouge OIP ${pb.toFixed(9)}  peer ${pc.toFixed(9)}`);
  }
  const batchA = await postJson(predictUrl, { instances: xs });
  const batchC = await postJson(`${peer.baseUrl}/predict`, { instances: xs }, {});
  if (batchA.status !== 200) throw bad('Rouge :predict (batch of 5)', batchA);
  if (batchC.status !== 200) throw bad('the peer (batch of 5)', batchC);
  // Concurrent requests to the coalescing endpoint share runtime calls: each must still get its own row.
  const coalesced = await Promise.all(xs.map((x) => postJson(`${rouge.baseUrl}/v1/projects/${PROJECT}/endpoints/lr-coalesce:predict`, { instances: [x] })));
  coalesced.forEach((r, i) => {
    if (r.status !== 200) throw bad('Rouge :predict (lr-coalesce)', r);
    diff.rougePredict = Math.max(diff.rougePredict, Math.abs((r.json.predictions[0] as number) - ref[i]!));
  });
  xs.forEach((_, i) => {
    diff.rougePredict = Math.max(diff.rougePredict, Math.abs(batchA.json.predictions[i] - ref[i]!));
    diff.peer = Math.max(diff.peer, Math.abs(batchC.json.predictions[i] - ref[i]!));
  });
  if (Math.max(diff.rougePredict, diff.rougeOip, diff.peer) > PROB_TOLERANCE) {
    throw new Error(`the servers disagree with the reference by up to ${Math.max(diff.rougePredict, diff.rougeOip, diff.peer).toExponential(2)} (tolerance ${PROB_TOLERANCE}): ${JSON.stringify(diff)}`);
  }

  const mx = work.mlpRows.slice(0, 16);
  const mref = mx.map((x) => mlpReference(work, x));
  for (const ep of ['mlp-off', ...BATCHINGS.map(mlpEndpoint)]) {
    const url = `${rouge.baseUrl}/v1/projects/${PROJECT}/endpoints/${ep}:predict`;
    const out = await Promise.all(mx.map((x) => postJson(url, { instances: [x] })));
    out.forEach((r, i) => {
      if (r.status !== 200) throw bad(`Rouge ${ep}`, r);
      const y = r.json.predictions[0] as number[];
      if (!Array.isArray(y) || y.length !== work.mlpShape.outputs) throw new Error(`Rouge ${ep} answered ${JSON.stringify(r.json).slice(0, 200)}`);
      y.forEach((v, k) => (diff.mlp = Math.max(diff.mlp, Math.abs(v - mref[i]![k]!) / Math.max(1, Math.abs(mref[i]![k]!)))));
    });
  }
  if (diff.mlp > 1e-4) throw new Error(`Rouge's MLP outputs differ from the reference by up to ${diff.mlp.toExponential(2)}`);

  const anon = await postJson(predictUrl, { instances: [xs[0]] }, {});
  if (anon.status !== 401) throw new Error(`Rouge :predict without the key answered ${anon.status}, expected 401: auth is not on`);
  return diff;
}

// ---------------------------------------------------------------- in-process session.run

interface InprocCase {
  id: string;
  label: string;
  model: 'lr' | 'mlp';
  batch: number;
  runs: number;
  /** 'rouge': the session Rouge's OnnxModel.load creates; 'default': onnxruntime's default options. */
  session: 'rouge' | 'default';
}

const B = BATCHINGS[0]!.maxBatchSize;
const INPROC_CASES: InprocCase[] = [
  { id: 'lr-b1', label: 'logistic regression, batch 1, session as Rouge creates it', model: 'lr', batch: 1, runs: 30_000, session: 'rouge' },
  { id: 'mlp-b1', label: 'MLP, batch 1, session as Rouge creates it', model: 'mlp', batch: 1, runs: 3_000, session: 'rouge' },
  { id: `mlp-b${B}`, label: `MLP, batch ${B}, session as Rouge creates it`, model: 'mlp', batch: B, runs: 500, session: 'rouge' },
  { id: 'lr-b1-default', label: 'logistic regression, batch 1, onnxruntime default options', model: 'lr', batch: 1, runs: 30_000, session: 'default' },
  { id: 'mlp-b1-default', label: 'MLP, batch 1, onnxruntime default options', model: 'mlp', batch: 1, runs: 3_000, session: 'default' },
  { id: `mlp-b${B}-default`, label: `MLP, batch ${B}, onnxruntime default options`, model: 'mlp', batch: B, runs: 500, session: 'default' },
];

interface InprocResult {
  id: string;
  batch: number;
  /** Threads of the session that had set their affinity off the process's core (re-pinned). */
  escapedThreads: number;
  runs: number;
  cpuUsPerCall: { p10: number; p50: number; p90: number; p99: number; mean: number };
  wallUsPerCall: { p10: number; p50: number; p90: number; p99: number; mean: number };
  loopCpuUsPerCall: number;
  loopWallUsPerCall: number;
}

async function measureInproc(work: Work): Promise<{ results: InprocResult[]; threads: number; cpusAllowed: string; processCpuUs: number; otherPct: number; attempts: number }> {
  const cfgPath = join(work.dir, 'inproc.json');
  writeFileSync(cfgPath, JSON.stringify({
    rougeDir: ROUGE_DIR,
    cases: INPROC_CASES.map((c) => ({
      id: c.id, modelPath: c.model === 'lr' ? work.lrPath : work.mlpPath, inputName: 'X', features: c.model === 'lr' ? LR.features : work.mlpShape.inputs,
      batch: c.batch, inputsPath: c.model === 'lr' ? work.rowsFiles.lr : work.rowsFiles.mlp, warm: Math.ceil(c.runs / 10), runs: c.runs, session: c.session,
    })),
  }));
  for (let attempt = 1; ; attempt++) {
    await waitQuiet();
    const m0 = machineTicks();
    const o0 = ourTicks();
    const t0 = performance.now();
    const c = await runToEnd('in-process session.run', pinned(SERVER_CPU, [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'serving-inproc.ts'), cfgPath], pinningEnabled), ROOT, cleanEnv());
    const wall = (performance.now() - t0) / 1000;
    const out = JSON.parse(c.stdout.trim().split('\n').pop()!) as { results: InprocResult[]; threads: number; cpusAllowed: string; processCpuUs: number };
    // "Other": the machine's busy time minus our servers and minus the child's own CPU time.
    const busyPct = ((machineTicks().busy - m0.busy - (ourTicks() - o0)) / clockTicks / wall) * 100;
    const otherPct = Math.max(0, busyPct - (out.processCpuUs / 1e6 / wall) * 100);
    if (otherPct <= OTHER_MAX_PCT || attempt > RETRIES) {
      if (otherPct > OTHER_MAX_PCT) console.log(`   WARNING: not quiet after ${attempt} attempts (other ${otherPct.toFixed(0)}%); keeping the last one`);
      return { ...out, otherPct, attempts: attempt };
    }
    console.log(`   not quiet (other ${otherPct.toFixed(0)}% of a core): measuring again`);
  }
}

// ---------------------------------------------------------------- rows

interface LoadResult {
  generator: 'autocannon' | 'paced';
  rate: number | null;
  warmup: { responsesPerSec: number; statusCodes: Record<string, number>; errors: number } | null;
  requestsPerSecMean: number;
  requestsPerSecStddev: number | null;
  requestsTotal: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latencyMs: { count: number; mean: number | null; p50: number | null; p90: number | null; p99: number | null; p999: number | null; max: number | null };
  autocannonLatencyMs: { p50: number; p99: number; max: number } | null;
  /** Paced rows: how late requests left the generator. */
  sendLagMs: { p50: number | null; p99: number | null; max: number | null } | null;
  durationSeconds: number;
  window: {
    seconds: number; startNs: string; endNs: string; responses: number; ok: number; responsesPerSec: number; serverPct: number | null; serverCpuUsPerRequest: number | null;
    loadGenPct: number; oursPct: number; otherPct: number | null; stealPct: number;
  } | null;
  distinctBodies: number;
}

interface RowDef {
  id: string;
  label: string;
  server: 'rouge' | 'peer';
  /** What the row serves: the LR over a protocol, or the MLP. */
  kind: 'lr-peer' | 'lr-predict' | 'lr-oip' | 'mlp';
  path: string;
  bodies: keyof Work['bodies'];
  generator: 'autocannon' | 'paced';
  /** For fixed-rate rows: the rate, from earlier rows' results; undefined when those failed. */
  rate?: (done: Map<string, Row>) => number | undefined;
  rateNote?: string;
}

interface Row {
  id: string;
  label: string;
  server: 'rouge' | 'peer';
  status: 'ok' | 'failed' | 'skipped';
  reason?: string;
  rate?: number;
  rateNote?: string;
  measured?: LoadResult;
  quiet?: boolean;
  rejected?: Array<{ requestsPerSec: number; otherPct: number | null; stealPct: number | null }>;
  serverCpusAllowed?: string;
  /** Saturation rows run BENCH_REPEAT times: every run's throughput, in run order; the row is the median run. */
  runs?: Array<number | null>;
  /** Thread affinity of the server after the run (every thread must be on SERVER_CPU). */
  serverThreads?: Record<string, number>;
  warnings: string[];
}

function rowDefs(): RowDef[] {
  const sat = (id: string) => (done: Map<string, Row>) => {
    const r = done.get(id);
    return usable(r) ? Math.max(1, Math.round(r.measured.requestsPerSecMean * RATE_FRACTION)) : undefined;
  };
  const pct = `${Math.round(RATE_FRACTION * 100)}%`;
  const lr = [
    { id: 'peer', label: 'Peer: FastAPI + scikit-learn /predict', server: 'peer', kind: 'lr-peer', path: '/predict', bodies: 'lrPredict' },
    { id: 'rouge-predict', label: 'Rouge :predict (Vertex)', server: 'rouge', kind: 'lr-predict', path: `/v1/projects/${PROJECT}/endpoints/lr:predict`, bodies: 'lrPredict' },
    { id: 'rouge-oip', label: 'Rouge OIP infer', server: 'rouge', kind: 'lr-oip', path: `/v2/models/${PROJECT}.lr/infer`, bodies: 'lrOip' },
    { id: 'rouge-predict-coalesce', label: 'Rouge :predict (Vertex), batching 64 rows / 0 ms', server: 'rouge', kind: 'lr-predict', path: `/v1/projects/${PROJECT}/endpoints/lr-coalesce:predict`, bodies: 'lrPredict' },
    { id: 'rouge-oip-coalesce', label: 'Rouge OIP infer, batching 64 rows / 0 ms', server: 'rouge', kind: 'lr-oip', path: `/v2/models/${PROJECT}.lr-coalesce/infer`, bodies: 'lrOip' },
  ] as const;
  const mlp = [
    { id: 'mlp-off', label: 'Rouge :predict, MLP, batching off', server: 'rouge', kind: 'mlp', path: `/v1/projects/${PROJECT}/endpoints/mlp-off:predict`, bodies: 'mlpPredict' },
    ...BATCHINGS.map((b) => ({
      id: mlpEndpoint(b),
      label: `Rouge :predict, MLP, batching on (maxBatchSize ${b.maxBatchSize}, maxLatencyMs ${b.maxLatencyMs})`,
      server: 'rouge', kind: 'mlp', path: `/v1/projects/${PROJECT}/endpoints/${mlpEndpoint(b)}:predict`, bodies: 'mlpPredict',
    })),
  ] as const;
  const defs: RowDef[] = [];
  /** Saturation rows for all; fixed-rate rows for the first `fixed` of the list. */
  const group = (list: readonly Omit<RowDef, 'generator'>[], fixed = list.length) => {
    for (const d of list) defs.push({ ...d, id: `${d.id}-sat`, label: `${d.label}, saturation`, generator: 'autocannon' });
    for (const d of list.slice(0, fixed)) defs.push({ ...d, id: `${d.id}-rate`, label: `${d.label}, autocannon overallRate ${pct} of max`, generator: 'autocannon', rate: sat(`${d.id}-sat`), rateNote: `${pct} of ${d.id}-sat` });
    for (const d of list.slice(0, fixed)) defs.push({ ...d, id: `${d.id}-paced`, label: `${d.label}, paced ${pct} of max`, generator: 'paced', rate: sat(`${d.id}-sat`), rateNote: `${pct} of ${d.id}-sat` });
  };
  group(lr as unknown as Omit<RowDef, 'generator'>[]);
  // The same offered load on Rouge as on the peer: latency side by side.
  for (const d of lr.slice(1)) {
    defs.push({ ...d, id: `${d.id}-peer-rate`, label: `${d.label}, autocannon overallRate = peer's fixed rate`, generator: 'autocannon', rate: sat('peer-sat'), rateNote: `${pct} of peer-sat` });
    defs.push({ ...d, id: `${d.id}-peer-paced`, label: `${d.label}, paced at the peer's fixed rate`, generator: 'paced', rate: sat('peer-sat'), rateNote: `${pct} of peer-sat` });
  }
  // Extra batching settings (BENCH_BATCHING after the first) get a saturation row only.
  group(mlp as unknown as Omit<RowDef, 'generator'>[], 2);
  return defs;
}

const usable = (r: Row | undefined): r is Row & { measured: LoadResult } =>
  r?.status === 'ok' && r.measured !== undefined && r.quiet !== false && r.measured.non2xx + r.measured.errors + r.measured.timeouts === 0;

async function runLoad(work: Work, server: Server, def: RowDef, rate: number | undefined): Promise<LoadResult> {
  const cfgPath = join(work.dir, `load-${def.id}.json`);
  const ourPids = [...live].map((c) => c.proc.pid).filter((p): p is number => p !== undefined && p !== server.child.proc.pid);
  ourPids.push(process.pid);
  writeFileSync(cfgPath, JSON.stringify({
    url: `${server.baseUrl}${def.path}`,
    headers: def.server === 'rouge' ? AUTH : {},
    bodiesPath: work.bodies[def.bodies],
    connections: CONNECTIONS,
    warmupSeconds: WARMUP,
    durationSeconds: DURATION,
    generator: def.generator,
    ...(rate !== undefined ? { rate } : {}),
    serverPid: server.child.proc.pid,
    ourPids,
    clockTicks,
  }));
  const c = await runToEnd(`load ${def.id}`, pinned(LOAD_CPU, [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'serving-load.ts'), cfgPath], pinningEnabled), ROOT, cleanEnv());
  const line = c.stdout.trim().split('\n').filter(Boolean).pop();
  if (!line) throw new Error(`the load generator printed nothing:\n  ${c.tail.join('\n  ')}`);
  return JSON.parse(line) as LoadResult;
}

async function runRow(work: Work, servers: { rouge: Server; peer: Server }, def: RowDef, done: Map<string, Row>): Promise<Row> {
  const row: Row = { id: def.id, label: def.label, server: def.server, status: 'ok', warnings: [], ...(def.rateNote ? { rateNote: def.rateNote } : {}) };
  const rate = def.rate?.(done);
  if (def.rate && rate === undefined) {
    console.log(`\n== ${def.label}: SKIPPED (the row its rate comes from has no usable result)`);
    return { ...row, status: 'skipped', reason: `no usable ${def.rateNote ?? 'rate'}` };
  }
  if (rate !== undefined) row.rate = rate;
  const server = servers[def.server];
  const rejected: NonNullable<Row['rejected']> = [];
  for (let attempt = 0; ; attempt++) {
    await waitQuiet();
    console.log(`\n== ${def.label}${rate !== undefined ? ` (${rate} req/s)` : ''}`);
    if (!alive(server.child)) throw new Error(`${server.child.name} is not running:\n  ${server.child.tail.join('\n  ')}`);
    const moved = repinServer(server.child.proc.pid);
    if (Object.keys(moved).some((c) => c !== String(SERVER_CPU))) row.warnings.push(`before the run, threads of the server had left CPU ${SERVER_CPU} (${JSON.stringify(moved)}); re-pinned`);
    let m: LoadResult;
    try {
      m = await runLoad(work, server, def, rate);
    } catch (e) {
      if (isAborting()) throw e;
      console.log(`   FAILED: ${(e as Error).message}`);
      return { ...row, status: 'failed', reason: (e as Error).message };
    }
    row.measured = m;
    row.serverCpusAllowed = cpusAllowed(server.child.proc.pid);
    row.serverThreads = threadAffinity(server.child.proc.pid);
    const w = m.window;
    const why = w && w.otherPct !== null && w.otherPct > OTHER_MAX_PCT ? `other processes used ${w.otherPct.toFixed(0)}% of a core` : w && w.stealPct > STEAL_MAX_PCT ? `steal was ${w.stealPct.toFixed(0)}% of a core` : undefined;
    console.log(
      `   ${fmt(m.requestsPerSecMean)} req/s, p50 ${fmtMs(m.latencyMs.p50)} ms, p99 ${fmtMs(m.latencyMs.p99)} ms, non-2xx ${m.non2xx}, errors ${m.errors}; ` +
        `server ${fmtPct(w?.serverPct)} of a core, ${w?.serverCpuUsPerRequest?.toFixed(0) ?? 'n/a'} us CPU/request; load generator ${fmtPct(w?.loadGenPct)}; other ${fmtPct(w?.otherPct)}, steal ${fmtPct(w?.stealPct)}`,
    );
    if (!why) {
      row.quiet = true;
      break;
    }
    rejected.push({ requestsPerSec: m.requestsPerSecMean, otherPct: w?.otherPct ?? null, stealPct: w?.stealPct ?? null });
    if (attempt >= RETRIES) {
      console.log(`   not quiet after ${attempt + 1} attempts (${why}); keeping the last one, marked NOT QUIET`);
      row.quiet = false;
      break;
    }
    console.log(`   not quiet (${why}): discarding this attempt and running the row again`);
  }
  if (rejected.length) row.rejected = rejected;
  const m = row.measured!;
  if (pinningEnabled && row.serverCpusAllowed !== String(SERVER_CPU)) row.warnings.push(`server allowed on CPUs ${row.serverCpusAllowed}`);
  if (pinningEnabled && Object.keys(row.serverThreads ?? {}).some((c) => c !== String(SERVER_CPU))) row.warnings.push(`after the run, server threads were on CPUs ${JSON.stringify(row.serverThreads)}: the row is not a one-core number`);
  if (m.non2xx > 0) row.warnings.push(`${m.non2xx} non-2xx responses (${JSON.stringify(m.statusCodes)})`);
  if (m.errors > 0 || m.timeouts > 0) row.warnings.push(`${m.errors} errors, ${m.timeouts} timeouts`);
  if (def.generator === 'autocannon' && m.window && m.window.loadGenPct > 90) row.warnings.push(`load generator at ${m.window.loadGenPct.toFixed(0)}% of its core: the row may measure the load generator`);
  if (def.generator === 'paced' && m.sendLagMs?.p99 != null && m.sendLagMs.p99 > 5) row.warnings.push(`the paced generator fell behind: p99 send lag ${m.sendLagMs.p99.toFixed(2)} ms`);
  if (rate !== undefined && m.window && m.window.responsesPerSec < rate * 0.95) row.warnings.push(`achieved ${fmt(m.window.responsesPerSec)} req/s of the ${rate} asked`);
  for (const x of row.warnings) console.log(`   WARNING: ${x}`);
  return row;
}

/**
 * Saturation rows run REPEAT times and report the median run by throughput:
 * on this VM quiet runs of one row differ by up to 40%, so one run says little.
 * Fixed-rate rows run once (their rate comes from the median).
 */
async function runRowRepeated(work: Work, servers: { rouge: Server; peer: Server }, def: RowDef, done: Map<string, Row>): Promise<Row> {
  if (def.rate || REPEAT <= 1) return runRow(work, servers, def, done);
  const runs: Row[] = [];
  for (let i = 0; i < REPEAT; i++) {
    if (REPEAT > 1) console.log(`\n-- run ${i + 1} of ${REPEAT}`);
    runs.push(await runRow(work, servers, def, done));
  }
  const ok = runs.filter(usable).sort((a, b) => a.measured.requestsPerSecMean - b.measured.requestsPerSecMean);
  const pick = ok.length ? ok[Math.floor((ok.length - 1) / 2)]! : runs[runs.length - 1]!;
  pick.runs = runs.map((r) => r.measured?.requestsPerSecMean ?? null);
  console.log(`   median of ${runs.length}: ${fmt(pick.measured?.requestsPerSecMean)} req/s (runs: ${pick.runs.map(fmt).join(', ')})`);
  return pick;
}

// ---------------------------------------------------------------- output

function fmt(n: number | null | undefined): string {
  return n === null || n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US');
}
function fmtPct(n: number | null | undefined): string {
  return n === null || n === undefined ? 'n/a' : `${n.toFixed(0)}%`;
}
function fmtMs(n: number | null | undefined): string {
  return n === null || n === undefined ? 'n/a' : n < 10 ? n.toFixed(2) : n.toFixed(1);
}

function rowsTable(rows: Row[]): string {
  const head = ['Row', 'load', 'req/s', 'p50 ms', 'p99 ms', 'server CPU', 'server CPU us/req', 'load gen CPU', 'other CPU', 'non-2xx'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const m = r.measured;
    if (r.status !== 'ok' || !m) {
      lines.push(`| ${r.label} | ${r.status}: ${(r.reason ?? '').split('\n')[0]} |${' |'.repeat(head.length - 2)}`);
      continue;
    }
    const load = m.generator === 'paced' ? `paced ${fmt(m.rate)}/s` : m.rate ? `overallRate ${fmt(m.rate)}/s` : `${CONNECTIONS} conns`;
    const runs = r.runs && r.runs.length > 1 ? ` (median of ${r.runs.map(fmt).join(' / ')})` : '';
    const rps = m.rate ? `${fmt(m.window?.responsesPerSec ?? m.requestsPerSecMean)} of ${fmt(m.rate)}` : `${fmt(m.requestsPerSecMean)}${runs}`;
    const w = m.window;
    lines.push(
      `| ${r.label}${r.quiet === false ? ' (NOT QUIET)' : ''} | ${load} | ${rps} | ${fmtMs(m.latencyMs.p50)} | ${fmtMs(m.latencyMs.p99)} | ${fmtPct(w?.serverPct)} | ${w?.serverCpuUsPerRequest?.toFixed(0) ?? 'n/a'} | ${m.generator === 'paced' ? `spins (lag p99 ${m.sendLagMs?.p99?.toFixed(2) ?? '?'} ms)` : fmtPct(w?.loadGenPct)} | ${fmtPct(w?.otherPct)} | ${m.non2xx + m.errors + m.timeouts > 0 ? `**${m.non2xx}** (+${m.errors} err, ${m.timeouts} t/o)` : '0'} |`,
    );
  }
  return lines.join('\n');
}

interface Verdict {
  target: string;
  measured: string;
  bar: string;
  verdict: 'PASS' | 'FAIL' | 'n/a';
  value?: number | null;
}

function targets(rows: Map<string, Row>, inproc: InprocResult[] | undefined): Verdict[] {
  const out: Verdict[] = [];
  const peer = rows.get('peer-sat');
  for (const [id, name] of [['rouge-predict-sat', ':predict'], ['rouge-oip-sat', 'OIP infer'], ['rouge-predict-coalesce-sat', ':predict, batching 64/0 ms'], ['rouge-oip-coalesce-sat', 'OIP infer, batching 64/0 ms']] as const) {
    const r = rows.get(id);
    if (!usable(r) || !usable(peer)) {
      out.push({ target: `1. Rouge ${name} vs peer, batch 1`, measured: 'no usable pair of rows', bar: `>= ${TARGET_PEER_RATIO}x throughput, lower p99`, verdict: 'n/a' });
      continue;
    }
    const ratio = r.measured.requestsPerSecMean / peer.measured.requestsPerSecMean;
    const p99 = r.measured.latencyMs.p99!;
    const pp99 = peer.measured.latencyMs.p99!;
    out.push({
      target: `1. Rouge ${name} vs peer, batch 1, ${CONNECTIONS} connections`,
      measured: `${ratio.toFixed(2)}x (${fmt(r.measured.requestsPerSecMean)} vs ${fmt(peer.measured.requestsPerSecMean)} req/s); p99 ${fmtMs(p99)} vs ${fmtMs(pp99)} ms`,
      bar: `>= ${TARGET_PEER_RATIO}x, lower p99`,
      verdict: ratio >= TARGET_PEER_RATIO && p99 < pp99 ? 'PASS' : 'FAIL',
      value: ratio,
    });
  }
  const base = inproc?.find((x) => x.id === 'lr-b1');
  for (const [id, name] of [['rouge-predict-sat', ':predict'], ['rouge-oip-sat', 'OIP infer']] as const) {
    const r = rows.get(id);
    const perReq = usable(r) ? r.measured.window?.serverCpuUsPerRequest ?? null : null;
    if (perReq === null || !base) {
      out.push({ target: `2. server overhead, ${name}`, measured: 'n/a', bar: `< ${TARGET_OVERHEAD_US} us CPU/request`, verdict: 'n/a' });
      continue;
    }
    const overhead = perReq - base.cpuUsPerCall.p50;
    out.push({
      target: `2. server overhead, ${name} (CPU/request at saturation - median in-process session.run)`,
      measured: `${overhead.toFixed(0)} us (${perReq.toFixed(0)} - ${base.cpuUsPerCall.p50.toFixed(0)})`,
      bar: `< ${TARGET_OVERHEAD_US} us`,
      verdict: overhead < TARGET_OVERHEAD_US ? 'PASS' : 'FAIL',
      value: overhead,
    });
  }
  const off = rows.get('mlp-off-sat');
  for (const b of BATCHINGS) {
    const on = rows.get(`${mlpEndpoint(b)}-sat`);
    if (!usable(off) || !usable(on)) {
      out.push({ target: `3. MLP batching ${b.maxBatchSize}/${b.maxLatencyMs} ms vs off`, measured: 'n/a', bar: `>= ${TARGET_BATCHING_RATIO}x`, verdict: 'n/a' });
      continue;
    }
    const ratio = on.measured.requestsPerSecMean / off.measured.requestsPerSecMean;
    out.push({
      target: `3. MLP, ${CONNECTIONS} clients, batching on (maxBatchSize ${b.maxBatchSize}, maxLatencyMs ${b.maxLatencyMs}) vs off${b === BATCHINGS[0] ? '' : ' (extra setting)'}`,
      measured: `${ratio.toFixed(2)}x (${fmt(on.measured.requestsPerSecMean)} vs ${fmt(off.measured.requestsPerSecMean)} req/s)`,
      bar: `>= ${TARGET_BATCHING_RATIO}x`,
      verdict: ratio >= TARGET_BATCHING_RATIO ? 'PASS' : 'FAIL',
      value: ratio,
    });
  }
  return out;
}

function targetsTable(v: Verdict[]): string {
  return ['| Target | Measured | Bar | Verdict |', '|---|---|---|---|', ...v.map((x) => `| ${x.target} | ${x.measured} | ${x.bar} | ${x.verdict} |`)].join('\n');
}

function inprocTable(results: InprocResult[]): string {
  const lines = ['| In-process `await session.run()`, pinned to CPU 0 | calls | CPU us/call p50 | p90 | p99 | mean | wall us/call p50 | threads that left CPU 0 |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of results) {
    const c = INPROC_CASES.find((x) => x.id === r.id)!;
    lines.push(`| ${c.label} | ${fmt(r.runs)} | ${r.cpuUsPerCall.p50.toFixed(0)} | ${r.cpuUsPerCall.p90.toFixed(0)} | ${r.cpuUsPerCall.p99.toFixed(0)} | ${r.cpuUsPerCall.mean.toFixed(1)} | ${r.wallUsPerCall.p50.toFixed(0)} | ${r.escapedThreads} |`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- profile mode

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Where a frame's code lives: a package, a Rouge source folder, Node internals, or native/GC. */
function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn || '(anonymous)'}`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const d = /\/dist\/(.+)\.js$/.exec(url);
  if (d) return `rouge: ${d[1]!.replace(/\/[^/]+$/, '')}/`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*/, '');
  return url;
}

/**
 * Self and inclusive time per function and per area, from the samples taken
 * between `fromUs` and `toUs` (CLOCK_MONOTONIC microseconds, the profile's
 * clock), divided by the requests answered in that window.
 */
function analyseProfile(path: string, fromUs: number, toUs: number, requests: number): string {
  const prof = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let ts = prof.startTime;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    ts += dt;
    if (ts >= fromUs && ts <= toUs) self.set(id, (self.get(id) ?? 0) + dt);
  });
  if (self.size === 0) throw new Error(`the profile (${prof.startTime}..${prof.endTime} us) has no samples in the load window (${fromUs}..${toUs} us)`);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;
  const short = (url: string) => {
    const nm = url.lastIndexOf('/node_modules/');
    if (nm >= 0) return url.slice(nm + 1);
    const d = url.indexOf('/dist/');
    if (url.startsWith('file://') && d >= 0) return `rouge:${url.slice(d + 1)}`;
    return url;
  };
  const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const selfBy = new Map<string, number>();
  const areaBy = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') continue;
    selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + t);
    const a = area(n.callFrame.url, n.callFrame.functionName);
    areaBy.set(a, (areaBy.get(a) ?? 0) + t);
    // Inclusive: every distinct function on the stack gets the sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + t);
    }
  }
  const us = (t: number) => (requests > 0 ? `${(t / requests).toFixed(1)} us/req` : '');
  const pctOf = (t: number) => `${((t / busy) * 100).toFixed(1)}%`;
  const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  const lines = [
    `Profile ${path}, the measured window only: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (not idle), ${fmt(requests)} requests, ${requests ? (busy / requests).toFixed(0) : 'n/a'} us busy per request`,
    '',
    'Self time by area:',
    ...top(areaBy, 25).map(([k, t]) => `  ${pctOf(t).padStart(6)}  ${us(t).padStart(14)}  ${k}`),
    '',
    'Self time by function (top 40):',
    ...top(selfBy, 40).map(([k, t]) => `  ${pctOf(t).padStart(6)}  ${us(t).padStart(14)}  ${k}`),
    '',
    'Inclusive time of Rouge functions (top 40):',
    ...top(new Map([...incl.entries()].filter(([k]) => k.includes(' rouge:dist/'))), 40).map(([k, t]) => `  ${pctOf(t).padStart(6)}  ${us(t).padStart(14)}  ${k}`),
  ];
  return lines.join('\n');
}

async function profileRow(work: Work, id: string): Promise<void> {
  const def = rowDefs().find((d) => d.id === id);
  if (!def || def.server !== 'rouge' || def.rate) throw new Error(`BENCH_PROFILE=${id}: name a Rouge saturation row (${rowDefs().filter((d) => d.server === 'rouge' && !d.rate).map((d) => d.id).join(', ')})`);
  const profDir = mkdtempSync(join(tmpdir(), 'rouge-bench-serving-prof-'));
  const rouge = await startRouge(work, ['--cpu-prof', '--cpu-prof-dir', profDir], 'Rouge (--cpu-prof)');
  let m: LoadResult;
  try {
    await waitQuiet();
    console.log(`\n== ${def.label} under node --cpu-prof`);
    m = await runLoad(work, rouge, def, undefined);
    console.log(`   ${fmt(m.requestsPerSecMean)} req/s under the profiler, ${m.window?.serverCpuUsPerRequest?.toFixed(0) ?? 'n/a'} us CPU/request, non-2xx ${m.non2xx}, other ${fmtPct(m.window?.otherPct)}`);
  } finally {
    await stopChild(rouge.child, 30_000);
    rmSync(rouge.dataDir!, { recursive: true, force: true });
  }
  if (!m.window) throw new Error('the load run had no measured window');
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no profile was written in ${profDir}`);
  // Only the samples of the load's measured window count (startup, upload and deploy are in the profile too).
  const fromUs = Number(BigInt(m.window.startNs) / 1000n);
  const toUs = Number(BigInt(m.window.endNs) / 1000n);
  console.log(`\n${analyseProfile(join(profDir, files[0]!), fromUs, toUs, m.window.responses)}`);
  console.log(`\n(profile kept in ${profDir})`);
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  pinningEnabled = canPin(LOAD_CPU);
  const ncpu = availableParallelism();
  clockTicks = readClockTicks();
  const machine = { nproc: ncpu, cpuModel: cpus()[0]?.model?.trim() || '(unknown)', node: process.version, kernel: release() };
  const versions = {
    autocannon: (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as { version: string }).version,
    onnxruntimeNode: (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version,
    peer: peerVersions(),
  };
  console.log(`Machine: ${machine.nproc} CPUs, ${machine.cpuModel}, Node ${machine.node}, Linux ${machine.kernel}`);
  console.log(`Peer: Python ${versions.peer.python}, FastAPI ${versions.peer.fastapi}, uvicorn ${versions.peer.uvicorn}, scikit-learn ${versions.peer['scikit-learn']}, numpy ${versions.peer.numpy}, pydantic ${versions.peer.pydantic}`);
  console.log(
    `Method: servers on CPU ${SERVER_CPU}, load generator on CPU ${LOAD_CPU}${pinningEnabled ? ' (taskset)' : ' -- WARNING: NOT PINNED'}; ` +
      `warm-up ${WARMUP} s, measured ${DURATION} s, ${CONNECTIONS} connections, ${fmt(INPUTS)} distinct inputs per model`,
  );

  let revision: string;
  let depWarnings: string[] = [];
  if (EXPLICIT_DIR) {
    if (!SKIP_BUILD) await runToEnd('npm run build', ['npm', 'run', 'build', '--silent'], EXPLICIT_DIR);
    revision = explicitDirRevision(EXPLICIT_DIR, { readRevisionFile: false });
  } else {
    const exp = await exportCommit(REF, { dirPrefix: 'rouge-bench-serving-', skipBuild: SKIP_BUILD, run: runToEnd });
    ROUGE_DIR = exp.dir;
    revision = `commit ${exp.commit}`;
    depWarnings = dependencyDrift(exp.commit);
  }
  if (!existsSync(join(ROUGE_DIR, 'dist', 'cli', 'main.js'))) throw new Error(`${join(ROUGE_DIR, 'dist', 'cli', 'main.js')} is missing; build it first (run without BENCH_SKIP_BUILD)`);
  console.log(`Rouge: ${ROUGE_DIR} (${revision})`);
  for (const w of depWarnings) console.log(`WARNING: dependency drift: ${w}`);

  const work = await prepare();
  console.log(`Models: logistic regression over ${LR.features} features; MLP ${[work.mlpShape.inputs, ...work.mlpShape.hidden, work.mlpShape.outputs].join(' -> ')}, ${fmt(work.mlpParameters)} parameters`);
  try {
    if (PROFILE) {
      await profileRow(work, PROFILE);
      return 0;
    }

    console.log('\n== In-process onnxruntime-node session.run (child pinned to CPU 0)');
    const inproc = await measureInproc(work);
    console.log(`   ${inproc.threads} threads in the process, CPUs ${inproc.cpusAllowed}, other ${inproc.otherPct.toFixed(0)}%`);
    const inprocText = inprocTable(inproc.results);
    console.log(inprocText);

    console.log('\n== Starting Rouge and the peer, uploading and deploying the models');
    const rouge = await startRouge(work);
    const peer = await startPeer(work);
    let rows: Row[] = [];
    let verification: Awaited<ReturnType<typeof verify>>;
    let rougeIdlePct: number;
    const rougeAffinity = rouge.affinityBeforeRepin;
    const peerAffinity = peer.affinityBeforeRepin;
    try {
      console.log(`   Rouge pid ${rouge.child.proc.pid} (CPUs ${cpusAllowed(rouge.child.proc.pid)}), deployed ${JSON.stringify(rouge.deployed)}; peer pid ${peer.child.proc.pid} (CPUs ${cpusAllowed(peer.child.proc.pid)})`);
      console.log(`   threads per allowed CPU list once ready: Rouge ${JSON.stringify(rouge.affinityBeforeRepin)}, peer ${JSON.stringify(peer.affinityBeforeRepin)}; every thread now pinned to CPU ${SERVER_CPU}`);
      console.log('\n== Verifying both servers give the same probabilities');
      verification = await verify(work, rouge, peer);
      console.log(`   largest differences from the float64 reference: Rouge :predict ${verification.rougePredict.toExponential(2)}, Rouge OIP ${verification.rougeOip.toExponential(2)}, peer ${verification.peer.toExponential(2)}; peer vs Rouge ${verification.peerVsRouge.toExponential(2)}; MLP (relative) ${verification.mlp.toExponential(2)}`);
      // What Rouge burns when idle (job worker polling, timers), counted in every row's CPU per request.
      const i0 = cpuTicks(rouge.child.proc.pid) ?? 0;
      await sleep(5000);
      rougeIdlePct = (((cpuTicks(rouge.child.proc.pid) ?? 0) - i0) / clockTicks / 5) * 100;
      console.log(`   Rouge idle: ${rougeIdlePct.toFixed(1)}% of a core`);

      const defs = rowDefs().filter((d) => ONLY.length === 0 || ONLY.includes(d.id));
      if (defs.length === 0) throw new Error(`BENCH_ONLY matches no row; rows are ${rowDefs().map((d) => d.id).join(', ')}`);
      const done = new Map<string, Row>();
      for (const def of defs) {
        const row = await runRowRepeated(work, { rouge, peer }, def, done);
        done.set(def.id, row);
        rows.push(row);
      }
      rows = defs.map((d) => done.get(d.id)!);
    } finally {
      await stopChild(peer.child, 10_000);
      const serverTail = rouge.child.tail.filter((l) => !/listening on|^(Store|Mode|Cache|Blobs): /.test(l));
      await stopChild(rouge.child, 10_000);
      rmSync(rouge.dataDir!, { recursive: true, force: true });
      if (serverTail.length) console.log(`Rouge wrote: ${serverTail.slice(-10).join(' | ')}`);
    }

    const byId = new Map(rows.map((r) => [r.id, r]));
    const verdicts = targets(byId, inproc.results);
    const table = rowsTable(rows);
    const tTable = targetsTable(verdicts);
    console.log(`\n${table}\n\n${tTable}\n\n${inprocText}\n`);
    console.log(`Measured: ${revision}`);

    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify({
      benchmark: 'serving',
      generatedAt: new Date().toISOString(),
      rouge: { dir: ROUGE_DIR, revision, dependencyDrift: depWarnings, idleCpuPct: rougeIdlePct, threadAffinityBeforeRepin: rougeAffinity },
      peer: { threadAffinityBeforeRepin: peerAffinity },
      machine,
      versions,
      models: { lr: { ...LR, weightsFrom: 'the ONNX W/B initializers (float32)' }, mlp: { ...work.mlpShape, seed: MLP_SEED, parameters: work.mlpParameters } },
      method: {
        serverCpu: SERVER_CPU, loadGeneratorCpu: LOAD_CPU, pinned: pinningEnabled,
        pinning: 'taskset -c 0 at start; once the models are loaded every thread of each server is re-pinned with taskset -a -p -c 0 (onnxruntime pool threads set their own affinity), and checked before and after every row',
        warmupSeconds: WARMUP, durationSeconds: DURATION, connections: CONNECTIONS, pipelining: 1, distinctInputs: INPUTS,
        rateFraction: RATE_FRACTION, batching: BATCHINGS,
        loadGenerator: `autocannon ${versions.autocannon} as a library (bench/serving-load.ts; setupRequest walks the bodies) or a paced open-loop node:http generator`,
        latency: 'every 2xx response time recorded by the load generator (fractional ms); paced rows count from the scheduled send time',
        cpuWindow: 'from 1 s after the measured run starts to 1 s before it ends: server utime+stime from /proc/<pid>/stat, responses counted by the load generator in the same window',
        quiet: `before each row, 3 consecutive seconds with others busy <= ${IDLE_MAX_PCT}% of a core; a row with other > ${OTHER_MAX_PCT}% or steal > ${STEAL_MAX_PCT}% is run again, up to ${RETRIES} more times`,
        auth: `on: --bootstrap-admin-key rk_benchsrv1_<random>, every request sends it; rate limit off (--rate-limit 0 and ROUGE_RATE_LIMIT=0)`,
      },
      verification,
      inproc,
      results: rows,
      targets: verdicts,
      tables: { rows: table, targets: tTable, inproc: inprocText },
    }, null, 2)}\n`);
    console.log(`Wrote ${RESULTS_FILE}`);
    return rows.some((r) => r.status === 'failed') ? 1 : 0;
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(work.dir, { recursive: true, force: true });
  }
}

runMain(main);
