import { lazy, Suspense } from 'react';
import type { ChartClick, ChartOption } from './chart-impl';

export type { ChartClick, ChartOption } from './chart-impl';

const Impl = lazy(() => import('./chart-impl'));

/**
 * An ECharts chart, loaded on first use so pages without charts (and the
 * sign-in screen) never download the library. `label` names the chart for
 * screen readers (ECharts' aria option would otherwise replace it with a
 * generated description); `onClick` receives ECharts' click events (a mouse
 * convenience: whatever a click does, the page must offer from the keyboard too).
 */
export function Chart({ option, label, height = 260, onClick }: { option: ChartOption; label: string; height?: number; onClick?: (e: ChartClick) => void }) {
  return (
    <Suspense fallback={<div className="chart" style={{ height }} role="img" aria-label={`${label} (loading)`} />}>
      <Impl option={option} label={label} height={height} onClick={onClick} />
    </Suspense>
  );
}
