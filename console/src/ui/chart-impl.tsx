import { BarChart, GraphChart, LineChart } from 'echarts/charts';
import { AriaComponent, DatasetComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { PALETTE } from './palette';

// Only what the console draws, so the chunk stays a fraction of the full library.
echarts.use([LineChart, BarChart, GraphChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent, MarkLineComponent, AriaComponent, CanvasRenderer]);

export type ChartOption = EChartsCoreOption;
/** What a click on a chart element says: the series' data type (`node`, `edge`), the element's name and value. */
export interface ChartClick { dataType?: string; name?: string; seriesName?: string; value?: unknown }


export default function ChartImpl({ option, label, height, onClick }: { option: ChartOption; label: string; height: number; onClick?: (e: ChartClick) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, []);
  useEffect(() => {
    // The given label is the chart's accessible name; ECharts' aria would replace it with generated text.
    chart.current?.setOption({ color: [...PALETTE], aria: { enabled: true, label: { description: label } }, animation: false, tooltip: { trigger: 'axis' }, ...option }, true);
  }, [option, label]);
  useEffect(() => {
    const c = chart.current;
    if (!c || !onClick) return;
    const listener = (e: unknown) => onClick(e as ChartClick);
    c.on('click', listener);
    return () => {
      c.off('click', listener);
    };
  }, [onClick]);
  return <div ref={el} className="chart" style={{ height }} role="img" aria-label={label} />;
}
