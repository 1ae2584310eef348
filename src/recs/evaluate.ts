import { readFile } from 'node:fs/promises';
import { attributesPath, readAttributes, splitSequences } from './dataset.js';
import { MetricSums, fullRank, sampledRank } from './metrics.js';
import type { TrainOptions } from './options.js';
import { seededRandom } from './random.js';
import type { RecsModel } from './model.js';
import { trainRecs } from './train.js';
import type { ProgressFn } from './types.js';

/** Offline metrics of one model on one data set. */
export interface EvaluationResult {
  full: { 'HR@5': number; 'HR@10': number; 'HR@20': number; 'NDCG@5': number; 'NDCG@10': number; 'NDCG@20': number };
  sampled: { 'HR@1': number; 'HR@5': number; 'HR@10': number; 'NDCG@5': number; 'NDCG@10': number; MRR: number };
  users: number;
  /** Training time, tuning included. */
  seconds: number;
}

/**
 * A trained model's full-ranking HR and NDCG at 5, 10 and 20 on held-out
 * next items (a user's history, then the item that came next), the same
 * measure as `evaluateDataset`'s `full`; a target the model does not know
 * counts as a miss.
 */
export function evaluateCases(model: RecsModel, cases: ReadonlyArray<{ items: readonly string[]; target: string }>, seed = 42): { metrics: Record<string, number>; users: number } {
  const random = seededRandom(seed);
  const sums = new MetricSums();
  const scores = new Float64Array(model.itemCount);
  for (const c of cases) {
    const target = model.indexOf(c.target);
    if (target < 0) {
      sums.addFull(Infinity);
      continue;
    }
    model.scoreAll(c.items.map((id) => model.indexOf(id)).filter((i) => i >= 0), scores);
    sums.addFull(fullRank(scores, target, random));
  }
  return { metrics: sums.means(cases.length), users: cases.length };
}

/** Baselines evaluateDataset can train instead of the full blend, through the same code. */
export type Baseline = 'popularity' | 'itemknn';

const BASELINES: Record<Baseline, TrainOptions> = {
  // Training-split counts only: counting the test items would leak the answer.
  popularity: { sequential: 0, preceding: 0, cooccurrence: 0, content: 0, basket: 0, popularity: 1, tune: false },
  // Classic item-kNN: cosine over the users' whole sequences, no position decay, summed over the whole history.
  itemknn: { sequential: 0, preceding: 0, cooccurrence: 1, content: 0, basket: 0, popularity: 0, coDecay: 1, coSpan: 200, historyLength: 200, historyDecay: 1, tune: false },
};

const NEGATIVES = 99;

/**
 * Trains with trainRecs on a `user item item ...` file by leave-one-out
 * (statistics from s[:-2], tuning on s[-2], test on s[-1] with query s[:-1])
 * and returns full-ranking and sampled metrics. Reads `X_item2attributes.json`
 * beside `X.txt` as content when present.
 */
export async function evaluateDataset(path: string, options: TrainOptions & { baseline?: Baseline } = {}, onProgress?: ProgressFn): Promise<EvaluationResult> {
  const { baseline, ...rest } = options;
  const split = splitSequences(await readFile(path, 'utf8'));
  const content = await readAttributes(attributesPath(path), split.items);
  const started = performance.now();
  const model = trainRecs({ sequences: split.train, content, validation: split.validation }, { ...rest, ...(baseline ? BASELINES[baseline] : {}) }, onProgress);
  const seconds = Math.round((performance.now() - started) / 10) / 100;

  const random = seededRandom(rest.seed ?? 42);
  const full = new MetricSums();
  const sampled = new MetricSums();
  const scores = new Float64Array(model.itemCount);
  const own = new Uint8Array(model.itemCount);
  const negatives: number[] = [];
  split.test.forEach((t, u) => {
    const history = t.items.map((id) => model.indexOf(id));
    const target = model.indexOf(t.target);
    model.scoreAll(history, scores);
    full.addFull(fullRank(scores, target, random));
    const all = t.all.map((id) => model.indexOf(id));
    for (const i of all) own[i] = 1;
    negatives.length = 0;
    while (negatives.length < NEGATIVES && negatives.length < model.itemCount - all.length) {
      const j = Math.floor(random() * model.itemCount);
      if (!own[j]) negatives.push(j);
    }
    for (const i of all) own[i] = 0;
    sampled.addSampled(sampledRank(scores, target, negatives, random));
    if (onProgress && (u % 2000 === 0 || u === split.test.length - 1)) onProgress('evaluate', u + 1, split.test.length);
  });
  const users = split.test.length;
  return { full: full.means(users) as EvaluationResult['full'], sampled: sampled.means(users) as EvaluationResult['sampled'], users, seconds };
}
