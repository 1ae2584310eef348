/**
 * The product-type classifier (issue #21) on real packshots,
 * `../shared/data/beauty-images`: six classes (Fragrance with Perfumes, Lips,
 * Nails, Makeup, Skin Care with Skin, Eyes; the few Hair, Bath and Body and
 * Beauty Accessories images are left out).
 *
 * 1. Throughput: every image through the vision pool (the backbone on 2 worker
 *    threads, as production runs it), wall clock after warm-up, the model load
 *    timed apart; then a subset through the warm 2-thread pool and through a
 *    1-thread pool, to show the scaling over one core.
 * 2. Quality: 5-fold stratified cross-validation (folds fixed by a hash of each
 *    image's SHA-256, dealt round each label): `trainTagger` with the production
 *    defaults on four folds, `classify` / `evaluateTagger` on the fifth. Scores
 *    pool the counts of all held-out predictions (no averaging of fold
 *    percentages). The bars: accuracy >= 90%, and >= 60% of images
 *    auto-accepted at >= 95% precision.
 *
 *   npx tsx bench/tagging-classifier.ts          (--json: only the JSON line on stdout)
 *   BENCH_LIMIT=300 npx tsx bench/tagging-classifier.ts    (a quick run on 300 images)
 *   BENCH_SUBSET (images for the 1- vs 2-thread comparison, default 200),
 *   BENCH_DATA (the labels CSV, default ../shared/data/beauty-images/labels.csv)
 * Progress goes to stderr; the tables and one JSON line to stdout.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { evaluateTagger, type Evaluation } from '../src/tagging/classifier/evaluate.js';
import { embedFiles, readLabelsCsv, type LabelledFile } from '../src/tagging/classifier/labelled.js';
import { classify, type Example, type Tagger } from '../src/tagging/classifier/tagger.js';
import { canonicalLabel } from '../src/tagging/classifier/taxonomy.js';
import { TRAIN_DEFAULTS, trainTagger } from '../src/tagging/classifier/train.js';
import { wilsonLower, wilsonUpper } from '../src/tagging/classifier/calibration.js';
import { VisionPool } from '../src/tagging/vision/pool.js';
import { cpuTicks, machineTicks, readClockTicks } from './lib/proc.js';
import { ROOT } from './lib/root.js';

const CLASSES = ['Eyes', 'Fragrance', 'Lips', 'Makeup', 'Nails', 'Skin Care'] as const;
const FOLDS = 5;
const BARS = { accuracy: 0.9, autoAcceptShare: 0.6, autoAcceptPrecision: 0.95 };
const OTHER_MAX_PCT = 15;

const jsonOnly = process.argv.includes('--json');
const out = (s = '') => {
  if (!jsonOnly) console.log(s);
};
const log = (s: string) => process.stderr.write(`${s}\n`);
const csv = process.env.BENCH_DATA ?? resolve(ROOT, '..', 'shared', 'data', 'beauty-images', 'labels.csv');
const limit = process.env.BENCH_LIMIT ? Number(process.env.BENCH_LIMIT) : undefined;
const subsetSize = Number(process.env.BENCH_SUBSET ?? 200);
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const pct = (x: number, d = 1) => `${(100 * x).toFixed(d)}%`;
const fmt = (x: number, d = 1) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

// ---------------------------------------------------------------- data

const all = await readLabelsCsv(csv, { image: 'file', label: 'subCategory' });
const rawCounts = countBy(all, (f) => f.label);
let files = all.filter((f) => (CLASSES as readonly string[]).includes(canonicalLabel(f.label)));
const leftOut = countBy(all.filter((f) => !files.includes(f)), (f) => f.label);
if (limit !== undefined && limit < files.length) {
  // A fixed sample (by a hash of the path), kept in CSV order: roughly the classes' proportions.
  const keep = new Set([...files].sort((a, b) => cmp(sha(a.path), sha(b.path))).slice(0, limit));
  files = files.filter((f) => keep.has(f));
}
const classCounts = countBy(files, (f) => canonicalLabel(f.label));
out(`# Product-type classifier (issue #21)`);
out();
out(`${csv}: ${all.length} labelled images; ${files.length} in the six classes${limit !== undefined ? ` (BENCH_LIMIT=${limit})` : ''}; left out: ${Object.entries(leftOut).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
out(`raw labels: ${Object.entries(rawCounts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
out(`classes: ${CLASSES.map((c) => `${c} ${classCounts[c] ?? 0}`).join(', ')}`);
out(`machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? '?'}), Node ${process.version}; load average at start ${loadAvg()}`);

// ---------------------------------------------------------------- throughput

interface Throughput {
  threads: number;
  images: number;
  loadSeconds: number;
  seconds: number;
  imagesPerSecond: number;
  msPerImage: number;
  cpuMsPerImage: number;
  processCpuPct: number;
  otherCpuPct: number;
}

const ticksPerSecond = readClockTicks();

/** Starts the pool's threads and loads the model in each: one image per thread, at once. */
async function warm(pool: VisionPool, threads: number): Promise<number> {
  const t0 = performance.now();
  const bytes = await Promise.all(files.slice(0, threads).map((f) => readFile(f.path)));
  await Promise.all(bytes.map((b) => pool.see(b)));
  return (performance.now() - t0) / 1000;
}

