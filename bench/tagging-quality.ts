/**
 * How well the tagging analyzers catch what the channels refuse, on generated
 * images with known truth (bench/tagging/images.ts): precision and recall per
 * flag (promotional overlay, watermark, blur, coloured background, low
 * resolution, near-duplicate) and the colour family's accuracy. The target is
 * 0.9 or better for each.
 *   npx tsx bench/tagging-quality.ts          (BENCH_PER_FLAG, default 40)
 */
import { analyzeImage, type Analysis } from '../src/tagging/analyze.js';
import { nearDuplicates } from '../src/tagging/duplicates.js';
import { DEFAULT_RULES } from '../src/tagging/rules.js';
import { TextReader } from '../src/tagging/text-reader.js';
import { generate, type Flag } from './tagging/images.js';

const perFlag = Number(process.env.BENCH_PER_FLAG ?? 40);
const samples = await generate(perFlag);
const reader = new TextReader();
const analyses = new Map<string, Analysis>();
let next = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: 4 }, async () => {
  while (next < samples.length) {
    const s = samples[next++]!;
    analyses.set(s.id, await analyzeImage(s.bytes, DEFAULT_RULES, reader));
  }
}));
await reader.close();
const seconds = (performance.now() - t0) / 1000;
const failed = (a: Analysis, name: string) => a.checks.some((c) => c.name === name && !c.passed);
const tag = (a: Analysis, name: string) => a.tags.find((t) => t.name === name)?.value;
const dupes = await nearDuplicates(samples.map((s) => ({ item: s.id, ...analyses.get(s.id)!.fingerprint! })));
const predicted: Record<Flag, (id: string, a: Analysis) => boolean> = {
  promo: (_, a) => failed(a, 'google.no_promotional_overlay'),
  watermark: (_, a) => failed(a, 'google.no_watermark'),
  blur: (_, a) => failed(a, 'sharp_focus'),
  background: (_, a) => tag(a, 'background') !== 'white',
  lowres: (_, a) => failed(a, 'google.min_size'),
  duplicate: (id) => (dupes.get(id) ?? []).length > 0,
};
console.log(`${samples.length} images (${perFlag} per flag, ${perFlag} clean, ${perFlag} shade swaps) analysed in ${seconds.toFixed(1)} s with OCR, 4 in flight`);
console.log('flag        precision  recall  (tp fp fn)');
for (const flag of Object.keys(predicted) as Flag[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of samples) {
    const truth = s.flags.has(flag);
    const said = predicted[flag](s.id, analyses.get(s.id)!);
    if (truth && said) tp++;
    else if (said) fp++;
    else if (truth) fn++;
  }
  const p = tp + fp === 0 ? 1 : tp / (tp + fp);
  const r = tp + fn === 0 ? 1 : tp / (tp + fn);
  console.log(`${flag.padEnd(11)} ${p.toFixed(3).padStart(9)}  ${r.toFixed(3).padStart(6)}  (${tp} ${fp} ${fn})`);
}
const coloured = samples.filter((s) => !s.flags.has('blur'));
const right = coloured.filter((s) => tag(analyses.get(s.id)!, 'colour_family') === s.family).length;
console.log(`colour family accuracy ${(right / coloured.length).toFixed(3)} (${right}/${coloured.length}, blurred images left out)`);
const misses = coloured.filter((s) => tag(analyses.get(s.id)!, 'colour_family') !== s.family).slice(0, 8).map((s) => `${s.id}: ${s.family} read as ${tag(analyses.get(s.id)!, 'colour_family')}`);
if (misses.length) console.log('colour misses:', misses.join('; '));
if (process.env.BENCH_VERBOSE) {
  for (const flag of Object.keys(predicted) as Flag[]) {
    const wrong = samples.filter((s) => s.flags.has(flag) !== predicted[flag](s.id, analyses.get(s.id)!)).map((s) => s.id);
    if (wrong.length) console.log(`${flag} wrong on:`, wrong.slice(0, 12).join(' '));
  }
}
if (process.env.BENCH_VERBOSE) {
  const fps = samples.filter((s) => !s.flags.has('duplicate') && (dupes.get(s.id) ?? []).length > 0).slice(0, 6);
  for (const s of fps) console.log('dup fp', s.id, '->', dupes.get(s.id)!.join(' '));
}
