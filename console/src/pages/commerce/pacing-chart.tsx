import { useState } from 'react';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import type { ChartOption } from '../../ui/chart';
import { LabelledChart } from './labelled-chart';
import { ErrorBox } from '../../ui/error-box';
import { money } from '../../ui/format';
import { dayPosition } from './budget-day';
import type { AdsReport, Campaign } from './types';

/** How far ahead of an even spread a paced campaign may run (src/ads/pacing.ts). */
const PACING_SLACK = 0.05;

/** How often the chart reads the hour's spend again while the page is open. */
const REFRESH_MS = 30_000;

const hh = (h: number) => `${String(Math.floor(h)).padStart(2, '0')}:00`;

/** Where the campaign stands against even pacing now, in words. */
function verdict(c: Campaign, fraction: number): string {
  const d = c.dailyBudget.amount;
  const spent = c.spend.today.amount;
  if (c.status !== 'active') return 'It is paused, so it spends nothing.';
  if (spent >= d) return 'Its daily budget is spent: it sits out auctions until tomorrow.';
  if (c.pacing === 'even' && spent > d * Math.min(1, fraction + PACING_SLACK)) return 'It is ahead of even pacing: it sits out auctions until the day catches up.';
  if (spent < d * fraction * 0.5 && fraction > 0.1) return 'It is well behind even pacing: it wins fewer clicks than its budget allows (a higher bid, or more products, would spend more).';
  return c.pacing === 'even' ? 'It is on pace.' : 'It spends as fast as auctions allow (asap: never throttled).';
}

/**
 * Cumulative spend at the end of each local hour so far, from the hourly
 * report, ending at the campaign's spend now (which counts clicks of the
 * current hour the report has too, so the two agree).
 */
function spendLine(c: Campaign, report: AdsReport | undefined, nowH: number): Array<[number, number]> {
  const byHour = new Map((report?.rows ?? []).map((r) => [Number(r.hour?.slice(11, 13)), r.spend.amount]));
  const out: Array<[number, number]> = [[0, 0]];
  let total = 0;
  for (let h = 0; h + 1 <= nowH; h++) {
    total += byHour.get(h) ?? 0;
    out.push([h + 1, total]);
  }
  out.push([nowH, Math.max(total, c.spend.today.amount)]);
  return out;
}

function option(c: Campaign, observed: Array<[number, number]>, nowH: number): ChartOption {
  const d = c.dailyBudget.amount;
  const cur = c.dailyBudget.currency;
  return {
    grid: { left: 84, right: 24, top: 40, bottom: 34 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => money(v, cur) },
    xAxis: { type: 'value', min: 0, max: 24, interval: 3, axisLabel: { formatter: hh }, name: 'hour', nameLocation: 'middle', nameGap: 22 },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => money(v, cur).replace(/\.00$/, '') } },
    series: [
      { type: 'line', name: 'Even pacing', data: [[0, 0], [24, d]], symbol: 'none', lineStyle: { type: 'dashed', width: 2 } },
      ...(c.pacing === 'even' ? [{ type: 'line', name: 'Pacing limit (+5 %)', data: [[0, d * PACING_SLACK], [24 * (1 - PACING_SLACK), d], [24, d]], symbol: 'none', lineStyle: { type: 'dotted', width: 2 } }] : []),
      {
        type: 'line', name: 'Spend today', data: observed, symbol: 'circle', symbolSize: 5, lineStyle: { width: 3 },
        markLine: { silent: true, symbol: ['none', 'none'], lineStyle: { color: '#55575f', type: 'solid' }, label: { formatter: 'now' }, data: [{ xAxis: nowH }] },
      },
    ],
  };
}

/**
 * Pacing over the budget day for one campaign: its spend today against the
 * even-pacing line (and the 5 % slack the auction allows before it holds a
 * campaign back), with a sentence saying where it stands. The spend line is
 * the campaign's spend by local hour today (the report's groupBy=hour).
 */
export function PacingChart({ project, advertiser, campaigns, timeZone }: { project: string; advertiser: string; campaigns: Campaign[]; timeZone: string | undefined }) {
  const [picked, setPicked] = useState<string>();
  const c = campaigns.find((x) => x.campaignId === picked) ?? campaigns.find((x) => x.status === 'active') ?? campaigns[0];
  const pos = dayPosition(timeZone);
  const q = c ? new URLSearchParams({ groupBy: 'hour', from: pos.day, to: pos.day, campaign: c.campaignId }) : undefined;
  const report = useApi<AdsReport>(q && timeZone !== undefined ? `${projectPath(project, 'advertisers', encodeURIComponent(advertiser), 'reports')}?${q}` : null, { refreshMs: REFRESH_MS });
  if (!c) return null;
  const nowH = pos.fraction * 24;
  const d = c.dailyBudget.amount;
  const allowed = c.pacing === 'even' ? d * Math.min(1, pos.fraction + PACING_SLACK) : d;
  const cur = c.dailyBudget.currency;
  const said = `At ${pos.clock} (${(pos.fraction * 100).toFixed(0)} % of the budget day ${pos.day} in ${timeZone || 'UTC'}), ${c.displayName} has spent ${money(c.spend.today.amount, cur)} of its ${money(d, cur)} daily budget; even pacing would have spent ${money(Math.round(d * pos.fraction), cur)} by now${c.pacing === 'even' ? `, and the auction holds it back above ${money(Math.round(allowed), cur)}` : ''}. ${verdict(c, pos.fraction)}`;
  return (
    <div className="chart-block">
      <div className="inline-form">
        <div className="field">
          <label htmlFor="pacing-campaign">Campaign</label>
          <select id="pacing-campaign" value={c.campaignId} onChange={(e) => setPicked(e.target.value)}>
            {campaigns.map((x) => <option key={x.campaignId} value={x.campaignId}>{x.displayName} ({x.pacing}, {x.status})</option>)}
          </select>
        </div>
      </div>
      <p>{said}</p>
      <ErrorBox error={report.error} />
      <LabelledChart option={option(c, spendLine(c, report.data, nowH), nowH)} label={`Pacing over the day for ${c.displayName}: cumulative spend today against the even-pacing line. ${said}`} height={280} />
      <p className="muted hint">Spend by local hour in {timeZone || 'UTC'}, read again every 30 seconds.</p>
    </div>
  );
}
