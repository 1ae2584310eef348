import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../ui/chart';
import { usd } from './usd';
import type { Savings } from './run-types';

/**
 * Cost per 1,000 images, Rouge against tagging by hand and the cloud label
 * APIs' list prices, as stacked bars: what people cost and what machines
 * cost, so the review share of Rouge's cost is visible.
 */
export function SavingsChart({ savings }: { savings: Savings }) {
  const c = savings.costPer1000Images;
  const option = useMemo<ChartOption>(() => ({
    legend: { top: 0 },
    grid: { left: 8, right: 56, top: 36, bottom: 36, containLabel: true },
    xAxis: { type: 'value', name: 'USD per 1,000 images', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', inverse: true, data: ['Rouge', 'By hand', 'Cloud Vision labels', 'Rekognition labels'] },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => usd(Number(v)) },
    series: [
      { name: 'People (review, tagging)', type: 'bar', stack: 'cost', data: [c.rouge.review, c.manual, 0, 0] },
      { name: 'Machines (compute, list price)', type: 'bar', stack: 'cost', data: [c.rouge.compute, 0, c.cloudVisionLabelDetection, c.rekognitionDetectLabels],
        label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => usd([c.rouge.total, c.manual, c.cloudVisionLabelDetection, c.rekognitionDetectLabels][p.dataIndex]) } },
    ],
  }), [c]);
  return <Chart option={option} height={260} label={`Cost per 1,000 images: Rouge ${usd(c.rouge.total)}, by hand ${usd(c.manual)}, Cloud Vision labels ${usd(c.cloudVisionLabelDetection)}, Rekognition labels ${usd(c.rekognitionDetectLabels)}`} />;
}
