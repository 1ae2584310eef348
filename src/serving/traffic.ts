import * as errors from './errors.js';

/**
 * Checks a traffic split (Vertex's rules): integer percentages that add up to
 * 100, or an empty map (no traffic); every key names a deployed model that
 * exists (`known`) or is "0", the model being deployed, when `allowZero`.
 */
export function checkSplit(split: Record<string, number>, known: Set<string>, allowZero: boolean): void {
  const entries = Object.entries(split);
  if (entries.length === 0) return;
  let sum = 0;
  for (const [id, pct] of entries) {
    if (!Number.isInteger(pct) || pct < 0 || pct > 100) throw errors.TRAFFIC_SPLIT_INVALID({ why: `${id} has ${pct}` });
    if (id === '0' ? !allowZero : !known.has(id)) throw errors.TRAFFIC_SPLIT_INVALID({ why: `${id} is not a deployed model of this endpoint` });
    sum += pct;
  }
  if (sum !== 100) throw errors.TRAFFIC_SPLIT_INVALID({ why: `the percentages add up to ${sum}` });
}

/** A split prepared for routing: cumulative thresholds over 0..99. */
export interface Router {
  pick(routingKey?: string): string | undefined;
}

/** FNV-1a: a stable, cheap hash, so one routing key always lands on the same deployed model. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Builds the router: random per request, or sticky per X-Rouge-Routing-Key. */
export function routerFor(split: Record<string, number>): Router {
  const entries = Object.entries(split).filter(([, pct]) => pct > 0).sort(([a], [b]) => a.localeCompare(b));
  const thresholds: Array<[number, string]> = [];
  let acc = 0;
  for (const [id, pct] of entries) {
    acc += pct;
    thresholds.push([acc, id]);
  }
  return {
    pick(routingKey) {
      if (thresholds.length === 0) return undefined;
      if (thresholds.length === 1) return thresholds[0]![1];
      const slot = routingKey === undefined ? Math.floor(Math.random() * 100) : hash(routingKey) % 100;
      for (const [t, id] of thresholds) if (slot < t) return id;
      return thresholds[thresholds.length - 1]![1];
    },
  };
}
