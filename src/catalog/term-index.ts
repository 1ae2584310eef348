import { boundedDistance } from './edit-distance.js';
import { bitCount, intersect, NONE, scored, union, type Scored } from './scored.js';
import { indexTerm, words } from './text.js';

/** BM25+ as MiniSearch (which this replaces) and Lucene score a term in a field. */
const K = 1.2;
const B = 0.7;
const D = 0.5;
/** A typo or unfinished word counts for less than the word itself (MiniSearch's weights, which the relevance tests were tuned with). */
const FUZZY_WEIGHT = 0.45;
const PREFIX_WEIGHT = 0.375;
/** Fields per item; a posting entry keeps its field in the high byte of `meta`, the term's count in the low one. */
const FIELDS = 4;

/** The items holding one term: slots ascending (an item's fields adjacent), live items per field, entries of removed items not yet swept. */
interface Posting {
  slots: Int32Array;
  meta: Uint16Array;
  n: number;
  df: Int32Array;
  dead: number;
}

/** A query term: exact, or also its typos (`fuzzy` edits) and longer words it begins (`prefix`); `bit` says which query term it is. */
export interface QueryWord {
  kind: 'word';
  term: string;
  bit: number;
  fuzzy: number;
  prefix: boolean;
}

/** Parts every item must match (`and`), or any (`or`). */
export interface QueryGroup {
  kind: 'and' | 'or';
  parts: QueryNode[];
}

export type QueryNode = QueryWord | QueryGroup;

function grow<T extends Int32Array | Uint16Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

/**
 * A full-text index over items' fields, built for the query-to-category
 * match: a posting list per term (typed arrays, ascending item slots), so an
 * AND of words is a merge of sorted runs starting from the rarest, and a word
 * held by most of the catalogue costs a linear pass over numbers, not an
 * object per item. Scores are BM25+ per field times the field's boost, summed
 * over fields and words, times the number of query terms matched.
 *
 * An item gets a new slot each time its text changes; the old slot is marked
 * dead, its postings' counts fall at once and their entries are swept when
 * dead ones are half of a list; the slots are renumbered when dead ones are
 * half of all.
 */
export class TermIndex {
  private readonly postings = new Map<string, Posting>();
  private prefixOrder: string[] | undefined;
  private readonly slotOf = new Map<string, number>();
  private ids: Array<string | undefined> = [];
  private alive = new Uint8Array(0);
  private groups = new Int32Array(0);
  private fieldLen = new Uint16Array(0);
  /** Each slot's postings and fields (from `refStart[slot]`, `refCount[slot]` of them), to take a removed item out of the counts. */
  private refs: Posting[] = [];
  private refField = new Uint8Array(0);
  private refStart = new Int32Array(0);
  private refCount = new Uint16Array(0);
  private readonly totals = new Float64Array(FIELDS);
  private next = 0;
  private live = 0;

  /** `boosts`: one per field, in the order `put` receives the fields. */
  constructor(private readonly boosts: readonly number[]) {}

  get size(): number {
    return this.live;
  }

  /** Whether a term was ever indexed (never shrinks: a term whose items all went only misses its typo neighbours). */
  has(term: string): boolean {
    return this.postings.has(term);
  }

  /** The id of a slot a search returned. */
  idOf(slot: number): string {
    return this.ids[slot]!;
  }

  /** The group (category number) `put` gave a slot's item. */
  groupOf(slot: number): number {
    return this.groups[slot]!;
  }

