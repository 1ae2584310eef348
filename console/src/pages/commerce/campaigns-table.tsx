import { money, when } from '../../ui/format';
import { StateBadge } from '../../ui/status';
import { SpendMeter } from './spend-meter';
import type { Campaign } from './types';
import { TableWrap } from '../../ui/table-wrap';

/**
 * An advertiser's campaigns: status (with why it paused itself), pacing,
 * bid, budgets, spend today against the daily budget and in all against the
 * total, and a pause/resume button per campaign.
 */
export function CampaignsTable({ campaigns, busy, onStatus }: { campaigns: Campaign[]; busy: string | undefined; onStatus: (c: Campaign, status: 'active' | 'paused') => void }) {
  return (
    <TableWrap label="Campaigns">
      <table className="tight">
        <caption className="visually-hidden">Campaigns</caption>
        <thead>
          <tr>
            <th scope="col">Campaign</th><th scope="col">Status</th><th scope="col">Pacing</th><th scope="col" className="num">Bid</th>
            <th scope="col">Spend today of daily budget</th><th scope="col">Spend in all</th><th scope="col" className="num">Products</th><th scope="col">Runs</th><th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {campaigns.map((c) => {
            const next = c.status === 'active' ? 'paused' : 'active';
            const verb = next === 'paused' ? 'Pause' : 'Resume';
            const bids = Object.keys(c.productBids).length;
            return (
              <tr key={c.campaignId}>
                <th scope="row">{c.displayName}<br /><code className="muted">{c.campaignId}</code></th>
                <td><StateBadge state={c.status} />{c.statusReason ? <div className="muted hint">{c.statusReason.replace(/_/g, ' ')}</div> : null}</td>
                <td>{c.pacing}</td>
                <td className="num">{money(c.bid.amount, c.bid.currency)}{bids > 0 ? <div className="muted hint">{bids} product bid{bids === 1 ? '' : 's'}</div> : null}</td>
                <td><SpendMeter spent={c.spend.today} budget={c.dailyBudget} label={`${c.displayName}: spend today of the daily budget`} /></td>
                <td>{c.totalBudget
                  ? <SpendMeter spent={c.spend.total} budget={c.totalBudget} label={`${c.displayName}: spend in all of the total budget`} />
                  : <>{money(c.spend.total.amount, c.spend.total.currency)} <span className="muted">(no total budget)</span></>}</td>
                <td className="num">{c.products.length}</td>
                <td><span className="small">from {when(c.startTime)}<br />{c.endTime ? `to ${when(c.endTime)}` : 'no end'}</span></td>
                <td>
                  <button type="button" className="secondary" disabled={busy !== undefined} onClick={() => onStatus(c, next)} aria-label={`${verb} ${c.displayName}`}>
                    {busy === c.campaignId ? `${verb === 'Pause' ? 'Pausing' : 'Resuming'}…` : verb}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
