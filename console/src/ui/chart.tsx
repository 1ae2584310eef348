import { lazy, Suspense } from 'react';
import type { ChartOption } from './chart-impl';

export type { ChartOption } from './chart-impl';

const Impl = lazy(() => import('./chart-impl'));

/**
 * An ECharts chart, loaded on first use so pages without charts (and the
 * sign-in screen) never download the library. `label` names the chart for
 * screen readers; ECharts' aria option adds a description of the series.
 */
export function Chart({ option, label, height = 260 }: { option: ChartOption; label: string; height?: number }) {
  return (
    <Suspense fallback={<div className="chart" style={{ height }} role="img" aria-label={`${label} (loading)`} />}>
      <Impl option={option} label={label} height={height} />
    </Suspense>
  );
}
