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
 * model and batch size it creates one session (with default options, as
 * Rouge's OnnxModel does, unless the case gives some), warms it, then times WARM + RUNS calls of
 * `await session.run({X: tensor})`, the tensor built beforehand from the next
 * input row(s) in turn. Each call's CPU time is the difference of
 * `process.cpuUsage()` (user + system, every thread of the process) around
 * it; its wall time the difference of `process.hrtime`. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

interface Case {
  id: string;
  modelPath: string;
  inputName: string;
  features: number;
  batch: number;
  inputsPath: string;
  warm: number;
  runs: number;
  /** Passed to InferenceSession.create; Rouge passes none. */
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

function quantiles(v: Float64Array): { p50: number; p10: number; p90: number; p99: number; mean: number } {
  const s = Float64Array.from(v).sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  let sum = 0;
  for (const x of s) sum += x;
  return { p10: q(0.1), p50: q(0.5), p90: q(0.9), p99: q(0.99), mean: sum / s.length };
}

async function measure(c: Case) {
  const rows = JSON.parse(readFileSync(c.inputsPath, 'utf8')) as number[][];
  const session = await ort.InferenceSession.create(c.modelPath, c.sessionOptions ?? {});
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
    runs: c.runs,
    cpuUsPerCall: quantiles(cpu),
    wallUsPerCall: quantiles(wall),
    /** Whole loop, including the bookkeeping around each call, divided by calls. */
    loopCpuUsPerCall: (totalCpu.user + totalCpu.system) / c.runs,
    loopWallUsPerCall: totalWallUs / c.runs,
  };
}

async function main() {
  const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { cases: Case[] };
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
