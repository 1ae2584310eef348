import { decodeModel, encodeModel } from './codec.js';
import type { BlendWeights } from './options.js';
import type { NeighbourLists } from './neighbours.js';
import { TopK } from './topk.js';
import type { Reason, Scored } from './types.js';

/** What a trained model knows about its own training, for the registry and the UI. */
export interface RecsStats {
  items: number;
  users: number;
  interactions: number;
  trainedAt: string;
  /** Validation metrics of the chosen blend (HR@10, NDCG@10), when it was tuned. */
  validation?: Record<string, number>;
  options: object;
}

/** Everything a model holds; serialised as typed arrays by codec.ts. */
export interface ModelData {
  ids: string[];
  pop: Float32Array;
  trend: Float32Array;
  popOrder: Int32Array;
  trendOrder: Int32Array;
  next: NeighbourLists;
  prev: NeighbourLists;
  co: NeighbourLists;
  content: NeighbourLists;
  basket: NeighbourLists;
  blend: BlendWeights;
  historyLength: number;
  stats: RecsStats;
}

const HISTORY = 0;
const SIMILAR = 1;
const BOUGHT = 2;
const REASONS: Reason[] = ['history', 'similar_to', 'bought_together'];
/** In boughtTogether, co-occurrence only fills in behind real co-purchases. */
const CO_FALLBACK = 0.01;
/** In similar, how much content counts next to co-occurrence (both scaled to 0..1 per item). */
const SIMILAR_CONTENT = 0.5;

/**
 * A trained recommender, ready to serve. Every query method works in
 * scratch arrays allocated once per model, so a call allocates O(k + the
 * candidates it touches), never O(items). The scratch makes a model
 * single-threaded: an `accept` callback must not call back into the same model.
 */
export class RecsModel {
  readonly itemCount: number;
  readonly stats: RecsStats;
  private readonly index = new Map<string, number>();
  private readonly popNorm: Float32Array;
  private scratch?: { score: Float64Array; best: Float32Array; kind: Uint8Array; mark: Uint8Array; touched: Int32Array };
  private touchedCount = 0;

  constructor(readonly data: ModelData) {
    this.itemCount = data.ids.length;
    this.stats = data.stats;
    data.ids.forEach((id, i) => this.index.set(id, i));
    let max = 0;
    for (const p of data.pop) if (p > max) max = p;
    this.popNorm = new Float32Array(this.itemCount);
    if (max > 0) data.pop.forEach((p, i) => (this.popNorm[i] = p / max));
  }

  /** Reads a model written by serialize(). */
  static load(bytes: Uint8Array): RecsModel {
    return new RecsModel(decodeModel(bytes));
  }

  /** The compact binary form: a JSON header and typed arrays. */
  serialize(): Uint8Array {
    return encodeModel(this.data);
  }

  itemId(i: number): string {
    const id = this.data.ids[i];
    if (id === undefined) throw new RangeError(`item index ${i} out of range 0..${this.itemCount - 1}`);
    return id;
  }

  /** The index of an item id, -1 when the model does not know it. */
  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /**
   * Next items for a history (item indices, oldest first; unknown ones as -1
   * are skipped): the top k accepted items, history excluded, filled up with
   * popular items when the neighbours run out.
   */
  recommend(history: readonly number[], k: number, accept?: (item: number) => boolean): Scored[] {
    if (k <= 0) return [];
    const s = this.accumulateHistory(history);
    for (const h of history) if (h >= 0 && h < this.itemCount) s.mark[h] = 2;
    const top = new TopK(k);
    for (let t = 0; t < this.touchedCount; t++) {
      const b = s.touched[t]!;
      if (s.mark[b] === 2 || !top.accepts(b, s.score[b]!)) continue;
      if (!accept || accept(b)) top.push(b, s.score[b]!);
    }
    this.fillFromOrder(top, this.data.popOrder, this.popNorm, this.data.blend.popularity, accept);
    const out = this.collect(top, (b) => (s.mark[b] === 1 ? REASONS[s.kind[b]!]! : 'popular'));
    for (const h of history) if (h >= 0 && h < this.itemCount) s.mark[h] = 0;
    this.clear();
    return out;
  }

  /** Items like `item`: co-occurrence neighbours and content neighbours; content alone covers items without history. */
  similar(item: number, k: number, accept?: (item: number) => boolean): Scored[] {
    return this.fromLists(item, k, accept, 'similar_to', [this.data.co, 1], [this.data.content, SIMILAR_CONTENT]);
  }

  /** Items bought with `item` (from baskets), then co-occurrence neighbours when baskets know too few. */
  boughtTogether(item: number, k: number, accept?: (item: number) => boolean): Scored[] {
    return this.fromLists(item, k, accept, 'bought_together', [this.data.basket, 1], [this.data.co, CO_FALLBACK]);
  }

  /** The most interacted-with items (weighted by event type). */
  popular(k: number, accept?: (item: number) => boolean): Scored[] {
    return this.walkOrder(this.data.popOrder, this.data.pop, k, 'popular', accept);
  }

