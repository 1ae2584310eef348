/**
 * Serving benchmark, helper: the CPU cost of onnxruntime-node's
 * `session.run` called in process, without any server around it.
 *
 * Run by bench/serving.ts as a child pinned to the server's core (so the
 * session sees the same CPU set as the Rouge server's), never by hand:
 *
 *   taskset -c 0 node --import tsx bench/serving-inproc.ts <config.json>
 *
 * The config names the models (file paths, input name, feature count) and a
 * file of inputs (the same distinct rows the load generator sends). For each
 * case it creates one session, either the one Rouge itself creates (its
 * OnnxModel.load, from the measured build, so with its session options) or one
 * with onnxruntime's defaults, warms it, then times WARM + RUNS calls of
 * `await session.run({X: tensor})`, the tensor built beforehand from the next
 * input row(s) in turn. Each call's CPU time is the difference of
 * `process.cpuUsage()` (user + system, every thread of the process) around
 * it; its wall time the difference of `process.hrtime`. Prints one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';

const allowedAtStart = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';

/**
 * onnxruntime's intra-op pool threads set their own CPU affinity when a
 * session is created, whatever the process was started with (under
 * `taskset -c 0` on this 2-CPU machine the pool thread moves to CPU 1). The
 * server's threads are put back on its core the same way (bench/serving.ts),
 * so that both measurements run on one core. Returns how many threads had left.
 */
function repin(): number {
  let escaped = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    const cpus = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/self/task/${tid}/status`, 'utf8'))?.[1];
    if (cpus !== allowedAtStart) escaped++;
  }
  if (escaped > 0) execFileSync('taskset', ['-a', '-p', '-c', allowedAtStart, String(process.pid)], { stdio: 'ignore' });
  return escaped;
}

interface Case {
  id: string;
  modelPath: string;
  inputName: string;
  features: number;
  batch: number;
  inputsPath: string;
  warm: number;
  runs: number;
  /**
   * 'rouge': the session Rouge's own OnnxModel.load creates (from the measured
   * build's dist/serving/onnx-model.js, so with exactly its session options);
   * 'default': InferenceSession.create with onnxruntime's defaults.
   */
  session: 'rouge' | 'default';
}

function quantiles(v: Float64Array): { p50: number; p10: number; p90: number; p99: number; mean: number } {
  const s = Float64Array.from(v).sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  let sum = 0;
  for (const x of s) sum += x;
  return { p10: q(0.1), p50: q(0.5), p90: q(0.9), p99: q(0.99), mean: sum / s.length };
}

let rougeDir = '';

/** The session inside a model loaded by Rouge's OnnxModel.load (a private field, read for the benchmark only). */
async function rougeSession(c: Case): Promise<ort.InferenceSession> {
  const mod = (await import(pathToFileURL(join(rougeDir, 'dist', 'serving', 'onnx-model.js')).href)) as {
    OnnxModel: { load(path: string, info: Record<string, unknown>): Promise<{ session?: ort.InferenceSession }> };
  };
  const spec = (name: string, n: number) => ({ name, datatype: 'FP32', shape: [-1, n] });
  const model = await mod.OnnxModel.load(c.modelPath, {
    deployedModelId: '1', model: 'bench', versionId: '1', displayName: 'bench', batching: null,
    signature: { inputs: [spec(c.inputName, c.features)], outputs: [] },
  });
  if (!model.session || typeof model.session.run !== 'function') throw new Error(`${rougeDir}: OnnxModel has no session field any more; update bench/serving-inproc.ts`);
  return model.session;
}

async function measure(c: Case) {
  const rows = JSON.parse(readFileSync(c.inputsPath, 'utf8')) as number[][];
  const session = c.session === 'rouge' ? await rougeSession(c) : await ort.InferenceSession.create(c.modelPath);
  const escapedThreads = repin();
  const tensors: ort.Tensor[] = [];
  const distinct = Math.min(2000, Math.floor(rows.length / c.batch));
  for (let i = 0; i < distinct; i++) {
    const data = new Float32Array(c.batch * c.features);
    for (let b = 0; b < c.batch; b++) data.set(rows[(i * c.batch + b) % rows.length]!, b * c.features);
    tensors.push(new ort.Tensor('float32', data, [c.batch, c.features]));
  }
  for (let i = 0; i < c.warm; i++) await session.run({ [c.inputName]: tensors[i % tensors.length]! });
  const cpu = new Float64Array(c.runs);
  const wall = new Float64Array(c.runs);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < c.runs; i++) {
    const feeds = { [c.inputName]: tensors[i % tensors.length]! };
    const u0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    await session.run(feeds);
    const w1 = process.hrtime.bigint();
    const u1 = process.cpuUsage(u0);
    cpu[i] = u1.user + u1.system;
    wall[i] = Number(w1 - w0) / 1000;
  }
  const totalWallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const totalCpu = process.cpuUsage(cpu0);
  await session.release();
  return {
    id: c.id,
    batch: c.batch,
    escapedThreads,
    runs: c.runs,
    cpuUsPerCall: quantiles(cpu),
    wallUsPerCall: quantiles(wall),
    /** Whole loop, including the bookkeeping around each call, divided by calls. */
    loopCpuUsPerCall: (totalCpu.user + totalCpu.system) / c.runs,
    loopWallUsPerCall: totalWallUs / c.runs,
  };
}

async function main() {
  const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { rougeDir: string; cases: Case[] };
  rougeDir = cfg.rougeDir;
  const results = [];
  for (const c of cfg.cases) results.push(await measure(c));
  let threads = 0;
  try {
    threads = Number(/Threads:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  } catch {
    /* not Linux */
  }
  let cpus = '?';
  try {
    cpus = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
  } catch {
    /* not Linux */
  }
  const total = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ threads, cpusAllowed: cpus, processCpuUs: total.user + total.system, results })}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
