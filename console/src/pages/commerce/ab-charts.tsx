import type { ChartOption } from '../../ui/chart';
import { LabelledChart } from './labelled-chart';
import { money, percent } from '../../ui/format';
import type { VariantReport } from './types';

interface Metric {
  title: string;
  value: (v: VariantReport) => number;
  interval?: (v: VariantReport) => [number, number];
  format: (n: number) => string;
  axis: (n: number) => string;
}

/** A round number at or above x (0.1149 gives 0.15), for an axis end. */
function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(x)) / 2;
  return Math.ceil(x / step - 1e-9) * step;
}

/** One bar per variant; a 95% interval, when the report has one, as a black line through the bar's top. */
function barOption(variants: VariantReport[], m: Metric): ChartOption {
  const names = variants.map((v) => v.name);
  return {
    grid: { left: 64, right: 16, top: 20, bottom: 30 },
    xAxis: { type: 'category', data: names },
    // ECharts sizes the axis to the bars only; the intervals' tops must fit too.
    yAxis: { type: 'value', axisLabel: { formatter: m.axis }, ...(m.interval ? { max: niceCeil(Math.max(...variants.map((v) => m.interval!(v)[1]))) } : {}) },
    tooltip: { trigger: 'axis', valueFormatter: (n: number) => m.format(n) },
    series: [{
      type: 'bar', name: m.title, data: variants.map(m.value), barMaxWidth: 72,
      // Inside the bar where an interval line crosses its top; above it otherwise.
      label: m.interval
        ? { show: true, position: 'insideBottom', color: '#fff', fontWeight: 600, formatter: (p: { value: number }) => m.format(p.value) }
        : { show: true, position: 'top', color: '#1b1b1f', fontWeight: 600, formatter: (p: { value: number }) => m.format(p.value) },
      ...(m.interval ? {
        markLine: {
          silent: true, symbol: ['none', 'none'], label: { show: false }, lineStyle: { color: '#000', width: 3, type: 'solid' },
          data: variants.map((v, i) => [{ coord: [i, m.interval!(v)[0]] }, { coord: [i, m.interval!(v)[1]] }]),
        },
      } : {}),
    }],
  };
}

/** The words a screen reader hears for a chart: every variant's value and interval. */
function describe(variants: VariantReport[], m: Metric): string {
  return `${m.title} per variant${m.interval ? ', with 95% intervals' : ''}: ${variants.map((v) => {
    const iv = m.interval?.(v);
    return `${v.name} ${m.format(m.value(v))}${iv ? ` (${m.format(iv[0])} to ${m.format(iv[1])})` : ''}`;
  }).join('; ')}`;
}

/** The A/B report as one bar chart per metric: click-through, add-to-cart, conversion (with intervals), revenue. */
export function AbCharts({ variants }: { variants: VariantReport[] }) {
  const currency = variants.find((v) => v.revenue.currency)?.revenue.currency || undefined;
  const pct = (n: number) => percent(n, 1);
  const metrics: Metric[] = [
    { title: 'Click-through rate', value: (v) => v.ctr, interval: (v) => v.ctrInterval, format: pct, axis: (n) => percent(n, 0) },
    { title: 'Conversion rate (users who bought)', value: (v) => v.conversionRate, interval: (v) => v.conversionRateInterval, format: pct, axis: (n) => percent(n, 0) },
    { title: 'Add-to-cart rate', value: (v) => v.addToCartRate, format: pct, axis: (n) => percent(n, 1) },
    { title: 'Revenue', value: (v) => v.revenue.amount, format: (n) => money(n, currency), axis: (n) => money(n, currency).replace(/\.00$/, '') },
  ];
  return (
    <div className="charts-grid">
      {metrics.map((m) => (
        <div className="chart-block" key={m.title}>
          <h3>{m.title}</h3>
          <LabelledChart option={barOption(variants, m)} label={describe(variants, m)} height={220} />
        </div>
      ))}
    </div>
  );
}