/** `embedFiles` (as `rouge tags train` runs it, 4 images in flight) over `subset`, timed, with the CPU it took. */
async function timed(pool: VisionPool, threads: number, subset: readonly LabelledFile[], loadSeconds: number, what: string): Promise<{ examples: Example[]; t: Throughput }> {
  const m0 = machineTicks();
  const c0 = cpuTicks(process.pid) ?? 0;
  const t0 = performance.now();
  let lastLog = 0;
  const examples = await embedFiles(pool, subset, (done, total) => {
    const now = performance.now();
    if (done === total || now - lastLog > 5000) {
      lastLog = now;
      log(`  ${what}: ${done}/${total} images, ${fmt(done / ((now - t0) / 1000))} images/s`);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const m1 = machineTicks();
  const c1 = cpuTicks(process.pid) ?? 0;
  const own = ((c1 - c0) / ticksPerSecond / seconds) * 100;
  const busy = ((m1.busy - m0.busy) / ticksPerSecond / seconds) * 100;
  const t: Throughput = {
    threads, images: subset.length, loadSeconds, seconds, imagesPerSecond: subset.length / seconds, msPerImage: (1000 * seconds) / subset.length,
    cpuMsPerImage: ((c1 - c0) / ticksPerSecond * 1000) / subset.length, processCpuPct: own, otherCpuPct: Math.max(0, busy - own),
  };
  if (t.otherCpuPct > OTHER_MAX_PCT) log(`  WARNING: other processes used ${t.otherCpuPct.toFixed(0)}% of a core during "${what}": the machine was not quiet`);
  return { examples, t };
}

const subset = files.slice(0, Math.min(subsetSize, files.length));
log(`embedding ${files.length} images with 2 vision threads ...`);
const pool2 = new VisionPool(2);
const load2 = await warm(pool2, 2);
log(`  model loaded in 2 threads in ${load2.toFixed(1)} s`);
const full = await timed(pool2, 2, files, load2, '2 threads, all images');
const sub2 = await timed(pool2, 2, subset, load2, `2 threads, ${subset.length} images`);
// One image at a time: the latency a single request sees on a warm pool.
const latencies: number[] = [];
for (const f of subset.slice(0, 40)) {
  const bytes = await readFile(f.path);
  const t0 = performance.now();
  await pool2.see(bytes);
  latencies.push(performance.now() - t0);
}
await pool2.close();
log(`${subset.length} images with 1 vision thread ...`);
const pool1 = new VisionPool(1);
const load1 = await warm(pool1, 1);
log(`  model loaded in 1 thread in ${load1.toFixed(1)} s`);
const sub1 = await timed(pool1, 1, subset, load1, `1 thread, ${subset.length} images`);
await pool1.close();
const latencyP50 = quantile(latencies, 0.5);

// ---------------------------------------------------------------- cross-validation

// One example per image content (as trainTagger does): the same image twice in the CSV is one image, in one fold.
const byKey = new Map<string, Example>();
for (const e of full.examples) {
  byKey.delete(e.key);
  byKey.set(e.key, { ...e, label: canonicalLabel(e.label) });
}
const examples = [...byKey.values()];
const duplicates = full.examples.length - examples.length;
const fold = new Map<string, number>();
for (const c of CLASSES) {
  // A hash salted apart from trainTagger's own inner folds, so the two splits are independent.
  const mine = examples.filter((e) => e.label === c).sort((a, b) => cmp(sha(`bench-cv:${a.key}`), sha(`bench-cv:${b.key}`)));
  mine.forEach((e, i) => fold.set(e.key, i % FOLDS));
}

interface Held { truth: string; label: string; confidence: number; autoAccept: boolean; fold: number }
interface FoldReport {
  fold: number;
  train: number;
  test: number;
  trainSeconds: number;
  otherCpuPct: number;
  evaluation: Evaluation;
  temperature: number;
  thresholds: Record<string, number>;
  innerValidation: Tagger['validation'];
}
const held: Held[] = [];
const folds: FoldReport[] = [];
let classifyMs = 0;
for (let f = 0; f < FOLDS; f++) {
  const train = examples.filter((e) => fold.get(e.key) !== f);
  const test = examples.filter((e) => fold.get(e.key) === f);
  log(`fold ${f + 1}/${FOLDS}: training on ${train.length}, testing on ${test.length} ...`);
  const m0 = machineTicks();
  const c0Ticks = cpuTicks(process.pid) ?? 0;
  const t0 = performance.now();
  const tagger = trainTagger(train, {
    onProgress: (stage, done, total) => log(`  ${stage} ${done}/${total} (${((performance.now() - t0) / 1000).toFixed(1)} s)`),
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const ownTicks = (cpuTicks(process.pid) ?? 0) - c0Ticks;
  const otherCpuPct = Math.max(0, ((machineTicks().busy - m0.busy - ownTicks) / ticksPerSecond / trainSeconds) * 100);
  if (otherCpuPct > OTHER_MAX_PCT) log(`  WARNING: other processes used ${otherCpuPct.toFixed(0)}% of a core while fold ${f + 1} trained: the machine was not quiet`);
  const evaluation = evaluateTagger(tagger, test);
  const c0 = performance.now();
  const predictions = test.map((e) => classify(tagger, e.embeddings));
  classifyMs += performance.now() - c0;
  predictions.forEach((p, i) => held.push({ truth: test[i]!.label, label: p.label, confidence: p.confidence, autoAccept: p.autoAccept, fold: f }));
  folds.push({
    fold: f + 1, train: train.length, test: test.length, trainSeconds, otherCpuPct, evaluation, temperature: tagger.temperature,
    thresholds: Object.fromEntries(tagger.classes.map((c, i) => [c.label, tagger.thresholds[i]!])), innerValidation: tagger.validation,
  });
  log(`  fold ${f + 1}: accuracy ${pct(evaluation.accuracy)}, auto-accepted ${pct(evaluation.autoAcceptShare)} at ${pct(evaluation.autoAcceptPrecision)}, trained in ${trainSeconds.toFixed(1)} s`);
}

// Pooled over every held-out prediction.
const n = held.length;
const correct = held.filter((h) => h.label === h.truth).length;
const accepted = held.filter((h) => h.autoAccept);
const acceptedCorrect = accepted.filter((h) => h.label === h.truth).length;
const pooled = {
  images: n,
  correct,
  accuracy: correct / n,
  accuracyCi95: [wilsonLower(correct, n, 1.96), wilsonUpper(correct, n, 1.96)],
  autoAccepted: accepted.length,
  autoAcceptShare: accepted.length / n,
  autoAcceptPrecision: accepted.length ? acceptedCorrect / accepted.length : 0,
  autoAcceptPrecisionCi95: [wilsonLower(acceptedCorrect, accepted.length, 1.96), wilsonUpper(acceptedCorrect, accepted.length, 1.96)],
  autoAcceptErrors: accepted.length - acceptedCorrect,
  accuracyOfTheRest: n - accepted.length ? (correct - acceptedCorrect) / (n - accepted.length) : 0,
};
const perClass = Object.fromEntries(CLASSES.map((c) => {
  const support = held.filter((h) => h.truth === c);
  const predicted = held.filter((h) => h.label === c);
  const tp = support.filter((h) => h.label === c).length;
  const acc = predicted.filter((h) => h.autoAccept);
  return [c, {
    support: support.length, predicted: predicted.length, tp,
    precision: predicted.length ? tp / predicted.length : 0, recall: support.length ? tp / support.length : 0,
    autoAccepted: acc.length, autoAcceptShareOfSupport: support.length ? support.filter((h) => h.autoAccept && h.label === c).length / support.length : 0,
    autoAcceptPrecision: acc.length ? acc.filter((h) => h.truth === c).length / acc.length : 0,
  }];
}));
const confusion = Object.fromEntries(CLASSES.map((t) => [t, Object.fromEntries(CLASSES.map((p) => [p, held.filter((h) => h.truth === t && h.label === p).length]))]));
// The folds' own (rounded) evaluations agree with the pooled counts.
const foldCorrect = folds.reduce((s, f) => s + f.evaluation.accuracy * f.test, 0);
if (Math.abs(foldCorrect - correct) > 0.5 + folds.length * 0.0001 * n) log(`WARNING: evaluateTagger's fold accuracies (${foldCorrect.toFixed(1)} correct) disagree with classify's (${correct})`);
const pass = {
  accuracy: pooled.accuracy >= BARS.accuracy,
  autoAccept: pooled.autoAcceptShare >= BARS.autoAcceptShare && pooled.autoAcceptPrecision >= BARS.autoAcceptPrecision,
};

// ---------------------------------------------------------------- report

out();
out(`## Quality: ${FOLDS}-fold stratified cross-validation, ${n} images${duplicates ? ` (${duplicates} duplicate images merged)` : ''}, production defaults`);
out();
out(`| | result | bar | |`);
out(`|---|---:|---:|---|`);
out(`| accuracy | ${pct(pooled.accuracy)} (${correct}/${n}; 95% CI ${pct(pooled.accuracyCi95[0]!)}-${pct(pooled.accuracyCi95[1]!)}) | >= 90% | ${pass.accuracy ? 'met' : '**not met**'} |`);
out(`| auto-accepted share | ${pct(pooled.autoAcceptShare)} (${accepted.length}/${n}) | >= 60% | ${pooled.autoAcceptShare >= BARS.autoAcceptShare ? 'met' : '**not met**'} |`);
out(`| auto-accept precision | ${pct(pooled.autoAcceptPrecision)} (${acceptedCorrect}/${accepted.length}; 95% CI ${pct(pooled.autoAcceptPrecisionCi95[0]!)}-${pct(pooled.autoAcceptPrecisionCi95[1]!)}) | >= 95% | ${pooled.autoAcceptPrecision >= BARS.autoAcceptPrecision ? 'met' : '**not met**'} |`);
out(`| accuracy of the rest (sent to review) | ${pct(pooled.accuracyOfTheRest)} (${correct - acceptedCorrect}/${n - accepted.length}) | | |`);
out();
out(`| class | support | precision | recall | auto-accepted (of its images) | auto-accept precision |`);
out(`|---|---:|---:|---:|---:|---:|`);
for (const c of CLASSES) {
  const s = perClass[c]!;
  out(`| ${c} | ${s.support} | ${pct(s.precision)} | ${pct(s.recall)} | ${pct(s.autoAcceptShareOfSupport)} | ${s.autoAccepted ? `${pct(s.autoAcceptPrecision)} (${s.autoAccepted})` : 'none accepted'} |`);
}
out();
out(`Confusion (rows: truth, columns: predicted)`);
out();
out(`| | ${CLASSES.join(' | ')} |`);
out(`|---|${CLASSES.map(() => '---:').join('|')}|`);
for (const t of CLASSES) out(`| ${t} | ${CLASSES.map((p) => confusion[t]![p]).join(' | ')} |`);
out();
out(`Per fold (thresholds: calibrated confidence from which a class is auto-accepted; 1.01 = never)`);
out();
out(`| fold | train | test | accuracy | auto-accepted | precision | inner CV acc / share / prec | train s | other CPU | temperature | ${CLASSES.map((c) => `thr ${c}`).join(' | ')} |`);
out(`|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|${CLASSES.map(() => '---:').join('|')}|`);
for (const f of folds) {
  const v = f.innerValidation;
  out(`| ${f.fold} | ${f.train} | ${f.test} | ${pct(f.evaluation.accuracy)} | ${pct(f.evaluation.autoAcceptShare)} | ${f.evaluation.autoAcceptShare ? pct(f.evaluation.autoAcceptPrecision) : '-'} | ${pct(v.accuracy)} / ${pct(v.autoAcceptShare)} / ${v.autoAcceptShare ? pct(v.autoAcceptPrecision) : '-'} | ${f.trainSeconds.toFixed(1)} | ${f.otherCpuPct.toFixed(0)}% | ${f.temperature.toFixed(3)} | ${CLASSES.map((c) => (f.thresholds[c] === undefined ? '-' : f.thresholds[c]!.toFixed(3))).join(' | ')} |`);
}
out();
out(`## Throughput: the backbone through the vision pool (embedFiles, 4 images in flight; file read, SHA-256, sharp decode and resize on the main thread)`);
out();
out(`| run | images | model load s | wall s | images/s | ms/image | CPU ms/image | process CPU | other CPU |`);
out(`|---|---:|---:|---:|---:|---:|---:|---:|---:|`);
for (const [what, r] of [['2 threads, all images', full.t], [`2 threads, same ${subset.length} as below (warm)`, sub2.t], [`1 thread, ${subset.length} images`, sub1.t]] as const) {
  out(`| ${what} | ${r.images} | ${r.loadSeconds.toFixed(1)} | ${r.seconds.toFixed(1)} | ${fmt(r.imagesPerSecond)} | ${fmt(r.msPerImage)} | ${fmt(r.cpuMsPerImage)} | ${r.processCpuPct.toFixed(0)}% | ${r.otherCpuPct.toFixed(0)}% |`);
}
out();
out(`2 threads over 1 on the same ${subset.length} images: x${(sub2.t.imagesPerSecond / sub1.t.imagesPerSecond).toFixed(2)}. One image at a time on the warm 2-thread pool: p50 ${latencyP50.toFixed(0)} ms (${latencies.length} images).`);
out(`The head (classify, on the main thread): ${((1000 * classifyMs) / n).toFixed(0)} µs per image. Training: ${fmt(folds.reduce((s, f) => s + f.trainSeconds, 0) / folds.length)} s per fold on average (${folds.map((f) => f.trainSeconds.toFixed(1)).join(', ')}), one thread. Peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; load average at end ${loadAvg()}.`);
out();
out(`Bars: accuracy >= 90%: ${pass.accuracy ? 'PASS' : 'FAIL'}; auto-accept share >= 60% at precision >= 95%: ${pass.autoAccept ? 'PASS' : 'FAIL'}`);

const round = (x: number) => Math.round(x * 1e4) / 1e4;
console.log(JSON.stringify({
  bench: 'tagging-classifier', at: new Date().toISOString(), data: csv, limit: limit ?? null, classes: classCounts, leftOut, duplicates,
  defaults: { precisionTarget: TRAIN_DEFAULTS.precisionTarget, folds: TRAIN_DEFAULTS.folds, z: TRAIN_DEFAULTS.z, head: TRAIN_DEFAULTS.head },
  quality: {
    ...pooled, accuracy: round(pooled.accuracy), autoAcceptShare: round(pooled.autoAcceptShare), autoAcceptPrecision: round(pooled.autoAcceptPrecision),
    accuracyCi95: pooled.accuracyCi95.map(round), autoAcceptPrecisionCi95: pooled.autoAcceptPrecisionCi95.map(round), accuracyOfTheRest: round(pooled.accuracyOfTheRest),
    perClass: Object.fromEntries(Object.entries(perClass).map(([c, s]) => [c, { ...s, precision: round(s.precision), recall: round(s.recall), autoAcceptShareOfSupport: round(s.autoAcceptShareOfSupport), autoAcceptPrecision: round(s.autoAcceptPrecision) }])),
    confusion, pass,
  },
  folds: folds.map((f) => ({ ...f, trainSeconds: round(f.trainSeconds), otherCpuPct: round(f.otherCpuPct), temperature: round(f.temperature), thresholds: Object.fromEntries(Object.entries(f.thresholds).map(([k, v]) => [k, round(v)])) })),
  throughput: { all2: full.t, subset2: sub2.t, subset1: sub1.t, scaling: round(sub2.t.imagesPerSecond / sub1.t.imagesPerSecond), latencyP50Ms: round(latencyP50), classifyUsPerImage: round((1000 * classifyMs) / n) },
  machine: { cores: availableParallelism(), cpu: cpus()[0]?.model.trim(), node: process.version, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) },
}));
process.exit(0);

// ---------------------------------------------------------------- helpers

function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const m: Record<string, number> = {};
  for (const x of xs) m[key(x)] = (m[key(x)] ?? 0) + 1;
  return m;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
}

function loadAvg(): string {
  return loadavg().map((x) => x.toFixed(2)).join(' ');
}
