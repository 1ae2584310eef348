/**
 * Ranking metrics for leave-one-out evaluation. A rank is 0-based: 0 means
 * the target came first. Ties are broken at random, as the protocol asks: a
 * model that gives many items the same score must not profit from the order
 * they happen to be stored in.
 */

/** 1 when the target is in the top k. */
export function hitAt(rank: number, k: number): number {
  return rank < k ? 1 : 0;
}

/** NDCG@k with one relevant item: 1 / log2(rank + 2) inside the top k. */
export function ndcgAt(rank: number, k: number): number {
  return rank < k ? 1 / Math.log2(rank + 2) : 0;
}

/**
 * The target's rank among all items by score; items scored -Infinity (the
 * history) are out of the ranking, and so is a target that is one of them
 * (rank Infinity: a miss).
 */
export function fullRank(scores: Float64Array, target: number, random: () => number): number {
  const t = scores[target]!;
  if (t === -Infinity) return Infinity;
  let above = 0;
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s > t) above++;
    else if (s === t && i !== target) ties++;
  }
  return above + Math.floor(random() * (ties + 1));
}

/** The target's rank among itself and the sampled negatives. */
export function sampledRank(scores: Float64Array, target: number, negatives: readonly number[], random: () => number): number {
  const t = scores[target]!;
  if (t === -Infinity) return Infinity;
  let above = 0;
  let ties = 0;
  for (const i of negatives) {
    const s = scores[i]!;
    if (s > t) above++;
    else if (s === t) ties++;
  }
  return above + Math.floor(random() * (ties + 1));
}

/** Sums of per-user metrics, averaged at the end. */
export class MetricSums {
  private readonly sums = new Map<string, number>();
  users = 0;

  /** Adds one user's full-ranking rank: HR and NDCG at 5, 10, 20. */
  addFull(rank: number): void {
    for (const k of [5, 10, 20]) {
      this.add(`HR@${k}`, hitAt(rank, k));
      this.add(`NDCG@${k}`, ndcgAt(rank, k));
    }
  }

  /** Adds one user's rank among 100 (target plus 99 negatives): HR@1/5/10, NDCG@5/10, MRR. */
  addSampled(rank: number): void {
    for (const k of [1, 5, 10]) this.add(`HR@${k}`, hitAt(rank, k));
    for (const k of [5, 10]) this.add(`NDCG@${k}`, ndcgAt(rank, k));
    this.add('MRR', Number.isFinite(rank) ? 1 / (rank + 1) : 0);
  }

  /** Means over `users`, rounded to 4 decimals. */
  means(users: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.sums) out[k] = users > 0 ? Math.round((v / users) * 1e4) / 1e4 : 0;
    return out;
  }

  private add(key: string, v: number): void {
    this.sums.set(key, (this.sums.get(key) ?? 0) + v);
  }
}