  /** Indexes an item's fields (replacing what it had), with the group search results report it in. */
  put(id: string, fields: readonly string[], group: number): void {
    this.remove(id);
    const slot = this.next++;
    this.live++;
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.alive = grow(this.alive, slot + 1);
    this.groups = grow(this.groups, slot + 1);
    this.fieldLen = grow(this.fieldLen, (slot + 1) * FIELDS);
    this.refStart = grow(this.refStart, slot + 1);
    this.refCount = grow(this.refCount, slot + 1);
    this.alive[slot] = 1;
    this.groups[slot] = group;
    this.refStart[slot] = this.refs.length;
    for (let f = 0; f < FIELDS; f++) {
      const tokens = words(fields[f] ?? '');
      const length = Math.min(new Set(tokens).size, 0xffff);
      this.fieldLen[slot * FIELDS + f] = length;
      this.totals[f]! += length;
      const counts = new Map<string, number>();
      for (const w of tokens) {
        const t = indexTerm(w);
        if (t !== null) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      for (const [term, tf] of counts) {
        let p = this.postings.get(term);
        if (!p) {
          this.postings.set(term, (p = { slots: new Int32Array(4), meta: new Uint16Array(4), n: 0, df: new Int32Array(FIELDS), dead: 0 }));
          this.prefixOrder = undefined;
        }
        p.slots = grow(p.slots, p.n + 1);
        p.meta = grow(p.meta, p.n + 1);
        p.slots[p.n] = slot;
        p.meta[p.n++] = (f << 8) | Math.min(tf, 255);
        p.df[f]!++;
        this.refField = grow(this.refField, this.refs.length + 1);
        this.refField[this.refs.length] = f;
        this.refs.push(p);
      }
    }
    this.refCount[slot] = this.refs.length - this.refStart[slot]!;
  }

  /** Takes an item out of the index; unknown ids are ignored. */
  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.alive[slot] = 0;
    this.live--;
    for (let f = 0; f < FIELDS; f++) this.totals[f]! -= this.fieldLen[slot * FIELDS + f]!;
    const end = this.refStart[slot]! + this.refCount[slot]!;
    for (let k = this.refStart[slot]!; k < end; k++) {
      const p = this.refs[k]!;
      p.df[this.refField[k]!]!--;
      if (++p.dead * 2 > p.n && p.n >= 64) this.sweep(p);
    }
    if (this.next > 2 * this.live + 1024) this.renumber();
  }

  /** Drops a posting's entries of removed items. */
  private sweep(p: Posting): void {
    let n = 0;
    for (let i = 0; i < p.n; i++) {
      if (this.alive[p.slots[i]!] === 0) continue;
      p.slots[n] = p.slots[i]!;
      p.meta[n++] = p.meta[i]!;
    }
    p.n = n;
    p.dead = 0;
  }

  /** Gives live items consecutive slots again (in the same order, so postings stay sorted). */
  private renumber(): void {
    const map = new Int32Array(this.next).fill(-1);
    let n = 0;
    for (let s = 0; s < this.next; s++) if (this.alive[s]) map[s] = n++;
    for (const p of this.postings.values()) {
      let k = 0;
      for (let i = 0; i < p.n; i++) {
        const to = map[p.slots[i]!]!;
        if (to < 0) continue;
        p.slots[k] = to;
        p.meta[k++] = p.meta[i]!;
      }
      p.n = k;
      p.dead = 0;
    }
    const ids: Array<string | undefined> = new Array(n);
    const fieldLen = new Uint16Array(n * FIELDS);
    const groups = new Int32Array(n);
    const refStart = new Int32Array(n);
    const refCount = new Uint16Array(n);
    const refs: Posting[] = [];
    const refField = new Uint8Array(this.refs.length);
    for (let s = 0; s < this.next; s++) {
      const to = map[s]!;
      if (to < 0) continue;
      ids[to] = this.ids[s];
      this.slotOf.set(this.ids[s]!, to);
      groups[to] = this.groups[s]!;
      fieldLen.set(this.fieldLen.subarray(s * FIELDS, (s + 1) * FIELDS), to * FIELDS);
      refStart[to] = refs.length;
      refCount[to] = this.refCount[s]!;
      for (let k = this.refStart[s]!; k < this.refStart[s]! + this.refCount[s]!; k++) {
        refField[refs.length] = this.refField[k]!;
        refs.push(this.refs[k]!);
      }
    }
    this.ids = ids;
    this.fieldLen = fieldLen;
    this.groups = groups;
    this.refStart = refStart;
    this.refCount = refCount;
    this.refs = refs;
    this.refField = refField;
    this.next = n;
    this.alive = new Uint8Array(n).fill(1);
  }

  /** The items a query matches with their final scores (sum of term scores times the number of query terms matched), by slot. */
  search(query: QueryNode): Scored {
    const r = this.evaluate(query);
    for (let i = 0; i < r.n; i++) r.scores[i]! *= bitCount(r.masks[i]!) || 1;
    return r;
  }

  /** `within` is a hint (an AND's matches so far): the result may hold more, since the AND intersects anyway. */
  private evaluate(node: QueryNode, within?: Scored): Scored {
    if (node.kind === 'word') return this.word(node, within);
    if (node.parts.length === 0) return NONE;
    if (node.kind === 'or') return node.parts.reduce((acc, part) => union(acc, this.evaluate(part, within)), NONE);
    // The rarest part first, so the others are looked up only where it matched.
    const parts = [...node.parts].sort((a, b) => this.estimate(a) - this.estimate(b));
    let r = this.evaluate(parts[0]!, within);
    for (let i = 1; i < parts.length && r.n > 0; i++) r = intersect(r, this.evaluate(parts[i]!, r));
    return r;
  }

