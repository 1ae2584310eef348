import type { Registry } from 'prom-client';

/** A counter bound to one set of label values. */
export interface CounterChild {
  inc(by?: number): void;
}

/** A histogram bound to one set of label values. */
export interface HistogramChild {
  observe(value: number): void;
}

interface MetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

type Labels = Record<string, string>;

/**
 * Labelled metrics for hot paths, exported through a prom-client registry in
 * prom-client's own text format. prom-client's `labels()` children re-hash the
 * label object on every `inc()`/`observe()` (a few microseconds each, several
 * per request); here a caller keeps its child and an observation is a few
 * additions on numbers the child owns.
 */
abstract class FastMetric<L extends string, C> {
  readonly name: string;
  readonly help: string;
  protected readonly labelNames: readonly L[];
  protected readonly children = new Map<string, { labels: Labels; child: C }>();

  constructor(config: MetricConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    for (const r of config.registers) r.registerMetric(this as never);
  }

  /** The child for these label values, in `labelNames` order; keep it and reuse it. */
  labels(...values: string[]): C {
    const key = values.join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      const labels: Labels = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ''));
      entry = { labels, child: this.create() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  protected abstract create(): C;

  /** Forgets every child (prom-client's Registry.resetMetrics calls this). */
  reset(): void {
    this.children.clear();
  }
}

/** A counter (`_total` by convention in its name). */
export class FastCounter<L extends string> extends FastMetric<L, CounterChild & { value: number }> {
  readonly type = 'counter';

  protected create() {
    return {
      value: 0,
      inc(by = 1) {
        this.value += by;
      },
    };
  }

  /** What prom-client's registry reads when it renders /metrics. */
  async get() {
    const values = [...this.children.values()].map(({ labels, child }) => ({ labels, value: child.value }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' as const };
  }
}

interface HistogramState extends HistogramChild {
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram with fixed upper bounds, cumulative in the exposition as Prometheus expects. */
export class FastHistogram<L extends string> extends FastMetric<L, HistogramState> {
  readonly type = 'histogram';
  private readonly bounds: number[];

  constructor(config: MetricConfig<L> & { buckets: number[] }) {
    super(config);
    this.bounds = [...config.buckets].sort((a, b) => a - b);
  }

  protected create(): HistogramState {
    const bounds = this.bounds;
    return {
      counts: new Float64Array(bounds.length),
      sum: 0,
      count: 0,
      observe(value: number) {
        this.sum += value;
        this.count++;
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]!) {
            this.counts[i]!++;
            return;
          }
        }
      },
    };
  }

  /** What prom-client's registry reads when it renders /metrics. */
  async get() {
    const values: Array<{ labels: Labels; sharedLabels?: Labels; value: number; metricName: string }> = [];
    for (const { labels, child } of this.children.values()) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += child.counts[i]!;
        values.push({ labels: { le: String(le) }, sharedLabels: labels, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: child.count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: child.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: child.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' as const };
  }
}
