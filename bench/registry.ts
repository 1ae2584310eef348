/**
 * Registry benchmark: upload and download of a large ONNX artifact (1 GiB by
 * default) through the API, the `rouge` CLI and the Python SDK, with the
 * server's peak resident memory.
 *
 *   npm run bench:registry            (= npx tsx bench/registry.ts)
 *
 * What is served: as in bench/http-projects.ts, the commit HEAD is exported
 * with `git archive` into <tmpdir>/rouge-bench-<commit>, this checkout's
 * node_modules is linked into it and it is built there, so uncommitted edits
 * neither break nor leak into the measurement. The server is `node
 * dist/cli/main.js serve` from that build (all roles, SQLite, file blob store
 * in a fresh --data-dir), started with --max-artifact-bytes above the
 * artifact. The CLI rows run that build's dist/cli/main.js, the SDK rows that
 * commit's clients/python.
 *
 * The artifact is a valid ONNX model, because the registry loads every onnx
 * upload with onnxruntime before accepting it: Y[N] = X[N] + W[N], with W a
 * float32 initializer of N = size/4 elements stored as raw_data (protobuf's
 * 2 GiB message limit caps this layout below 2 GiB). The file is written
 * here by a small protobuf encoder straight to disk, never held in memory; a
 * tiny model from the same encoder is run through onnxruntime first as a
 * self-check.
 *
 * Memory: the server's VmHWM (peak RSS) from /proc/<pid>/status, reset before
 * every transfer by writing 5 to /proc/<pid>/clear_refs, so each number is
 * that transfer's own peak. An upload is split in two phases, seen from the
 * server side: "receive" ends when the staged file under <data-dir>/tmp has
 * all the bytes (the multipart stream, hashed and written to disk), "check
 * and store" is the rest (onnxruntime loads the file to read its signature,
 * the file is copied into the blob store, the version row is written). The
 * peak is read at the end of each phase. The registry loads an ONNX upload
 * with onnxruntime in a child process of the server; that child's peak RSS is
 * sampled every 20 ms while it lives and reported on its own. Separately, a child process loads
 * the same file with onnxruntime-node alone and reports the time and memory
 * that inspection needs. Clients' peak RSS comes from /usr/bin/time -f %M.
 *
 * Rows (BENCH_CLIENTS picks them):
 *   curl        the raw API: curl -F metadata=<json -F artifact=@file; curl -o
 *   cli         rouge models upload (hash, then stream) / rouge models download
 *   python      client.models.upload (hash, then stream) / client.models.download
 *
 * Settings (environment):
 *   BENCH_SIZES_MB     comma-separated artifact sizes in MiB (default 1024; e.g. 256,1024 to show
 *                      that memory does not follow the size)
 *   BENCH_CLIENTS      comma-separated rows (default curl,cli,python)
 *   BENCH_REF          the commit to export and serve (default HEAD)
 *   BENCH_ROUGE_DIR    serve this checkout as it is instead of an export (built with npm run build
 *                      unless BENCH_SKIP_BUILD=1)
 *   BENCH_SKIP_BUILD=1 do not build first
 *   BENCH_PYTHON       the Python for the SDK rows (default python3)
 *
 * Results: a markdown table on stdout and bench/results/registry.json.
 * Benchmarks print numbers; nothing here asserts on timings.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededFloats } from '../test/fixtures/onnx-builder.js';
import { PYTHON_VARIABLES, ROUGE_VARIABLES, envCleaner } from './lib/child-env.js';
import { killAllNow, runMain, track } from './lib/children.js';
import { buildSettings, exportCommit, git } from './lib/export.js';
import { freePort } from './lib/free-port.js';
import { ROOT } from './lib/root.js';
import { listEnv } from './lib/settings.js';

// ---------------------------------------------------------------- settings

const RESULTS_FILE = join(ROOT, 'bench', 'results', 'registry.json');
const HOST = '127.0.0.1';
const PROJECT = 'bench';
const MiB = 1024 * 1024;

const SIZES_MB = listEnv('BENCH_SIZES_MB', '1024').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n >= 2047) throw new Error(`BENCH_SIZES_MB holds ${JSON.stringify(s)}; sizes are whole MiB from 1 to 2046 (one protobuf message)`);
  return n;
});
const CLIENTS = listEnv('BENCH_CLIENTS', 'curl,cli,python');
for (const c of CLIENTS) if (!['curl', 'cli', 'python'].includes(c)) throw new Error(`BENCH_CLIENTS: unknown client ${c}; use curl, cli, python`);
const { explicitDir: EXPLICIT_DIR, ref: REF, skipBuild: SKIP_BUILD } = buildSettings();
const PYTHON = process.env.BENCH_PYTHON || 'python3';
const ADMIN_KEY = `rk_benchadmin1_${randomBytes(32).toString('hex').slice(0, 43)}`;

// ---------------------------------------------------------------- the ONNX file

/** Protobuf wire format, enough for the ONNX messages this file writes. */
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const int = (field: number, n: number) => Buffer.concat([key(field, 0), varint(n)]);
const lenHeader = (field: number, length: number) => Buffer.concat([key(field, 2), varint(length)]);
const bytes = (field: number, b: Buffer) => Buffer.concat([lenHeader(field, b.length), b]);
const str = (field: number, s: string) => bytes(field, Buffer.from(s, 'utf8'));