  private estimate(node: QueryNode): number {
    if (node.kind === 'word') {
      if (node.fuzzy > 0 || node.prefix) return this.live;
      const df = this.postings.get(node.term)?.df;
      return df ? df.reduce((a, b) => a + b, 0) : 0;
    }
    const sizes = node.parts.map((p) => this.estimate(p));
    return node.kind === 'and' ? Math.min(...sizes) : sizes.reduce((a, b) => a + b, 0);
  }

  private word(w: QueryWord, within?: Scored): Scored {
    const exact = this.postings.get(w.term);
    let r = exact ? this.scan(exact, 1, w.bit, within) : NONE;
    const derived = new Set<string>();
    if (w.prefix) {
      for (const t of this.startingWith(w.term)) {
        if (t === w.term) continue;
        derived.add(t);
        r = union(r, this.scan(this.postings.get(t)!, (PREFIX_WEIGHT * t.length) / (t.length + 0.3 * (t.length - w.term.length)), w.bit, within));
      }
    }
    if (w.fuzzy > 0) {
      const row = new Int32Array(w.term.length + w.fuzzy + 2);
      for (const [t, p] of this.postings) {
        if (derived.has(t) || t === w.term) continue;
        const d = boundedDistance(t, w.term, w.fuzzy, row);
        if (d <= w.fuzzy) r = union(r, this.scan(p, (FUZZY_WEIGHT * t.length) / (t.length + d), w.bit, within));
      }
    }
    return r;
  }

  /** Terms beginning with `prefix`, from a sorted list rebuilt after new terms arrive. */
  private startingWith(prefix: string): string[] {
    const order = (this.prefixOrder ??= [...this.postings.keys()].sort());
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (let i = lo; i < order.length && order[i]!.startsWith(prefix); i++) out.push(order[i]!);
    return out;
  }

  /** A posting's live items scored; only those in `within` when it is much smaller than the posting (looked up by binary search). */
  private scan(p: Posting, weight: number, bit: number, within?: Scored): Scored {
    const n = this.live;
    // Per field: the term's weight, and BM25's length normalisation as `norm + lenWeight * len`.
    const w = new Float64Array(FIELDS);
    const lenWeight = new Float64Array(FIELDS);
    for (let f = 0; f < FIELDS; f++) {
      const df = p.df[f]!;
      w[f] = weight * this.boosts[f]! * Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const avg = n > 0 ? this.totals[f]! / n || 1 : 1;
      lenWeight[f] = (K * B) / avg;
    }
    const norm = K * (1 - B);
    const mask = 1 << bit;
    const restricted = within !== undefined && within.n * 16 < p.n;
    const out = scored(within !== undefined ? Math.min(within.n, p.n) : p.n);
    const { slots, meta } = p;
    const { alive, fieldLen } = this;
    const outSlots = out.slots;
    const outScores = out.scores;
    const outMasks = out.masks;
    let k = 0;
    const add = (i: number) => {
      const s = slots[i]!;
      if (alive[s] === 0) return;
      const m = meta[i]!;
      const f = m >> 8;
      const tf = m & 255;
      const score = w[f]! * (D + (tf * (K + 1)) / (tf + norm + lenWeight[f]! * fieldLen[s * FIELDS + f]!));
      if (k > 0 && outSlots[k - 1] === s) outScores[k - 1]! += score;
      else {
        outSlots[k] = s;
        outScores[k] = score;
        outMasks[k++] = mask;
      }
    };
    if (within === undefined) {
      for (let i = 0; i < p.n; i++) add(i);
      out.n = k;
      return out;
    }
    if (!restricted) {
      // Merged with the AND's matches so far: only the postings they share are scored (and kept),
      // where a full scan scored a common word's every item for the intersection to drop most.
      let c = 0;
      for (let i = 0; i < p.n && c < within.n; i++) {
        const s = p.slots[i]!;
        while (c < within.n && within.slots[c]! < s) c++;
        if (c < within.n && within.slots[c] === s) add(i);
      }
      out.n = k;
      return out;
    }
    let lo = 0;
    for (let c = 0; c < within.n; c++) {
      const target = within.slots[c]!;
      let hi = p.n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (p.slots[mid]! < target) lo = mid + 1;
        else hi = mid;
      }
      while (lo < p.n && p.slots[lo] === target) add(lo++);
    }
    out.n = k;
    return out;
  }
}
