import type { TrainInput } from './types.js';

/**
 * Training sequences flattened into typed arrays over item indices: sequence
 * s is positions starts[s] .. starts[s + 1]. Flat arrays keep a million
 * interactions in a few megabytes, where arrays of strings would take hundreds.
 */
export interface Corpus {
  ids: string[];
  items: Int32Array;
  weights: Float32Array;
  /** Milliseconds since the epoch per position, NaN when the caller gave none. */
  times: Float64Array;
  starts: Int32Array;
}

/** Assigns item indices (sequences first, then content-only items, then basket-only items) and flattens the sequences. */
export function buildCorpus(input: TrainInput): Corpus {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const intern = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = ids.length;
      index.set(id, i);
      ids.push(id);
    }
    return i;
  };
  let total = 0;
  for (const s of input.sequences) total += s.items.length;
  const items = new Int32Array(total);
  const weights = new Float32Array(total);
  const times = new Float64Array(total);
  const starts = new Int32Array(input.sequences.length + 1);
  let p = 0;
  input.sequences.forEach((s, k) => {
    s.items.forEach((id, j) => {
      items[p] = intern(id);
      const w = s.weights?.[j];
      weights[p] = w !== undefined && w > 0 ? w : 1;
      times[p] = s.times?.[j] ?? NaN;
      p++;
    });
    starts[k + 1] = p;
  });
  for (const c of input.content ?? []) intern(c.id);
  for (const b of input.baskets ?? []) for (const id of b) intern(id);
  return { ids, items, weights, times, starts };
}

/** Where each item occurs: positions of item i are positions[offsets[i] .. offsets[i + 1]). */
export interface Postings {
  offsets: Uint32Array;
  positions: Int32Array;
  /** The sequence each position belongs to. */
  seqOf: Int32Array;
}

/** The inverted index of a corpus over n items. */
export function buildPostings(c: Corpus, n: number): Postings {
  const offsets = new Uint32Array(n + 1);
  for (const i of c.items) offsets[i + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const positions = new Int32Array(c.items.length);
  c.items.forEach((item, p) => {
    positions[fill[item]!++] = p;
  });
  const seqOf = new Int32Array(c.items.length);
  for (let s = 0; s + 1 < c.starts.length; s++) seqOf.fill(s, c.starts[s]!, c.starts[s + 1]!);
  return { offsets, positions, seqOf };
}

/** Sum of interaction weights per item. */
export function popularity(c: Corpus, n: number): Float32Array {
  const pop = new Float32Array(n);
  c.items.forEach((item, p) => {
    pop[item]! += c.weights[p]!;
  });
  return pop;
}

/**
 * Popularity decayed by age: against the newest training interaction when
 * times are given, otherwise by position from the end of each sequence (the
 * only notion of recency left).
 */
export function trendingScores(c: Corpus, n: number, halfLifeDays: number): Float32Array {
  const trend = new Float32Array(n);
  let newest = -Infinity;
  for (const t of c.times) if (t > newest) newest = t;
  const halfLifeMs = halfLifeDays * 86_400_000;
  for (let s = 0; s + 1 < c.starts.length; s++) {
    const end = c.starts[s + 1]!;
    for (let p = c.starts[s]!; p < end; p++) {
      const t = c.times[p]!;
      const age = Number.isNaN(t) ? (end - 1 - p) / halfLifeDays : (newest - t) / halfLifeMs;
      trend[c.items[p]!]! += c.weights[p]! * Math.pow(0.5, age);
    }
  }
  return trend;
}