/** ValueInfoProto: a float tensor of shape [n]. */
function floatVector(name: string, n: number): Buffer {
  const dim = bytes(1, int(1, n)); // TensorShapeProto.dim { dim_value }
  const tensorType = Buffer.concat([int(1, 1), bytes(2, dim)]); // elem_type FLOAT, shape
  return Buffer.concat([str(1, name), bytes(2, bytes(1, tensorType))]); // name, type { tensor_type }
}

/**
 * The pieces of a ModelProto for Y = Add(X, W), W a float32[n] initializer,
 * around W's raw bytes: write `head`, then n*4 bytes, and the file is done
 * (raw_data is the last field of the last field of the last field).
 */
function onnxFraming(n: number): { head: Buffer; dataBytes: number } {
  const dataBytes = n * 4;
  const tensorHead = Buffer.concat([int(1, n), int(2, 1), str(8, 'W'), lenHeader(9, dataBytes)]); // dims, data_type FLOAT, name, raw_data
  const node = Buffer.concat([str(1, 'X'), str(1, 'W'), str(2, 'Y'), str(3, 'add'), str(4, 'Add')]);
  const graphHead = Buffer.concat([
    bytes(1, node),
    str(2, 'registry_bench'),
    bytes(11, floatVector('X', n)),
    bytes(12, floatVector('Y', n)),
    lenHeader(5, tensorHead.length + dataBytes), // initializer, written last
    tensorHead,
  ]);
  const graphLength = graphHead.length + dataBytes;
  const head = Buffer.concat([
    int(1, 8), // ir_version
    bytes(8, Buffer.concat([str(1, ''), int(2, 13)])), // opset_import { domain "", version 13 }
    str(2, 'rouge-bench'),
    lenHeader(7, graphLength), // graph, written last
    graphHead,
  ]);
  return { head, dataBytes };
}

/** The 1 MiB block of float32s repeated to fill W (valid floats in [-1, 1)). */
const BLOCK = Buffer.from(seededFloats(MiB / 4, 20_261_127).buffer);

/** Writes the model file with W of `sizeMb` MiB; returns its sha256 and size. */
function writeModel(path: string, sizeMb: number): { sha256: string; size: number } {
  const { head, dataBytes } = onnxFraming((sizeMb * MiB) / 4);
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head);
    hash.update(head);
    for (let i = 0; i < dataBytes / MiB; i++) {
      writeSync(fd, BLOCK);
      hash.update(BLOCK);
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), size: head.length + dataBytes };
}

/** Builds a 16-element model with the same encoder and checks onnxruntime computes X + W with it. */
async function selfCheck(dir: string): Promise<void> {
  const ort = await import('onnxruntime-node');
  const n = 16;
  const { head } = onnxFraming(n);
  const w = new Float32Array(BLOCK.buffer, BLOCK.byteOffset, n);
  const path = join(dir, 'tiny.onnx');
  writeFileSync(path, Buffer.concat([head, Buffer.from(w.buffer, w.byteOffset, n * 4)]));
  const session = await ort.InferenceSession.create(path);
  const x = Float32Array.from({ length: n }, (_, i) => i);
  const out = await session.run({ X: new ort.Tensor('float32', x, [n]) });
  const y = out.Y!.data as Float32Array;
  for (let i = 0; i < n; i++) if (Math.abs(y[i]! - (x[i]! + w[i]!)) > 1e-6) throw new Error(`self-check: Y[${i}] = ${y[i]}, expected ${x[i]! + w[i]!}`);
  await session.release();
}

