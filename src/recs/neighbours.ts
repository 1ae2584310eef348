/**
 * Per-item neighbour lists in compressed sparse rows: the neighbours of item
 * i are idx[offsets[i] .. offsets[i + 1]) with weights val[...], best first.
 * Typed arrays keep 100,000 items' lists compact and quick to load.
 */
export interface NeighbourLists {
  offsets: Uint32Array;
  idx: Int32Array;
  val: Float32Array;
}

/** Lists with no neighbours for n items. */
export function emptyLists(n: number): NeighbourLists {
  return { offsets: new Uint32Array(n + 1), idx: new Int32Array(0), val: new Float32Array(0) };
}

/**
 * Accumulates one item's neighbour scores in a dense scratch array, then keeps
 * its best `keep`. Items are committed in index order. The scratch array is
 * reused for every item, so building costs O(items) memory plus the lists.
 */
export class ListBuilder {
  private readonly score: Float64Array;
  private readonly touched: Int32Array;
  private count = 0;
  private readonly offsets: Uint32Array;
  private idx: Int32Array;
  private val: Float32Array;
  private size = 0;

  constructor(
    private readonly n: number,
    private readonly keep: number,
  ) {
    this.score = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.offsets = new Uint32Array(n + 1);
    this.idx = new Int32Array(Math.max(1024, Math.min(n * 8, 1 << 22)));
    this.val = new Float32Array(this.idx.length);
  }

  add(item: number, value: number): void {
    if (this.score[item] === 0) this.touched[this.count++] = item;
    this.score[item]! += value;
  }

  /**
   * Ends item `a`: drops `a` itself, rescales each score with `transform` when
   * given (cosine normalisation needs both items), keeps the best, and
   * divides them by the best one when `normaliseMax`.
   */
  commit(a: number, transform?: (b: number, v: number) => number, normaliseMax = false): void {
    const { score, touched } = this;
    let m = 0;
    for (let t = 0; t < this.count; t++) {
      const b = touched[t]!;
      const v = score[b]!;
      score[b] = 0;
      if (b === a || !(v > 0)) continue;
      const w = transform ? transform(b, v) : v;
      if (w > 0) {
        touched[m] = b;
        this.tmp(m, w);
        m++;
      }
    }
    this.count = 0;
    const order = topIndices(this.tmpVal, m, this.keep);
    this.reserve(this.size + order.length);
    const best = order.length > 0 && normaliseMax ? this.tmpVal[order[0]!]! : 1;
    for (const o of order) {
      this.idx[this.size] = touched[o]!;
      this.val[this.size] = this.tmpVal[o]! / best;
      this.size++;
    }
    this.offsets[a + 1] = this.size;
  }

  /** The lists; items never committed have none. */
  finish(): NeighbourLists {
    for (let i = 1; i <= this.n; i++) if (this.offsets[i]! < this.offsets[i - 1]!) this.offsets[i] = this.offsets[i - 1]!;
    return { offsets: this.offsets, idx: this.idx.slice(0, this.size), val: this.val.slice(0, this.size) };
  }

  private tmpVal = new Float64Array(1024);
  private tmp(m: number, w: number): void {
    if (m >= this.tmpVal.length) {
      const next = new Float64Array(Math.min(this.n, this.tmpVal.length * 2) + 1);
      next.set(this.tmpVal);
      this.tmpVal = next;
    }
    this.tmpVal[m] = w;
  }

  private reserve(size: number): void {
    if (size <= this.idx.length) return;
    const cap = Math.max(size, this.idx.length * 2);
    const idx = new Int32Array(cap);
    idx.set(this.idx);
    const val = new Float32Array(cap);
    val.set(this.val);
    this.idx = idx;
    this.val = val;
  }
}

/** Positions of the `keep` largest of values[0..m), largest first (ties: the lower position first). */
export function topIndices(values: Float64Array, m: number, keep: number): number[] {
  // x ranks before y: a larger value, or the same value at a lower position.
  const before = (x: number, y: number) => values[x]! > values[y]! || (values[x] === values[y] && x < y);
  if (m <= keep) {
    const all = Array.from({ length: m }, (_, i) => i);
    return all.sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
  }
  // A heap of the best `keep` seen so far, the worst at the root: O(m log keep), not a sort of all m.
  // Popular items co-occur with tens of thousands of others, and sorting them all dominated training.
  const heap = new Int32Array(keep);
  for (let i = 0; i < keep; i++) {
    heap[i] = i;
    siftUp(heap, i, before);
  }
  for (let i = keep; i < m; i++) {
    if (!before(i, heap[0]!)) continue;
    heap[0] = i;
    siftDown(heap, keep, before);
  }
  return Array.from(heap).sort((x, y) => (before(x, y) ? -1 : before(y, x) ? 1 : 0));
}

/** Restores the heap upwards from `i` (the root holds the item ranking last). */
function siftUp(heap: Int32Array, i: number, before: (x: number, y: number) => boolean): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[parent]!, heap[i]!)) return;
    const t = heap[parent]!;
    heap[parent] = heap[i]!;
    heap[i] = t;
    i = parent;
  }
}

/** Restores the heap downwards from the root. */
function siftDown(heap: Int32Array, size: number, before: (x: number, y: number) => boolean): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let worst = i;
    if (l < size && before(heap[worst]!, heap[l]!)) worst = l;
    if (r < size && before(heap[worst]!, heap[r]!)) worst = r;
    if (worst === i) return;
    const t = heap[worst]!;
    heap[worst] = heap[i]!;
    heap[i] = t;
    i = worst;
  }
}
