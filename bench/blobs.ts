/**
 * Blob benchmark: put and get throughput of one large file on file:// and on
 * an S3-compatible server (s3rver, as the tests use).
 *
 *   npm run bench:blobs            (= npx tsx bench/blobs.ts)
 *
 * The source is a file of random bytes generated on disk first and streamed
 * from there (fs.createReadStream), so neither the benchmark nor the store ever
 * holds the object in memory; the peak RSS printed shows that. Each put is
 * checked against the file's sha256, each get re-hashes the bytes it reads, so
 * both directions include one sha256 pass, as real traffic does. The script
 * prints a markdown table and writes bench/results/blobs.json.
 *
 * Settings (environment):
 *   BENCH_BLOB_MB     object size in MiB (default 100)
 *   BENCH_RUNS        measured runs per store and direction, after one warm-up; the median is reported (default 5)
 *   BENCH_ONLY        comma-separated store ids to run: file, s3 (default both)
 *
 * s3rver runs as a child process on 127.0.0.1, so its CPU and memory are not in
 * this process's RSS; it stores objects in a temporary directory on the same
 * disk as the file store, and its numbers measure the S3 adapter (SDK,
 * multipart, HTTP) plus s3rver, not AWS. Benchmarks print numbers; nothing
 * here asserts on timings.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { BlobStore } from '../src/platform/blobs/blob-store.js';
import { FileBlobStore } from '../src/platform/blobs/file-blob-store.js';
import { S3BlobStore } from '../src/platform/blobs/s3-blob-store.js';
import { startS3rver, type TestS3Server } from '../test/helpers/s3rver.js';
import { intEnv, listEnv } from './lib/settings.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = join(ROOT, 'bench', 'results', 'blobs.json');
const MiB = 1024 * 1024;

const SIZE_MB = intEnv('BENCH_BLOB_MB', 100, 1);
const RUNS = intEnv('BENCH_RUNS', 5, 1);
const ONLY = listEnv('BENCH_ONLY');

interface Target {
  id: string;
  label: string;
  open(): Promise<{ store: BlobStore; cleanup(): Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    id: 'file',
    label: 'file:// (FileBlobStore)',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'rouge-bench-blobs-'));
      const store = new FileBlobStore(dir);
      await store.init();
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    id: 's3',
    label: 's3:// (S3BlobStore on s3rver)',
    async open() {
      const server: TestS3Server = await startS3rver(['bench']);
      const store = new S3BlobStore({ bucket: 'bench', prefix: 'run', endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: server.credentials });
      return { store, cleanup: () => server.stop() };
    },
  },
];

/**
 * Writes SIZE_MB of random bytes to a file, one MiB at a time, and returns its
 * sha256. It runs in a child process so generating the data does not raise
 * this process's peak RSS, which would hide what the stores use.
 */
function generateSource(path: string): string {
  const script = `
    const { createHash, randomBytes } = require('node:crypto');
    const { openSync, writeSync, closeSync } = require('node:fs');
    const hash = createHash('sha256');
    const fd = openSync(process.argv[1], 'w');
    for (let i = 0; i < Number(process.argv[2]); i++) {
      const chunk = randomBytes(${MiB});
      hash.update(chunk);
      writeSync(fd, chunk);
    }
    closeSync(fd);
    process.stdout.write(hash.digest('hex'));`;
  return execFileSync(process.execPath, ['-e', script, path, String(SIZE_MB)], { encoding: 'utf8' }).trim();
}

/** A sink that hashes what it is given and keeps nothing. */
function hashingSink(): { sink: Writable; digest: () => string } {
  const hash = createHash('sha256');
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb();
    },
  });
  return { sink, digest: () => hash.digest('hex') };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const rssMb = () => process.memoryUsage().rss / MiB;

interface Row {
  id: string;
  label: string;
  putMBps: number;
  getMBps: number;
  putSeconds: number[];
  getSeconds: number[];
  /** CPU time of this process over wall time, median over runs: near 100% means the client side is the bottleneck. */
  putCpuPct: number;
  getCpuPct: number;
  /** Peak RSS of this process once this store's runs are done (cumulative over the script). */
  peakRssMb: number;
}

