import type { ChartOption } from '../../ui/chart';
import { LabelledChart } from './labelled-chart';
import { count, money, percent } from '../../ui/format';
import { daysBetween } from './budget-day';
import type { AdsReport, ReportLine } from './types';

const GRID = { left: 84, right: 20, top: 40, bottom: 30 };

/** A line per day of the window, zero where the report has none (it lists only days with activity). */
function daily(report: AdsReport): Array<{ day: string; line: ReportLine | undefined }> {
  const by = new Map(report.rows.map((r) => [r.day ?? '', r]));
  return daysBetween(report.from, report.to).map((day) => ({ day, line: by.get(day) }));
}

const short = (day: string) => day.slice(5);

/**
 * An advertiser's report over time, one chart per question: spend against
 * the daily budgets, clicks (and impressions), click-through and ROAS.
 * Each chart's label spells out its numbers for screen readers.
 */
export function ReportCharts({ report, dailyBudget }: { report: AdsReport; dailyBudget: number | undefined }) {
  const days = daily(report);
  const cur = report.currency;
  const m = (n: number) => money(n, cur);
  const axisMoney = (n: number) => m(n).replace(/\.00$/, '');
  const x = { type: 'category', data: days.map((d) => short(d.day)) };
  const spend = days.map((d) => d.line?.spend.amount ?? 0);
  const clicks = days.map((d) => d.line?.clicks ?? 0);
  const impressions = days.map((d) => d.line?.impressions ?? 0);
  const ctr = days.map((d) => (d.line && d.line.impressions > 0 ? d.line.ctr : null));
  const roas = days.map((d) => d.line?.roas ?? null);
  const roasHalo = days.map((d) => d.line?.roasWithHalo ?? null);
  const list = (vals: Array<number | null>, f: (n: number) => string) => days.map((d, i) => `${d.day} ${vals[i] === null ? 'none' : f(vals[i]!)}`).join(', ');

  const charts: Array<{ title: string; option: ChartOption; label: string }> = [
    {
      title: 'Spend against daily budget',
      option: {
        grid: GRID, legend: { top: 0 }, xAxis: x, yAxis: { type: 'value', axisLabel: { formatter: axisMoney } },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => m(v) },
        series: [
          // The amounts are written on the bars: against a large budget a day's spend may be too short a bar to read.
          { type: 'bar', name: 'Spend', data: spend, barMaxWidth: 40, label: { show: true, position: 'top', color: '#1b1b1f', formatter: (p: { value: number }) => (p.value > 0 ? axisMoney(p.value) : '') } },
          ...(dailyBudget ? [{ type: 'line', name: 'Daily budgets (active campaigns, today)', data: days.map(() => dailyBudget), symbol: 'none', lineStyle: { type: 'dashed', width: 2 } }] : []),
        ],
      },
      label: `Spend per day${dailyBudget ? ` against today's daily budgets of ${m(dailyBudget)}` : ''}: ${list(spend, m)}`,
    },
    {
      title: 'Clicks and impressions',
      option: {
        grid: { ...GRID, right: 64 }, legend: { top: 0 }, xAxis: x,
        yAxis: [{ type: 'value', name: 'clicks', minInterval: 1 }, { type: 'value', name: 'impressions', minInterval: 1, splitLine: { show: false } }],
        series: [
          { type: 'bar', name: 'Clicks', data: clicks, barMaxWidth: 40 },
          { type: 'line', name: 'Impressions', data: impressions, yAxisIndex: 1, symbolSize: 6 },
        ],
      },
      label: `Charged clicks per day: ${list(clicks, count)}. Impressions per day: ${list(impressions, count)}`,
    },
    {
      title: 'Click-through rate',
      option: {
        grid: GRID, xAxis: x, yAxis: { type: 'value', axisLabel: { formatter: (v: number) => percent(v, 0) } },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => percent(v, 2) },
        series: [{ type: 'line', name: 'CTR', data: ctr, symbolSize: 7, connectNulls: false }],
      },
      label: `Click-through rate per day: ${list(ctr, (n) => percent(n, 2))}`,
    },
    {
      title: 'Return on ad spend (ROAS)',
      option: {
        grid: GRID, legend: { top: 0 }, xAxis: x, yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${v}×` } },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => (v === null || v === undefined ? 'no spend' : `${v.toFixed(2)}×`) },
        series: [
          { type: 'line', name: 'ROAS (direct)', data: roas, symbolSize: 7 },
          { type: 'line', name: 'ROAS with halo', data: roasHalo, symbolSize: 7, lineStyle: { type: 'dashed' } },
        ],
      },
      label: `Revenue over spend per day, direct: ${list(roas, (n) => `${n.toFixed(2)} times`)}. With halo: ${list(roasHalo, (n) => `${n.toFixed(2)} times`)}`,
    },
  ];
  return (
    <div className="charts-grid">
      {charts.map((c) => (
        <div className="chart-block" key={c.title}>
          <h3>{c.title}</h3>
          <LabelledChart option={c.option} label={c.label} height={240} />
        </div>
      ))}
    </div>
  );
}