  /** Popularity decayed by age relative to the newest training interaction. */
  trending(k: number, accept?: (item: number) => boolean): Scored[] {
    return this.walkOrder(this.data.trendOrder, this.data.trend, k, 'trending', accept);
  }

  /**
   * Writes the score of every item into `out` (history items -Infinity), for
   * offline evaluation's full ranking; the same scores recommend() ranks by.
   */
  scoreAll(history: readonly number[], out: Float64Array): Float64Array {
    const w = this.data.blend.popularity;
    for (let i = 0; i < this.itemCount; i++) out[i] = w * this.popNorm[i]!;
    const s = this.accumulateHistory(history);
    for (let t = 0; t < this.touchedCount; t++) out[s.touched[t]!] = s.score[s.touched[t]!]!;
    this.clear();
    for (const h of history) if (h >= 0 && h < this.itemCount) out[h] = -Infinity;
    return out;
  }

  private buffers() {
    const n = this.itemCount;
    this.scratch ??= { score: new Float64Array(n), best: new Float32Array(n), kind: new Uint8Array(n), mark: new Uint8Array(n), touched: new Int32Array(n) };
    return this.scratch;
  }

  private accumulateHistory(history: readonly number[]) {
    const s = this.buffers();
    const { blend } = this.data;
    const h = Math.min(this.data.historyLength, history.length);
    let w = 1;
    for (let k = 0; k < h; k++, w *= blend.historyDecay) {
      const a = history[history.length - 1 - k]!;
      if (!(a >= 0 && a < this.itemCount)) continue;
      this.addList(this.data.next, a, w * blend.sequential, HISTORY, blend.popularity);
      this.addList(this.data.prev, a, w * blend.preceding, HISTORY, blend.popularity);
      this.addList(this.data.co, a, w * blend.cooccurrence, HISTORY, blend.popularity);
      this.addList(this.data.content, a, w * blend.content, SIMILAR, blend.popularity);
      this.addList(this.data.basket, a, w * blend.basket, BOUGHT, blend.popularity);
    }
    return s;
  }

  // Adds one item's neighbour list, times w, to the scratch scores; the largest contribution names the reason.
  private addList(l: NeighbourLists, a: number, w: number, kind: number, base: number): void {
    if (w === 0) return;
    const s = this.scratch!;
    for (let j = l.offsets[a]!, end = l.offsets[a + 1]!; j < end; j++) {
      const b = l.idx[j]!;
      if (s.mark[b] === 0) {
        s.mark[b] = 1;
        s.touched[this.touchedCount++] = b;
        s.score[b] = base * this.popNorm[b]!;
        s.best[b] = 0;
      }
      const c = w * l.val[j]!;
      s.score[b]! += c;
      if (c > s.best[b]!) {
        s.best[b] = c;
        s.kind[b] = kind;
      }
    }
  }

  private clear(): void {
    const s = this.scratch!;
    for (let t = 0; t < this.touchedCount; t++) {
      s.mark[s.touched[t]!] = 0;
      s.score[s.touched[t]!] = 0;
    }
    this.touchedCount = 0;
  }

  // Tops the heap up with items in `order` (best first) that were not touched, scored weight * value.
  private fillFromOrder(top: TopK, order: Int32Array, value: Float32Array, weight: number, accept?: (item: number) => boolean): void {
    const mark = this.scratch!.mark;
    for (const b of order) {
      if (mark[b] !== 0) continue;
      const score = weight * value[b]!;
      if (!top.accepts(b, score)) {
        // The order is by value, so nothing later can be kept either, unless the weight makes all scores equal.
        if (top.size === top.k) break;
        continue;
      }
      if (!accept || accept(b)) top.push(b, score);
    }
  }

  private fromLists(item: number, k: number, accept: ((item: number) => boolean) | undefined, reason: Reason, ...lists: [NeighbourLists, number][]): Scored[] {
    if (k <= 0 || !(item >= 0 && item < this.itemCount)) return [];
    const s = this.buffers();
    for (const [l, w] of lists) this.addList(l, item, w, HISTORY, 0);
    const top = new TopK(k);
    for (let t = 0; t < this.touchedCount; t++) {
      const b = s.touched[t]!;
      if (b === item || !top.accepts(b, s.score[b]!)) continue;
      if (!accept || accept(b)) top.push(b, s.score[b]!);
    }
    const out = this.collect(top, () => reason);
    this.clear();
    return out;
  }

  private walkOrder(order: Int32Array, value: Float32Array, k: number, reason: Reason, accept?: (item: number) => boolean): Scored[] {
    const out: Scored[] = [];
    for (let j = 0; j < order.length && out.length < k; j++) {
      const b = order[j]!;
      if (!accept || accept(b)) out.push({ item: b, score: value[b]!, reason });
    }
    return out;
  }

  private collect(top: TopK, reasonOf: (item: number) => Reason): Scored[] {
    return top.sortedSlots().map((slot) => {
      const item = top.items[slot]!;
      return { item, score: top.scores[slot]!, reason: reasonOf(item) };
    });
  }
}

