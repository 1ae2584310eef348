import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../ui/chart';
import type { IntervalStats } from './live-stats';

type Point = { time: number; stats: Record<string, IntervalStats> };

/** One line chart of a per-model statistic over the last minutes (ECharts, time axis). */
function LiveChart({ title, points, ids, nameOf, pick, unit }: {
  title: string; points: readonly Point[]; ids: readonly string[]; nameOf: (id: string) => string;
  pick: (s: IntervalStats) => number | undefined; unit: string;
}) {
  const option = useMemo<ChartOption>(() => ({
    grid: { left: 52, right: 20, top: 40, bottom: 28 },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'time', splitNumber: 3, axisLabel: { hideOverlap: true, formatter: '{HH}:{mm}:{ss}' } },
    yAxis: { type: 'value', name: unit, min: 0 },
    series: ids.map((id) => ({
      type: 'line', name: nameOf(id), showSymbol: false,
      data: points.map((p) => {
        const s = p.stats[id];
        const v = s ? pick(s) : 0;
        return [p.time, v === undefined ? null : Number(v.toFixed(4))];
      }),
    })),
  }), [title, points, ids, nameOf, pick, unit]);
  return (
    <figure className="live-chart">
      <figcaption><h3>{title}</h3></figcaption>
      <Chart option={option} label={`${title} by deployed model over the last minutes: ${ids.map(nameOf).join(', ')}`} height={220} />
    </figure>
  );
}

const rps = (s: IntervalStats) => s.rps;
const p95 = (s: IntervalStats) => (s.p95 === undefined ? undefined : s.p95 * 1000);
const errors = (s: IntervalStats) => (s.errorRate === undefined ? undefined : s.errorRate * 100);

/** Requests per second, p95 latency and error rate per deployed model, one chart each. */
export function LiveCharts({ points, ids, nameOf }: { points: readonly Point[]; ids: readonly string[]; nameOf: (id: string) => string }) {
  return (
    <div className="grid-3">
      <LiveChart title="Requests per second" points={points} ids={ids} nameOf={nameOf} pick={rps} unit="req/s" />
      <LiveChart title="Latency p95" points={points} ids={ids} nameOf={nameOf} pick={p95} unit="ms" />
      <LiveChart title="Error rate" points={points} ids={ids} nameOf={nameOf} pick={errors} unit="%" />
    </div>
  );
}
