/**
 * Offline quality of the recommendation engine against its own baselines,
 * by the leave-one-out protocol of ../shared/data/README.md: full-ranking
 * HR/NDCG@5/10/20, sampled HR@10 and MRR, training seconds (tuning
 * included) and peak RSS. Each run is a child process so that its peak RSS
 * is its own. Then a synthetic 100,000-item / 1,000,000-interaction set
 * measures training time, model size, load time and serving latency.
 *
 *   npx tsx bench/recs-offline.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RecsModel, evaluateDataset, trainRecs, type Baseline, type UserSequence } from '../src/recs/index.js';
import { seededRandom } from '../src/recs/random.js';

const DATA = fileURLToPath(new URL('../../shared/data/recs/', import.meta.url));
const DATASETS = ['Toys_and_Games', 'Sports_and_Outdoors'];
const VARIANTS: (Baseline | 'model')[] = ['model', 'popularity', 'itemknn'];

async function child(dataset: string, variant: string): Promise<void> {
  const r = await evaluateDataset(`${DATA}${dataset}.txt`, variant === 'model' ? {} : { baseline: variant as Baseline });
  process.stdout.write(`${JSON.stringify({ ...r, rssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

function table(): void {
  const cols = ['HR@5', 'HR@10', 'HR@20', 'NDCG@5', 'NDCG@10', 'NDCG@20'];
  console.log(`| dataset | method | ${cols.join(' | ')} | sampled HR@10 | sampled MRR | train s | peak RSS MB |`);
  console.log(`|${'---|'.repeat(cols.length + 6)}`);
  for (const ds of DATASETS) {
    if (!existsSync(`${DATA}${ds}.txt`)) {
      console.log(`| ${ds} | skipped: ${DATA}${ds}.txt not found (the shared data sets live outside the repository) |`);
      continue;
    }
    for (const v of VARIANTS) {
      const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--one', ds, v], { encoding: 'utf8' });
      if (run.status !== 0) {
        console.log(`| ${ds} | ${v} | failed: ${run.stderr.trim().split('\n').pop()} |`);
        continue;
      }
      const r = JSON.parse(run.stdout.trim().split('\n').pop()!);
      const f = (x: number) => x.toFixed(4);
      console.log(`| ${ds} | ${v} | ${cols.map((c) => f(r.full[c])).join(' | ')} | ${f(r.sampled['HR@10'])} | ${f(r.sampled.MRR)} | ${r.seconds} | ${r.rssMB} |`);
    }
  }
}

function synthetic(): void {
  const items = 100_000;
  const random = seededRandom(7);
  const sequences: UserSequence[] = [];
  let total = 0;
  for (let u = 0; total < 1_000_000; u++) {
    const len = 3 + Math.floor(random() * 15);
    let cur = Math.floor(items * random() ** 3);
    const seq: string[] = [];
    for (let j = 0; j < len; j++) {
      // Half the steps follow a neighbour of the last item, half jump by popularity: some structure, much noise.
      cur = random() < 0.5 ? (cur + 1 + Math.floor(random() * 5)) % items : Math.floor(items * random() ** 3);
      seq.push(`sku-${cur}`);
    }
    total += len;
    sequences.push({ user: `u${u}`, items: seq });
  }
  const content = Array.from({ length: items }, (_, i) => ({ id: `sku-${i}`, tokens: [`brand:${i % 2000}`, `cat:${i % 300}`, `word:${(i * 7) % 5000}`, `word:${(i * 13) % 5000}`] }));
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const model = trainRecs({ sequences, content });
  const trainS = (performance.now() - t) / 1000;
  const bytes = model.serialize();
  t = performance.now();
  const loaded = RecsModel.load(bytes);
  const loadS = (performance.now() - t) / 1000;
  t = performance.now();
  const calls = 20_000;
  for (let c = 0; c < calls; c++) {
    const s = sequences[c]!.items.map((id) => loaded.indexOf(id));
    loaded.recommend(s, 10);
  }
  const perCall = ((performance.now() - t) * 1000) / calls;
  console.log(
    `\nsynthetic: ${items} items, ${total} interactions, ${sequences.length} users: trained in ${trainS.toFixed(1)} s (tuning included), ` +
      `model ${(bytes.length / 1e6).toFixed(1)} MB, load ${loadS.toFixed(2)} s, recommend(k=10) ${perCall.toFixed(0)} µs per call, ` +
      `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (RSS before training ${Math.round(rss0 / 1e6)} MB)`,
  );
}

if (process.argv[2] === '--one') await child(process.argv[3]!, process.argv[4]!);
else {
  table();
  synthetic();
}
