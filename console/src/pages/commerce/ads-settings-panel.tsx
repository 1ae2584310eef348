import type { ApiError } from '../../api/errors';
import { ErrorBox } from '../../ui/error-box';
import { money, when } from '../../ui/format';
import { Panel } from '../../ui/page';
import { Loading } from '../../ui/status';
import type { AdsSettings } from './types';

const AUCTIONS: Record<string, string> = {
  second_price: 'second price: a winner pays what it needed to keep its rank',
  first_price: 'first price: a winner pays its bid',
};

/** The project's ads settings: currency, reserve price, auction type, attribution window. */
export function AdsSettingsPanel({ settings, error, project }: { settings: AdsSettings | undefined; error: ApiError | undefined; project: string }) {
  return (
    <Panel title="Ads settings">
      <ErrorBox error={error} />
      {!settings && !error ? <Loading /> : null}
      {settings ? (
        <>
          <dl className="facts wide">
            <div><dt>Currency</dt><dd>{settings.currency}</dd></div>
            <div><dt>Reserve price</dt><dd>{money(settings.reservePrice, settings.currency)} <span className="muted">(the least a click costs)</span></dd></div>
            <div><dt>Auction</dt><dd>{AUCTIONS[settings.auctionType] ?? settings.auctionType}</dd></div>
            <div><dt>Attribution window</dt><dd>{settings.attributionWindowDays} days</dd></div>
            {settings.updateTime ? <div><dt>Changed</dt><dd>{when(settings.updateTime)}</dd></div> : <div><dt>Changed</dt><dd>never (defaults)</dd></div>}
          </dl>
          <p className="muted hint">Change them with <code>rouge ads settings set --project {project}</code> (an ads manager).</p>
        </>
      ) : null}
    </Panel>
  );
}
