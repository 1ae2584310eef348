/**
 * Items a query matched, as parallel typed arrays sorted by slot: the index's
 * number for an item, its score so far, and a bit per query term it matched
 * (the final score counts them). Typed arrays and merges of sorted runs, not a
 * Map of objects per item: a common word matches most of a catalogue, and a
 * result object per matched item was most of a search's cost.
 */
export interface Scored {
  slots: Int32Array;
  scores: Float64Array;
  masks: Int32Array;
  n: number;
}

/** An empty result with room for `capacity` items. */
export function scored(capacity: number): Scored {
  return { slots: new Int32Array(capacity), scores: new Float64Array(capacity), masks: new Int32Array(capacity), n: 0 };
}

export const NONE: Scored = scored(0);

/** Items in both, their scores summed: what an AND of two query parts matches. */
export function intersect(a: Scored, b: Scored): Scored {
  const out = scored(Math.min(a.n, b.n));
  let i = 0;
  let j = 0;
  while (i < a.n && j < b.n) {
    const x = a.slots[i]!;
    const y = b.slots[j]!;
    if (x < y) i++;
    else if (y < x) j++;
    else {
      const k = out.n++;
      out.slots[k] = x;
      out.scores[k] = a.scores[i]! + b.scores[j]!;
      out.masks[k] = a.masks[i]! | b.masks[j]!;
      i++;
      j++;
    }
  }
  return out;
}

/** Items in either, scores summed where both hold one: what an OR of two query parts matches. */
export function union(a: Scored, b: Scored): Scored {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const out = scored(a.n + b.n);
  let i = 0;
  let j = 0;
  while (i < a.n || j < b.n) {
    const x = i < a.n ? a.slots[i]! : 0x7fffffff;
    const y = j < b.n ? b.slots[j]! : 0x7fffffff;
    const k = out.n++;
    if (x < y) {
      out.slots[k] = x;
      out.scores[k] = a.scores[i]!;
      out.masks[k] = a.masks[i++]!;
    } else if (y < x) {
      out.slots[k] = y;
      out.scores[k] = b.scores[j]!;
      out.masks[k] = b.masks[j++]!;
    } else {
      out.slots[k] = x;
      out.scores[k] = a.scores[i]! + b.scores[j]!;
      out.masks[k] = a.masks[i++]! | b.masks[j++]!;
    }
  }
  return out;
}

/** Set bits of a mask: how many distinct query terms an item matched. */
export function bitCount(mask: number): number {
  let m = mask - ((mask >>> 1) & 0x55555555);
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  return (((m + (m >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
