import { useState, type FormEvent } from 'react';
import { api, projectPath } from '../../api/client';
import { useAction, useApi } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import { count, money, percent } from '../../ui/format';
import { Loading } from '../../ui/status';
import { ReportCharts } from './report-charts';
import type { AdsReport, ReportLine } from './types';
import { TableWrap } from '../../ui/table-wrap';

const roas = (n: number | null) => (n === null ? '–' : `${n.toFixed(2)}×`);

/** The report's columns for one line, in the API's order. */
function Cells({ l, cur }: { l: ReportLine; cur: string }) {
  return (
    <>
      <td className="num">{count(l.impressions)}</td><td className="num">{count(l.clicks)}</td><td className="num">{count(l.invalidClicks)}</td>
      <td className="num">{percent(l.ctr, 2)}</td><td className="num">{money(l.spend.amount, cur)}</td><td className="num">{count(l.orders)}</td>
      <td className="num">{money(l.revenue.amount, cur)}</td><td className="num">{roas(l.roas)}</td><td className="num">{roas(l.roasWithHalo)}</td>
    </>
  );
}

/**
 * An advertiser's report over budget days (the API's default: the last 7,
 * in the project's time zone): the charts per day, a table per campaign with
 * the totals, and the same as CSV for a spreadsheet.
 */
export function ReportPanel({ project, advertiser, dailyBudget }: { project: string; advertiser: string; dailyBudget: number | undefined }) {
  const [chosen, setChosen] = useState<{ from: string; to: string }>();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const base = projectPath(project, 'advertisers', encodeURIComponent(advertiser), 'reports');
  const range = chosen ? `&from=${chosen.from}&to=${chosen.to}` : '';
  const byDay = useApi<AdsReport>(`${base}?groupBy=day${range}`);
  const byCampaign = useApi<AdsReport>(`${base}?groupBy=campaign${range}`);
  const csv = useAction();
  const shown = byDay.data;
  // The inputs show the window the API answered for until the user changes them.
  const fromValue = from || shown?.from || '';
  const toValue = to || shown?.to || '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (fromValue && toValue) setChosen({ from: fromValue, to: toValue });
  };
  const download = async () => {
    const text = await csv.run(() => api<string>('GET', `${base}?groupBy=day&format=csv${range}`, { text: true }));
    if (text === undefined) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    a.download = `${advertiser}-${shown?.from ?? 'from'}-${shown?.to ?? 'to'}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  return (
    <>
      <form className="inline-form" onSubmit={submit} aria-label="Report window">
        <div className="field"><label htmlFor="rep-from">From (budget day)</label><input id="rep-from" type="date" value={fromValue} onChange={(e) => setFrom(e.target.value)} /></div>
        <div className="field"><label htmlFor="rep-to">To (included)</label><input id="rep-to" type="date" value={toValue} onChange={(e) => setTo(e.target.value)} /></div>
        <div className="field submit"><button type="submit">Show</button></div>
        <div className="field submit"><button type="button" className="secondary" onClick={() => void download()} disabled={csv.busy}>Download CSV</button></div>
      </form>
      <ErrorBox error={byDay.error ?? csv.error} />
      {!shown && !byDay.error ? <Loading /> : null}
      {shown ? (
        <>
          <p className="muted">Budget days {shown.from} to {shown.to}. Clicks are the charged ones; revenue is what the clicks sold (direct: the same product; halo: another of the brand's).</p>
          <ReportCharts report={shown} dailyBudget={dailyBudget} />
          <h3 className="sub">By campaign</h3>
          <ErrorBox error={byCampaign.error} />
          {byCampaign.data ? (
            <TableWrap label="Report by campaign, with the totals">
              <table className="tight">
                <caption className="visually-hidden">Report by campaign, with the totals</caption>
                <thead>
                  <tr>
                    <th scope="col">Campaign</th><th scope="col" className="num">Impressions</th><th scope="col" className="num">Clicks</th><th scope="col" className="num">Invalid clicks</th>
                    <th scope="col" className="num">CTR</th><th scope="col" className="num">Spend</th><th scope="col" className="num">Orders</th><th scope="col" className="num">Revenue</th>
                    <th scope="col" className="num">ROAS</th><th scope="col" className="num">ROAS with halo</th>
                  </tr>
                </thead>
                <tbody>
                  {byCampaign.data.rows.map((l) => <tr key={l.campaignId}><th scope="row"><code>{l.campaignId}</code></th><Cells l={l} cur={byCampaign.data!.currency} /></tr>)}
                  {byCampaign.data.rows.length === 0 ? <tr><td colSpan={10} className="muted">No impression, click or attributed order in this window.</td></tr> : null}
                </tbody>
                <tfoot><tr><th scope="row">Total</th><Cells l={byCampaign.data.totals} cur={byCampaign.data.currency} /></tr></tfoot>
              </table>
            </TableWrap>
          ) : null}
        </>
      ) : null}
    </>
  );
}