async function measure(target: Target, source: string, sourceSha: string): Promise<Row> {
  const { store, cleanup } = await target.open();
  const putSeconds: number[] = [];
  const getSeconds: number[] = [];
  const putCpu: number[] = [];
  const getCpu: number[] = [];
  const cpuSeconds = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  try {
    // One unmeasured round trip warms the JIT, the page cache and the HTTP agent.
    for (let run = 0; run <= RUNS; run++) {
      const key = `bench/run-${run}/object.bin`;
      let t0 = process.hrtime.bigint();
      let c0 = cpuSeconds();
      const info = await store.put(key, createReadStream(source, { highWaterMark: MiB }));
      const put = Number(process.hrtime.bigint() - t0) / 1e9;
      const putCpuShare = (cpuSeconds() - c0) / put;
      if (info.sha256 !== sourceSha || info.size !== SIZE_MB * MiB) throw new Error(`${target.id}: put returned ${info.size} bytes, sha256 ${info.sha256}; expected ${SIZE_MB * MiB}, ${sourceSha}`);

      t0 = process.hrtime.bigint();
      c0 = cpuSeconds();
      const { body } = await store.get(key);
      const { sink, digest } = hashingSink();
      await pipeline(body, sink);
      const get = Number(process.hrtime.bigint() - t0) / 1e9;
      const getCpuShare = (cpuSeconds() - c0) / get;
      if (digest() !== sourceSha) throw new Error(`${target.id}: the bytes read back do not match what was written`);
      await store.delete(key);
      if (run > 0) {
        putSeconds.push(put);
        getSeconds.push(get);
        putCpu.push(putCpuShare);
        getCpu.push(getCpuShare);
      }
      process.stderr.write(`  ${target.id} ${run === 0 ? 'warm-up' : `run ${run}`}: put ${(SIZE_MB / put).toFixed(0)} MiB/s, get ${(SIZE_MB / get).toFixed(0)} MiB/s, rss ${rssMb().toFixed(0)} MB\n`);
    }
  } finally {
    await store.close();
    await cleanup();
  }
  return {
    id: target.id,
    label: target.label,
    putMBps: SIZE_MB / median(putSeconds),
    getMBps: SIZE_MB / median(getSeconds),
    putSeconds,
    getSeconds,
    putCpuPct: Math.round(median(putCpu) * 100),
    getCpuPct: Math.round(median(getCpu) * 100),
    peakRssMb: peakRssMb(),
  };
}

async function main(): Promise<void> {
  const targets = TARGETS.filter((t) => ONLY.length === 0 || ONLY.includes(t.id));
  if (targets.length === 0) throw new Error(`BENCH_ONLY=${ONLY.join(',')} names no store; the stores are ${TARGETS.map((t) => t.id).join(', ')}`);
  const work = mkdtempSync(join(tmpdir(), 'rouge-bench-source-'));
  try {
    const source = join(work, 'source.bin');
    process.stderr.write(`generating ${SIZE_MB} MiB of random bytes in ${source}\n`);
    const sourceSha = generateSource(source);
    const baselineRssMb = rssMb();
    const baselinePeakMb = peakRssMb();
    const loadBefore = loadavg()[0]!;
    const rows: Row[] = [];
    for (const t of targets) rows.push(await measure(t, source, sourceSha));

    const lines = [
      `| store | put MiB/s | get MiB/s | client CPU put / get | peak RSS of this process after the runs |`,
      `|---|---:|---:|---:|---:|`,
      ...rows.map((r) => `| ${r.label} | ${r.putMBps.toFixed(0)} | ${r.getMBps.toFixed(0)} | ${r.putCpuPct}% / ${r.getCpuPct}% | ${r.peakRssMb.toFixed(0)} MB |`),
    ];
    const loadAfter = loadavg()[0]!;
    // Disk and loopback throughput swing widely when other work shares the cores; say so next to the numbers.
    // Only the load before counts: during the runs this script and s3rver load the machine themselves.
    const busy = loadBefore > cpus().length / 2;
    if (busy) process.stdout.write(`\nWARNING: load average ${loadBefore.toFixed(1)} before the runs on ${cpus().length} CPUs: the machine was busy, numbers are unreliable\n`);
    process.stdout.write(`\n${SIZE_MB} MiB object, median of ${RUNS} runs; before the runs this process had RSS ${baselineRssMb.toFixed(0)} MB, peak ${baselinePeakMb.toFixed(0)} MB\n\n${lines.join('\n')}\n`);

    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify({
      benchmark: 'blobs',
      generatedAt: new Date().toISOString(),
      machine: { nproc: cpus().length, cpuModel: cpus()[0]?.model?.trim() || '(unknown)', node: process.version, kernel: release(), platform: process.platform, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, busy },
      method: { objectMiB: SIZE_MB, runs: RUNS, statistic: 'median', source: 'random bytes streamed from a file on disk', tmpdir: tmpdir(), getIncludesSha256: true, s3Server: 's3rver 3 in a child process on 127.0.0.1' },
      baselineRssMb: Math.round(baselineRssMb),
      baselinePeakRssMb: Math.round(baselinePeakMb),
      rows,
    }, null, 2)}\n`);
    process.stdout.write(`\nwrote ${RESULTS_FILE}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
