import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../ui/chart';
import type { ModelVersion } from './types';

/** Each metric across the model's versions, to see at a glance which version is better. */
export function MetricsChart({ versions }: { versions: readonly ModelVersion[] }) {
  const names = useMemo(() => [...new Set(versions.flatMap((v) => Object.keys(v.metrics)))].slice(0, 7), [versions]);
  const option = useMemo<ChartOption>(() => ({
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    legend: { top: 0 },
    xAxis: { type: 'category', data: versions.map((v) => `v${v.versionId}`), name: 'version', nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'value', scale: true },
    series: names.map((n) => ({ type: 'line', name: n, data: versions.map((v) => v.metrics[n] ?? null), connectNulls: true, symbolSize: 7 })),
  }), [versions, names]);
  if (names.length === 0) return <p className="muted">No version records metrics.</p>;
  return <Chart option={option} label={`Metrics by version: ${names.join(', ')} for versions ${versions.map((v) => v.versionId).join(', ')}`} height={240} />;
}