// ---------------------------------------------------------------- processes

/**
 * A child whose whole output is kept: uploads print the version id on stdout,
 * /usr/bin/time prints the client's peak RSS on stderr.
 */
interface Child {
  name: string;
  proc: ChildProcess;
  out: string;
  err: string;
  exited: Promise<number | null>;
}

/** Our environment without anything that would reconfigure Rouge, the CLI or the SDK's Python behind our back. */
const cleanEnv = envCleaner(ROUGE_VARIABLES, PYTHON_VARIABLES);

function start(name: string, argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Child {
  const [cmd, ...args] = argv;
  const proc = spawn(cmd!, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { name, proc, out: '', err: '', exited: Promise.resolve(null) };
  proc.stdout!.on('data', (d: Buffer) => (child.out += d.toString('utf8')));
  proc.stderr!.on('data', (d: Buffer) => {
    child.err += d.toString('utf8');
    if (child.err.length > 200_000) child.err = child.err.slice(-100_000);
  });
  child.exited = new Promise((res) => {
    proc.once('exit', (code) => res(code));
    proc.once('error', (e) => {
      child.err += `spawn error: ${e.message}`;
      res(-1);
    });
  });
  return track(child);
}

async function run(name: string, argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Child> {
  const c = start(name, argv, opts);
  const code = await c.exited;
  if (code !== 0) throw new Error(`${name} exited ${code}:\n${c.err.slice(-3000)}\n${c.out.slice(-2000)}`);
  return c;
}

// An interrupted run stops at once, leaving its temporary directories behind (the HTTP and serving
// benchmarks use stopOnSignals instead, which lets their finally blocks clean up).
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAllNow();
    process.exit(130);
  });
}

// ---------------------------------------------------------------- memory

function status(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(Vm\w+|Rss\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) / 1024;
  }
  return out;
}
/** Resets the peak (VmHWM) to the current RSS; Linux 4.0+. */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
const peakMb = (pid: number) => status(pid).VmHWM ?? NaN;

/**
 * The largest peak RSS (VmHWM) among the live children of `pid`: the registry
 * checks an ONNX upload in a child process, whose memory the server's own
 * VmHWM does not include. Read while the child lives, so callers poll it.
 */
function childrenPeakMb(pid: number): number {
  let peak = NaN;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const hwm = status(Number(entry)).VmHWM;
      if (hwm !== undefined && !(hwm <= peak)) peak = hwm;
    } catch {
      /* gone meanwhile */
    }
  }
  return peak;
}
const rssMb = (pid: number) => status(pid).VmRSS ?? NaN;

/** `/usr/bin/time -f %M` around a command: the client's own peak RSS. */
const TIME = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'CLIENT_MAXRSS_KB=%M'] : [];
function clientPeakMb(c: Child): number | null {
  const m = /CLIENT_MAXRSS_KB=(\d+)/.exec(c.err);
  return m ? Number(m[1]) / 1024 : null;
}

// ---------------------------------------------------------------- the served build

/** The export of REF (<tmpdir>/rouge-bench-<commit>, shared with the HTTP benchmark), or BENCH_ROUGE_DIR. */
async function servedBuild(): Promise<{ dir: string; revision: string }> {
  if (!EXPLICIT_DIR) {
    const exp = await exportCommit(REF, { dirPrefix: 'rouge-bench-', skipBuild: SKIP_BUILD, run: (name, argv, cwd) => run(name, argv, { cwd, env: { ...process.env } }) });
    return { dir: exp.dir, revision: `commit ${exp.commit}` };
  }
  if (!SKIP_BUILD) await run('npm run build', ['npm', 'run', 'build', '--silent'], { cwd: EXPLICIT_DIR, env: { ...process.env } });
  let revision = 'revision unknown';
  try {
    revision = `commit ${git(['rev-parse', 'HEAD'], EXPLICIT_DIR)}${git(['status', '--porcelain', '--untracked-files=no', '--', 'src'], EXPLICIT_DIR) ? ', src has uncommitted changes' : ''}`;
  } catch {
    /* not a checkout */
  }
  return { dir: EXPLICIT_DIR, revision };
}

