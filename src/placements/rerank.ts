import type { Scored } from '../recs/index.js';
import type { ItemRecord } from './item-table.js';

/**
 * The per-candidate features a re-ranking model receives, in tensor column
 * order: one FP32 row of RERANK_WIDTH values per candidate, so the input is
 * `[candidates, 7]`. Each is scaled to about [0, 1] so a model trained in a
 * notebook on logged features needs no extra preprocessing.
 */
export const RERANK_FEATURES = [
  'baseScore', // the placement's own score, divided by its best candidate's
  'popularity', // the model's interaction count for the item, divided by the most popular item's
  'recency', // exp(-days since the item entered the catalogue / 30)
  'price', // log10(1 + price amount) / 6 (0 when the item has no price)
  'categoryMatch', // 1 when the item is in a category of the context (the query's, the context items', the history's)
  'affinity', // the share of the shopper's recent history in the item's category
  'position', // the candidate's rank before re-ranking, divided by the number of candidates
] as const;
export const RERANK_WIDTH = RERANK_FEATURES.length;

/** What a recommender's `rerank` says: the endpoint, how many top candidates it re-orders, and how long it may take. */
export interface RerankConfig {
  endpoint: string;
  topK: number;
  budgetMs: number;
}

export const DEFAULT_TOP_K = 50;
export const DEFAULT_BUDGET_MS = 20;

/** What the features are computed from, beside each candidate's record. */
export interface FeatureContext {
  popularity: (item: number) => number;
  categories: ReadonlySet<string>;
  /** Recent history items' categories, with counts. */
  history: ReadonlyMap<string, number>;
  historyLength: number;
  now: number;
}

/** One row per candidate, in the documented order (RERANK_FEATURES). */
export function rerankFeatures(candidates: ReadonlyArray<{ item: number; score: number }>, records: ReadonlyArray<ItemRecord | undefined>, ctx: FeatureContext): number[][] {
  const top = candidates[0]?.score || 1;
  return candidates.map((c, position) => {
    const r = records[c.item];
    const created = r ? Date.parse(r.createTime) : NaN;
    const days = Number.isFinite(created) ? Math.max(0, (ctx.now - created) / 86_400_000) : 365;
    return [
      c.score / top,
      ctx.popularity(c.item),
      Math.exp(-days / 30),
      r?.price ? Math.log10(1 + r.price.amount) / 6 : 0,
      r && ctx.categories.has(r.category) ? 1 : 0,
      r && ctx.historyLength > 0 ? (ctx.history.get(r.category) ?? 0) / ctx.historyLength : 0,
      position / candidates.length,
    ];
  });
}

/**
 * A score per row from a model's predictions: a number, a one-element array
 * (a sigmoid's `[p]`), or a class-probability array (the last class, the
 * positive one, as scikit-learn orders a binary classifier's). A model with
 * several outputs answers an object per row: its output named like a
 * probability or a score is read (skl2onnx's `probabilities` beside its
 * `label`), or its only output. Undefined when a prediction is none of these.
 */
export function scoresOf(predictions: unknown[], rows: number): Float64Array | undefined {
  if (predictions.length !== rows) return undefined;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let p = predictions[i];
    if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
      const entries = Object.entries(p as Record<string, unknown>);
      p = (entries.find(([k]) => /prob|score/i.test(k)) ?? (entries.length === 1 ? entries[0] : undefined))?.[1];
    }
    if (Array.isArray(p)) p = p[p.length - 1];
    if (typeof p !== 'number' || !Number.isFinite(p)) return undefined;
    out[i] = p;
  }
  return out;
}

/**
 * The candidates ordered by the model's scores (ties keep their order), the
 * rest after them in their order. Scores stay comparable for the rules that
 * follow (boosts multiply them): the re-ranked ones carry the model's score,
 * the rest are scaled under the lowest of those; when the model's scores are
 * not all positive (a logit), every candidate gets 1 / (1 + its new rank).
 */
export function reorder<T extends { item: number; score: number }>(candidates: T[], scores: Float64Array): T[] {
  const head = candidates.slice(0, scores.length).map((c, i) => ({ c, s: scores[i]!, i }));
  head.sort((a, b) => b.s - a.s || a.i - b.i);
  const tail = candidates.slice(scores.length);
  const lowest = head.length > 0 ? head[head.length - 1]!.s : 0;
  if (!(lowest > 0)) return [...head.map((h) => h.c), ...tail].map((c, rank) => ({ ...c, score: 1 / (1 + rank) }));
  const tailTop = tail[0]?.score || 1;
  return [...head.map((h) => ({ ...h.c, score: h.s })), ...tail.map((c) => ({ ...c, score: tailTop > 0 ? (lowest / 2) * (c.score / tailTop) : lowest / 2 }))];
}
