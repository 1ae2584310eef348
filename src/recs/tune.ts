import { ndcgAt, hitAt } from './metrics.js';
import type { RecsModel } from './model.js';
import type { BlendWeights } from './options.js';

/** A validation case over item indices. */
export interface IndexedCase {
  history: number[];
  target: number;
}

/** HR@10 and NDCG@10 of the model's current blend on the cases, ranked by recommend() exactly as served. */
export function validate(model: RecsModel, cases: readonly IndexedCase[]): { 'HR@10': number; 'NDCG@10': number } {
  let hr = 0;
  let ndcg = 0;
  for (const c of cases) {
    const rank = c.target < 0 ? -1 : model.recommend(c.history, 10).findIndex((s) => s.item === c.target);
    if (rank < 0) continue;
    hr += hitAt(rank, 10);
    ndcg += ndcgAt(rank, 10);
  }
  const n = Math.max(1, cases.length);
  return { 'HR@10': hr / n, 'NDCG@10': ndcg / n };
}

const SCALES = [0, 0.25, 0.5, 2, 4];
const DECAYS = [0.3, 0.45, 0.6, 0.75, 0.9];

/**
 * Coordinate descent on the blend, maximising validation NDCG@10: each
 * weight in turn is tried at a few multiples of its value (and 0, which
 * turns a signal off), keeping any change that helps; two rounds. The
 * sequential weight stays at its value as the scale the others are relative
 * to. Mutates the model's blend and returns the metrics before and after.
 */
export function tuneBlend(model: RecsModel, cases: readonly IndexedCase[], tunable: (keyof BlendWeights)[], onProgress?: (done: number, total: number) => void): Record<string, number> {
  const blend = model.data.blend;
  const before = validate(model, cases);
  let best = before['NDCG@10'];
  const total = 2 * tunable.length;
  let done = 0;
  for (let round = 0; round < 2; round++) {
    for (const key of tunable) {
      const start = blend[key];
      const values = key === 'historyDecay' ? DECAYS : SCALES.map((s) => (start === 0 ? s * 0.1 : s * start));
      let bestValue = start;
      for (const v of values) {
        if (v === start) continue;
        blend[key] = v;
        const score = validate(model, cases)['NDCG@10'];
        if (score > best + 1e-6) {
          best = score;
          bestValue = v;
        }
      }
      blend[key] = bestValue;
      onProgress?.(++done, total);
    }
  }
  const after = validate(model, cases);
  return { 'HR@10 before': before['HR@10'], 'NDCG@10 before': before['NDCG@10'], 'HR@10': after['HR@10'], 'NDCG@10': after['NDCG@10'], cases: cases.length };
}