// ---------------------------------------------------------------- one server

interface Server {
  child: Child;
  pid: number;
  url: string;
  dataDir: string;
}

async function startServer(build: string, maxArtifactBytes: number): Promise<Server> {
  const port = await freePort(HOST);
  const dataDir = mkdtempSync(join(tmpdir(), 'rouge-bench-registry-'));
  const child = start('rouge serve', [
    process.execPath, join(build, 'dist', 'cli', 'main.js'), 'serve',
    '--host', HOST, '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn',
    '--max-artifact-bytes', String(maxArtifactBytes), '--bootstrap-admin-key', ADMIN_KEY,
  ], { cwd: build });
  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.proc.exitCode !== null) throw new Error(`rouge serve exited ${child.proc.exitCode}:\n${child.err}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`rouge serve did not answer /healthz:\n${child.err}`);
    await sleep(100);
  }
  await api(url, 'POST', '/v1/projects', { name: PROJECT });
  return { child, pid: child.proc.pid!, url, dataDir };
}

async function api(url: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------- measuring

interface Upload {
  client: string;
  ok: boolean;
  totalSeconds: number;
  /** Until the staged file held every byte: the transfer itself. */
  receiveSeconds: number;
  /** onnxruntime inspection, copy into the blob store, version row. */
  checkAndStoreSeconds: number;
  idleRssMb: number;
  receivePeakMb: number;
  peakMb: number;
  /** Peak RSS of the server's child that loads the artifact with onnxruntime (sampled every 20 ms; NaN if none was seen). */
  checkChildPeakMb: number;
  clientPeakMb: number | null;
  /** Time the client spent before its first byte reached the server (hashing the file first). */
  clientPrepSeconds: number;
  versionId?: string;
  error?: string;
}

interface Download {
  client: string;
  ok: boolean;
  seconds: number;
  idleRssMb: number;
  peakMb: number;
  clientPeakMb: number | null;
  error?: string;
}

/** The staged upload file (<data-dir>/tmp/upload-*) and its size, if one exists. */
function staged(server: Server): number | undefined {
  const tmp = join(server.dataDir, 'tmp');
  let names: string[];
  try {
    names = readdirSync(tmp).filter((n) => n.startsWith('upload-'));
  } catch {
    return undefined;
  }
  let size: number | undefined;
  for (const n of names) {
    try {
      size = Math.max(size ?? 0, statSync(join(tmp, n)).size);
    } catch {
      /* removed meanwhile */
    }
  }
  return size;
}

async function measureUpload(server: Server, client: string, argv: string[], env: NodeJS.ProcessEnv, artifactBytes: number): Promise<Upload> {
  await sleep(500);
  resetPeak(server.pid);
  const idle = rssMb(server.pid);
  const t0 = performance.now();
  const child = start(`${client} upload`, [...TIME, ...argv], { env });
  let firstByteAt: number | undefined;
  let receivedAt: number | undefined;
  let receivePeak = NaN;
  let checkPeak = NaN;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (!exited) {
    const c = childrenPeakMb(server.pid);
    // NaN (no child this tick) must not replace a peak already seen.
    if (c > checkPeak || (Number.isNaN(checkPeak) && !Number.isNaN(c))) checkPeak = c;
    const size = staged(server);
    if (size !== undefined && firstByteAt === undefined) firstByteAt = performance.now();
    if (receivedAt === undefined && size !== undefined && size >= artifactBytes) {
      receivedAt = performance.now();
      receivePeak = peakMb(server.pid);
    }
    await sleep(20);
  }
  const code = await child.exited;
  const t1 = performance.now();
  const peak = peakMb(server.pid);
  const out = child.out.trim();
  const versionId = (/VERSION_ID=(\d+)/.exec(out) ?? /"versionId"\s*:\s*"(\d+)"/.exec(out))?.[1];
  let error: string | undefined;
  if (code !== 0 || !versionId) error = `exit ${code}: ${(child.err.replace(/CLIENT_MAXRSS_KB=\d+/, '').trim() || out).slice(-600)}`;
  const began = firstByteAt ?? t0;
  const received = receivedAt ?? t1;
  return {
    client,
    ok: !error,
    totalSeconds: (t1 - t0) / 1000,
    receiveSeconds: (received - began) / 1000,
    checkAndStoreSeconds: (t1 - received) / 1000,
    clientPrepSeconds: (began - t0) / 1000,
    idleRssMb: idle,
    receivePeakMb: receivePeak,
    peakMb: peak,
    checkChildPeakMb: checkPeak,
    clientPeakMb: clientPeakMb(child),
    ...(versionId ? { versionId } : {}),
    ...(error ? { error } : {}),
  };
}

async function measureDownload(server: Server, client: string, argv: string[], env: NodeJS.ProcessEnv, target: string, sha256: string): Promise<Download> {
  await sleep(500);
  resetPeak(server.pid);
  const idle = rssMb(server.pid);
  const t0 = performance.now();
  const child = start(`${client} download`, [...TIME, ...argv], { env });
  const code = await child.exited;
  const t1 = performance.now();
  const peak = peakMb(server.pid);
  let error: string | undefined;
  if (code !== 0) error = `exit ${code}: ${child.err.slice(-600)}`;
  else {
    // Checked here, outside the timing: the bytes on disk are the bytes uploaded.
    const got = execFileSync('sha256sum', [target], { encoding: 'utf8' }).split(' ')[0];
    if (got !== sha256) error = `downloaded sha256 ${got}, expected ${sha256}`;
  }
  rmSync(target, { force: true });
  return { client, ok: !error, seconds: (t1 - t0) / 1000, idleRssMb: idle, peakMb: peak, clientPeakMb: clientPeakMb(child), ...(error ? { error } : {}) };
}

/** onnxruntime-node loading the file alone, in a fresh process: seconds and peak RSS (the upload check's cost). */
async function measureInspection(path: string): Promise<{ seconds: number; baseRssMb: number; peakMb: number }> {
  const script = `
    const ort = require(${JSON.stringify(join(ROOT, 'node_modules', 'onnxruntime-node'))});
    const fs = require('node:fs');
    const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
    (async () => {
      const base = hwm();
      const t0 = performance.now();
      const s = await ort.InferenceSession.create(process.argv[1]);
      const seconds = (performance.now() - t0) / 1000;
      await s.release();
      process.stdout.write(JSON.stringify({ seconds, baseRssMb: base, peakMb: hwm() }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const c = await run('inspection', [process.execPath, '-e', script, path]);
  return JSON.parse(c.out) as { seconds: number; baseRssMb: number; peakMb: number };
}

// ---------------------------------------------------------------- clients

const PY_UPLOAD = `
import json, sys, rouge
c = rouge.Client(timeout=3600)
v = c.models.upload(sys.argv[1], sys.argv[2])
print("VERSION_ID=" + v["versionId"])
`;
const PY_DOWNLOAD = `
import sys, rouge
rouge.Client(timeout=3600).models.download(sys.argv[1], sys.argv[2])
`;

function uploadCommand(client: string, build: string, server: Server, model: string, file: string, sha256: string, work: string): { argv: string[]; env: NodeJS.ProcessEnv } {
  const rougeEnv = cleanEnv({ ROUGE_URL: server.url, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: PROJECT, HOME: work, XDG_CONFIG_HOME: join(work, '.config') });
  switch (client) {
    case 'curl': {
      const meta = join(work, 'metadata.json');
      writeFileSync(meta, JSON.stringify({ framework: 'onnx', sha256 }));
      return {
        argv: ['curl', '-sS', '--fail-with-body', '-H', `Authorization: Bearer ${ADMIN_KEY}`,
          '-F', `metadata=<${meta};type=application/json`, '-F', `artifact=@${file};type=application/octet-stream`,
          `${server.url}/v1/projects/${PROJECT}/models/${model}/versions`],
        env: cleanEnv(),
      };
    }
    case 'cli':
      return { argv: [process.execPath, join(build, 'dist', 'cli', 'main.js'), 'models', 'upload', file, '--name', model, '--json'], env: rougeEnv };
    default:
      return { argv: [PYTHON, '-c', PY_UPLOAD, model, file], env: { ...rougeEnv, PYTHONPATH: join(build, 'clients', 'python'), PYTHONDONTWRITEBYTECODE: '1' } };
  }
}

function downloadCommand(client: string, build: string, server: Server, ref: string, target: string, work: string): { argv: string[]; env: NodeJS.ProcessEnv } {
  const rougeEnv = cleanEnv({ ROUGE_URL: server.url, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: PROJECT, HOME: work, XDG_CONFIG_HOME: join(work, '.config') });
  const [model, version] = ref.split('@') as [string, string];
  switch (client) {
    case 'curl':
      return { argv: ['curl', '-sS', '--fail', '-H', `Authorization: Bearer ${ADMIN_KEY}`, '-o', target, `${server.url}/v1/projects/${PROJECT}/models/${model}/versions/${version}/artifact`], env: cleanEnv() };
    case 'cli':
      return { argv: [process.execPath, join(build, 'dist', 'cli', 'main.js'), 'models', 'download', ref, '-o', target], env: rougeEnv };
    default:
      return { argv: [PYTHON, '-c', PY_DOWNLOAD, ref, target], env: { ...rougeEnv, PYTHONPATH: join(build, 'clients', 'python'), PYTHONDONTWRITEBYTECODE: '1' } };
  }
}

const LABELS: Record<string, string> = { curl: 'API (curl -F / curl -o)', cli: 'rouge CLI', python: 'Python SDK' };

// ---------------------------------------------------------------- report

const f0 = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(0));
const f1 = (n: number | null | undefined) => (n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(1));
const mibps = (bytes: number, s: number) => (s > 0 ? bytes / MiB / s : NaN);

interface SizeResult {
  sizeMb: number;
  fileBytes: number;
  writeSeconds: number;
  inspection: { seconds: number; baseRssMb: number; peakMb: number };
  uploads: Upload[];
  downloads: Download[];
}

function tables(results: SizeResult[]): string {
  const up = ['| artifact | client | total s | MiB/s overall | client prep s | receive s | receive MiB/s | check + store s | server RSS idle → peak in receive MB | server peak MB | check child peak MB | client peak MB |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  const down = ['| artifact | client | s | MiB/s | server RSS idle → peak MB | client peak MB |', '|---|---|---:|---:|---:|---:|'];
  const insp = ['| artifact | onnxruntime load s | RSS before → peak MB |', '|---|---:|---:|'];
  for (const r of results) {
    const size = `${r.sizeMb} MiB`;
    for (const u of r.uploads) {
      up.push(u.ok
        ? `| ${size} | ${LABELS[u.client]} | ${f1(u.totalSeconds)} | ${f0(mibps(r.fileBytes, u.totalSeconds))} | ${f1(u.clientPrepSeconds)} | ${f1(u.receiveSeconds)} | ${f0(mibps(r.fileBytes, u.receiveSeconds))} | ${f1(u.checkAndStoreSeconds)} | ${f0(u.idleRssMb)} → ${f0(u.receivePeakMb)} | ${f0(u.peakMb)} | ${f0(u.checkChildPeakMb)} | ${f0(u.clientPeakMb)} |`
        : `| ${size} | ${LABELS[u.client]} | failed: ${u.error?.replace(/\|/g, '/').replace(/\n/g, ' ')} | | | | | | | | |`);
    }
    for (const d of r.downloads) {
      down.push(d.ok
        ? `| ${size} | ${LABELS[d.client]} | ${f1(d.seconds)} | ${f0(mibps(r.fileBytes, d.seconds))} | ${f0(d.idleRssMb)} → ${f0(d.peakMb)} | ${f0(d.clientPeakMb)} |`
        : `| ${size} | ${LABELS[d.client]} | failed: ${d.error?.replace(/\|/g, '/').replace(/\n/g, ' ')} | | | |`);
    }
    insp.push(`| ${size} | ${f1(r.inspection.seconds)} | ${f0(r.inspection.baseRssMb)} → ${f0(r.inspection.peakMb)} |`);
  }
  return `Upload\n\n${up.join('\n')}\n\nDownload\n\n${down.join('\n')}\n\nonnxruntime-node loading the same file alone (the registry's upload check)\n\n${insp.join('\n')}`;
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const machine = { nproc: cpus().length, cpuModel: cpus()[0]?.model?.trim() ?? '?', node: process.version, kernel: release(), memTotalMb: Math.round(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024) };
  console.log(`Machine: ${machine.nproc} CPUs, ${machine.cpuModel}, ${machine.memTotalMb} MB RAM, Node ${machine.node}, Linux ${machine.kernel}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (TIME.length === 0) console.log('WARNING: /usr/bin/time is missing; client peak memory is not measured');
  const build = await servedBuild();
  console.log(`Rouge: ${build.dir} (${build.revision})`);
  const work = mkdtempSync(join(tmpdir(), 'rouge-bench-registry-files-'));
  await selfCheck(work);
  const results: SizeResult[] = [];
  const load0 = loadavg();
  try {
    for (const sizeMb of SIZES_MB) {
      const file = join(work, `model-${sizeMb}.onnx`);
      const w0 = performance.now();
      const { sha256, size } = writeModel(file, sizeMb);
      const writeSeconds = (performance.now() - w0) / 1000;
      console.log(`\n${sizeMb} MiB: wrote ${file} (${size} bytes, sha256 ${sha256.slice(0, 12)}…) in ${writeSeconds.toFixed(1)} s`);
      const inspection = await measureInspection(file);
      console.log(`  onnxruntime alone: ${inspection.seconds.toFixed(1)} s, RSS ${inspection.baseRssMb.toFixed(0)} → ${inspection.peakMb.toFixed(0)} MB`);

      const server = await startServer(build.dir, size + 64 * MiB);
      const uploads: Upload[] = [];
      const downloads: Download[] = [];
      try {
        console.log(`  server pid ${server.pid}, idle RSS ${rssMb(server.pid).toFixed(0)} MB`);
        for (const client of CLIENTS) {
          const model = `big-${client}`;
          await api(server.url, 'POST', `/v1/projects/${PROJECT}/models`, { name: model });
          const { argv, env } = uploadCommand(client, build.dir, server, model, file, sha256, work);
          const u = await measureUpload(server, client, argv, env, size);
          uploads.push(u);
          console.log(`  upload   ${LABELS[client]}: ${u.ok ? `${u.totalSeconds.toFixed(1)} s (prep ${u.clientPrepSeconds.toFixed(1)}, receive ${u.receiveSeconds.toFixed(1)}, check+store ${u.checkAndStoreSeconds.toFixed(1)}); server RSS ${u.idleRssMb.toFixed(0)} → ${u.receivePeakMb.toFixed(0)} MB receiving, ${u.peakMb.toFixed(0)} MB to the end; the check's child peaked at ${u.checkChildPeakMb.toFixed(0)} MB` : `FAILED ${u.error}`}`);
          if (!u.ok) continue;
          const target = join(work, `down-${client}.onnx`);
          const dl = downloadCommand(client, build.dir, server, `${model}@${u.versionId}`, target, work);
          const d = await measureDownload(server, client, dl.argv, dl.env, target, sha256);
          downloads.push(d);
          console.log(`  download ${LABELS[client]}: ${d.ok ? `${d.seconds.toFixed(1)} s; server RSS ${d.idleRssMb.toFixed(0)} → ${d.peakMb.toFixed(0)} MB` : `FAILED ${d.error}`}`);
          await api(server.url, 'DELETE', `/v1/projects/${PROJECT}/models/${model}`);
        }
      } finally {
        server.child.proc.kill('SIGTERM');
        await Promise.race([server.child.exited, sleep(10_000)]);
        server.child.proc.kill('SIGKILL');
        rmSync(server.dataDir, { recursive: true, force: true });
        rmSync(file, { force: true });
      }
      results.push({ sizeMb, fileBytes: size, writeSeconds, inspection, uploads, downloads });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const table = tables(results);
  console.log(`\n${table}\n`);
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({
    benchmark: 'registry',
    generatedAt: new Date().toISOString(),
    rouge: { dir: build.dir, revision: build.revision },
    machine: { ...machine, loadAverageBefore: load0, loadAverageAfter: loadavg() },
    method: {
      artifact: 'ONNX model Y = X + W, W a float32 initializer of the given size in raw_data',
      serverMemory: 'VmHWM of the rouge serve process, reset (clear_refs 5) before each transfer; the ONNX check runs in a child process, whose VmHWM is sampled every 20 ms while it lives (checkChildPeakMb)',
      phases: 'receive ends when <data-dir>/tmp/upload-* holds every byte; check + store is the rest of the request',
      clientMemory: '/usr/bin/time -f %M',
    },
    table,
    results,
  }, null, 2)}\n`);
  console.log(`Wrote ${RESULTS_FILE}`);
  return results.some((r) => r.uploads.some((u) => !u.ok) || r.downloads.some((d) => !d.ok)) ? 1 : 0;
}

runMain(main);
