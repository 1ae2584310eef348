/**
 * Live serving statistics from successive scrapes of /metrics: per deployed
 * model, requests per second, the share of errors and latency quantiles, each
 * computed from the difference between two scrapes (as Prometheus' rate() and
 * histogram_quantile() do). Pure functions without imports, so the tests load
 * this file directly.
 */

/** A parsed sample (prometheus.ts' PromSample, by shape). */
export interface SampleLike {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export const REQUESTS = 'rouge_predict_requests_total';
export const LATENCY_BUCKET = 'rouge_predict_duration_seconds_bucket';

/** The `endpoint` label serving writes: qualified by project, as endpoint names repeat across projects. */
export function endpointLabel(project: string, endpoint: string): string {
  return `${project}.${endpoint}`;
}

/** One deployed model's counters at one scrape, summed over protocols. */
export interface ModelCounters {
  requests: number;
  /** Requests answered with a code other than OK. */
  errors: number;
  /** Cumulative latency bucket counts by upper bound (seconds), ascending, +Inf last. */
  buckets: Array<{ le: number; count: number }>;
}

/** One scrape of one endpoint: counters by deployed model id ("" for requests no model took). */
export interface Snapshot {
  time: number;
  models: Record<string, ModelCounters>;
}

/** What happened between two scrapes, for one deployed model. */
export interface IntervalStats {
  requests: number;
  errors: number;
  /** Requests per second. */
  rps: number;
  /** errors / requests; undefined without requests. */
  errorRate: number | undefined;
  /** Latency quantiles in seconds, from successful requests; undefined without any. */
  p50: number | undefined;
  p95: number | undefined;
}

/** The endpoint's counters in one scrape's samples. */
export function snapshotOf(samples: readonly SampleLike[], endpoint: string, time: number): Snapshot {
  const models: Record<string, ModelCounters> = {};
  const bucketsOf = new Map<string, Map<number, number>>();
  const of = (id: string): ModelCounters => (models[id] ??= { requests: 0, errors: 0, buckets: [] });
  for (const s of samples) {
    if (s.labels.endpoint !== endpoint) continue;
    const id = s.labels.deployed_model ?? '';
    if (s.name === REQUESTS) {
      const m = of(id);
      m.requests += s.value;
      if (s.labels.code !== 'OK') m.errors += s.value;
    } else if (s.name === LATENCY_BUCKET) {
      of(id);
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      if (Number.isNaN(le)) continue;
      const byLe = bucketsOf.get(id) ?? new Map<number, number>();
      bucketsOf.set(id, byLe);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    }
  }
  for (const [id, byLe] of bucketsOf) of(id).buckets = [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return { time, models };
}

/**
 * The `q` quantile of the observations in cumulative buckets, interpolated
 * linearly inside the bucket it falls in (Prometheus' histogram_quantile); in
 * the +Inf bucket it answers the highest finite bound. Undefined when empty.
 */
export function histogramQuantile(q: number, buckets: ReadonlyArray<{ le: number; count: number }>): number | undefined {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerBound;
      const inBucket = b.count - lowerCount;
      return inBucket <= 0 ? b.le : lowerBound + (b.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}

const ZERO: ModelCounters = { requests: 0, errors: 0, buckets: [] };

/**
 * Per deployed model, what changed from `older` to `newer`. A counter that
 * went down means the server restarted (its counters start again at zero), so
 * the newer value is the whole change, as Prometheus' rate() assumes.
 */
export function between(older: Snapshot, newer: Snapshot): Record<string, IntervalStats> {
  const seconds = Math.max((newer.time - older.time) / 1000, 0.001);
  const out: Record<string, IntervalStats> = {};
  for (const [id, now] of Object.entries(newer.models)) {
    let before = older.models[id] ?? ZERO;
    if (now.requests < before.requests || now.errors < before.errors) before = ZERO;
    const earlier = new Map(before.buckets.map((b) => [b.le, b.count]));
    let deltas = now.buckets.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) }));
    if (deltas.some((d) => d.count < 0)) deltas = now.buckets;
    const requests = now.requests - before.requests;
    const errors = now.errors - before.errors;
    out[id] = {
      requests, errors, rps: requests / seconds,
      errorRate: requests > 0 ? errors / requests : undefined,
      p50: histogramQuantile(0.5, deltas), p95: histogramQuantile(0.95, deltas),
    };
  }
  return out;
}

/** The statistics between each scrape and the one before it, for charts. */
export function timeline(snapshots: readonly Snapshot[]): Array<{ time: number; stats: Record<string, IntervalStats> }> {
  const out: Array<{ time: number; stats: Record<string, IntervalStats> }> = [];
  for (let i = 1; i < snapshots.length; i++) out.push({ time: snapshots[i]!.time, stats: between(snapshots[i - 1]!, snapshots[i]!) });
  return out;
}

/**
 * The statistics over the last `windowMs` (from the oldest scrape inside the
 * window to the newest): steadier than the last interval alone, which is
 * zero whenever a poll falls between two bursts. Undefined before two scrapes.
 */
export function recent(snapshots: readonly Snapshot[], windowMs: number): Record<string, IntervalStats> | undefined {
  const newest = snapshots[snapshots.length - 1];
  if (!newest || snapshots.length < 2) return undefined;
  const oldest = snapshots.find((s) => newest.time - s.time <= windowMs && s !== newest) ?? snapshots[snapshots.length - 2]!;
  return between(oldest, newest);
}
