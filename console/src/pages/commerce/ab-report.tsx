import { useMemo, useState } from 'react';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { count, money, percent, when } from '../../ui/format';
import { ErrorBox } from '../../ui/error-box';
import { Loading } from '../../ui/status';
import { AbCharts } from './ab-charts';
import type { ExperimentReport } from './types';
import { TableWrap } from '../../ui/table-wrap';

const WINDOWS = [{ days: 1, label: 'Last 24 hours' }, { days: 7, label: 'Last 7 days' }, { days: 30, label: 'Last 30 days' }, { days: 90, label: 'Last 90 days' }];
const HOUR_MS = 3_600_000;

const interval = (iv: [number, number]) => `${percent(iv[0])} – ${percent(iv[1])}`;

/**
 * A recommender's A/B report over a window (the API's default is the last
 * 7 days): a table with every number and its 95% interval, then a bar chart
 * per metric.
 */
export function AbReport({ project, recommender }: { project: string; recommender: string }) {
  const [days, setDays] = useState(7);
  // Rounded to the hour, so re-rendering does not make a new path and reload the report.
  const from = useMemo(() => new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - days * 24 * HOUR_MS).toISOString(), [days]);
  const { data, error } = useApi<ExperimentReport>(`${projectPath(project, 'recommenders', encodeURIComponent(recommender), 'experiments', 'report')}?from=${encodeURIComponent(from)}`);
  return (
    <>
      <div className="inline-form">
        <div className="field">
          <label htmlFor="ab-window">Window</label>
          <select id="ab-window" value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {WINDOWS.map((w) => <option key={w.days} value={w.days}>{w.label}</option>)}
          </select>
        </div>
      </div>
      <ErrorBox error={error} />
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <p className="muted">From {when(data.from)} to {when(data.to)}. Intervals are Wilson's at 95%: where two variants' intervals do not overlap, the difference is unlikely to be chance.</p>
          {data.notes.length > 0 ? <div className="notes"><ul>{data.notes.map((n) => <li key={n}>{n}</li>)}</ul></div> : null}
          <TableWrap label="A/B report per variant">
            <table className="tight">
              <caption className="visually-hidden">A/B report per variant</caption>
              <thead>
                <tr>
                  <th scope="col">Variant</th><th scope="col" className="num">Users</th><th scope="col" className="num">Impressions</th><th scope="col" className="num">Clicks</th>
                  <th scope="col" className="num">CTR</th><th scope="col">CTR 95% interval</th><th scope="col" className="num">Add to carts</th><th scope="col" className="num">Add-to-cart rate</th>
                  <th scope="col" className="num">Purchases</th><th scope="col" className="num">Conversion rate</th><th scope="col">Conversion 95% interval</th><th scope="col" className="num">Revenue</th>
                </tr>
              </thead>
              <tbody>
                {data.variants.map((v) => (
                  <tr key={v.name}>
                    <th scope="row">{v.name}</th><td className="num">{count(v.users)}</td><td className="num">{count(v.impressions)}</td><td className="num">{count(v.clicks)}</td>
                    <td className="num">{percent(v.ctr, 2)}</td><td>{interval(v.ctrInterval)}</td><td className="num">{count(v.addToCarts)}</td><td className="num">{percent(v.addToCartRate, 2)}</td>
                    <td className="num">{count(v.conversions)}</td><td className="num">{percent(v.conversionRate, 2)}</td><td>{interval(v.conversionRateInterval)}</td>
                    <td className="num">{v.revenue.currency ? money(v.revenue.amount, v.revenue.currency) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <AbCharts variants={data.variants} />
        </>
      ) : null}
    </>
  );
}
