import { Link } from 'wouter';
import { money } from '../../ui/format';
import { Panel } from '../../ui/page';
import { TableWrap } from '../../ui/table-wrap';
import type { AuctionDebug } from './types';

/** The first entries shown; the API sends up to 200. */
const SHOWN = 50;
const OUTCOME: Record<string, string> = { won: 'badge-ok', lost: 'badge-neutral', ineligible: 'badge-wait' };

/**
 * The auction explained (an ads manager's `debug`): every offer considered,
 * whether it won, lost or could not take part, and why, with its bid,
 * predicted quality, score and the price a winner pays.
 */
export function AuctionDebugPanel({ debug, currency }: { debug: AuctionDebug; currency: string | undefined }) {
  const m = (n: number | undefined) => (n === undefined ? '–' : currency ? money(n, currency) : `${n} (minor units)`);
  return (
    <Panel title="Auction explained">
      <p className="muted">{debug.considered} offer{debug.considered === 1 ? '' : 's'} considered.{debug.entries.length > SHOWN ? ` The first ${SHOWN} of ${debug.entries.length} entries are shown.` : ''}</p>
      {debug.notes.length > 0 ? <ul className="small">{debug.notes.map((n) => <li key={n}>{n}</li>)}</ul> : null}
      <TableWrap label="Offers in the auction">
        <table className="tight">
          <caption className="visually-hidden">Offers in the auction</caption>
          <thead>
            <tr>
              <th scope="col">Product</th><th scope="col">Campaign</th><th scope="col">Outcome</th><th scope="col">Why</th>
              <th scope="col" className="num">Bid</th><th scope="col" className="num">Quality</th><th scope="col" className="num">Score</th><th scope="col" className="num">Price</th>
            </tr>
          </thead>
          <tbody>
            {debug.entries.slice(0, SHOWN).map((e) => (
              <tr key={`${e.campaignId}/${e.itemId}`}>
                <th scope="row"><code>{e.itemId}</code></th>
                <td><Link href={`/ads/${encodeURIComponent(e.advertiserId)}`}>{e.campaignId}</Link></td>
                <td><span className={`badge ${OUTCOME[e.outcome] ?? 'badge-neutral'}`}>{e.outcome}</span></td>
                <td>{e.reason}</td>
                <td className="num">{m(e.bid)}</td>
                <td className="num">{e.quality === undefined ? '–' : e.quality.toFixed(4)}</td>
                <td className="num">{e.score === undefined ? '–' : e.score.toFixed(2)}</td>
                <td className="num">{m(e.cpc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Panel>
  );
}
