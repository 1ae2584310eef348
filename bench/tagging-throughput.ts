/**
 * Image analysis throughput on 1000x1000 images, as a tagging run analyses
 * them (4 in flight: sharp decodes on libuv's threads, OCR on one worker
 * thread per core): without OCR, with OCR, and with OCR and the safe-content
 * model, in images per second, with the process's peak memory.
 *   npx tsx bench/tagging-throughput.ts        (BENCH_IMAGES, default 200)
 */
import { availableParallelism } from 'node:os';
import { analyzeImage } from '../src/tagging/analyze.js';
import { DEFAULT_RULES } from '../src/tagging/rules.js';
import type { SafetyScores } from '../src/tagging/safety.js';
import { VisionPool } from '../src/tagging/vision/pool.js';
import { TextReader } from '../src/tagging/text-reader.js';
import { generate } from './tagging/images.js';

const count = Number(process.env.BENCH_IMAGES ?? 200);
const samples = (await generate(Math.ceil(count / 8))).filter((s) => !s.id.startsWith('lowres')).slice(0, count);
console.log(`${samples.length} generated 1000x1000 JPEG packshots (some with text, blur, backgrounds); ${availableParallelism()} cores; Node ${process.version}`);

async function pass(label: string, reader?: TextReader, pool?: VisionPool): Promise<void> {
  const safety = (bytes: Buffer) => (pool ? async (): Promise<SafetyScores> => (await pool.see(bytes)).safety : undefined);
  // Warm: the OCR pool and the model load once per process, not per image.
  await analyzeImage(samples[0]!.bytes, DEFAULT_RULES, reader, safety(samples[0]!.bytes));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < samples.length) {
      const b = samples[next++]!.bytes;
      await analyzeImage(b, DEFAULT_RULES, reader, safety(b));
    }
  }));
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(28)} ${(samples.length / s).toFixed(1).padStart(6)} images/s  (${s.toFixed(1)} s)  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

await pass('no OCR, no safety model');
const reader = new TextReader();
await pass('OCR', reader);
// The safety model shares its pass with the classifier's embeddings, on one vision thread per core.
const pool = new VisionPool();
await pass('OCR and safety model', reader, pool);
await Promise.all([reader.close(), pool.close()]);
