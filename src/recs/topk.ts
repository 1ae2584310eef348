/**
 * The k best (item, score) pairs seen so far, in a binary min-heap of fixed
 * size: selecting from thousands of candidates costs O(n log k) and
 * allocates only O(k). Ties go to the smaller index (deterministic output).
 */
export class TopK {
  readonly items: Int32Array;
  readonly scores: Float64Array;
  size = 0;

  constructor(readonly k: number) {
    this.items = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /** The worst score kept, once full. */
  get min(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  /** Whether (item, score) would be kept. */
  accepts(item: number, score: number): boolean {
    return this.size < this.k || this.better(item, score, 0);
  }

  push(item: number, score: number): void {
    if (this.k === 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.better(this.items[parent]!, this.scores[parent]!, -1, item, score)) break;
        this.items[i] = this.items[parent]!;
        this.scores[i] = this.scores[parent]!;
        i = parent;
      }
      this.items[i] = item;
      this.scores[i] = score;
      return;
    }
    if (!this.better(item, score, 0)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.better(this.items[l]!, this.scores[l]!, -1, this.items[r]!, this.scores[r]!) ? r : l;
      if (!this.better(item, score, -1, this.items[c]!, this.scores[c]!)) break;
      this.items[i] = this.items[c]!;
      this.scores[i] = this.scores[c]!;
      i = c;
    }
    this.items[i] = item;
    this.scores[i] = score;
  }

  /** Heap slots, best first: read items[slot] and scores[slot]. */
  sortedSlots(): number[] {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.scores[b]! - this.scores[a]! || this.items[a]! - this.items[b]!);
    return order;
  }

  // Whether (item, score) ranks above the heap slot `at`, or above (otherItem, otherScore) when at is -1.
  private better(item: number, score: number, at: number, otherItem?: number, otherScore?: number): boolean {
    const oi = at >= 0 ? this.items[at]! : otherItem!;
    const os = at >= 0 ? this.scores[at]! : otherScore!;
    return score > os || (score === os && item < oi);
  }
}
