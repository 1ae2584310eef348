import { Link } from 'wouter';
import { money } from '../../ui/format';
import { ProductCard } from './product-card';
import type { SponsoredItem } from './types';

/**
 * The auction's winners, best first, each marked "Sponsored" in words, with
 * its campaign (a link to the advertiser that runs it) and what
 * a click on it would cost.
 */
export function SponsoredList({ items, owners }: { items: SponsoredItem[]; owners: ReadonlyMap<string, string> }) {
  return (
    <ol className="product-list" aria-label="Sponsored results">
      {items.map((item) => {
        const advertiser = owners.get(item.campaignId);
        return (
          <li key={item.id} className="sponsored">
            <ProductCard item={item} badge={<span className="sponsored-tag">Sponsored</span>}>
              <dl className="facts">
                <div>
                  <dt>Campaign</dt>
                  <dd>
                    {advertiser
                      ? <Link href={`/ads/${encodeURIComponent(advertiser)}`}>{item.campaignId}</Link>
                      : <code>{item.campaignId}</code>}
                  </dd>
                </div>
                <div><dt>Cost per click</dt><dd>{money(item.cpc.amount, item.cpc.currency)}</dd></div>
                <div><dt>Rank</dt><dd>{item.rank}</dd></div>
              </dl>
            </ProductCard>
          </li>
        );
      })}
    </ol>
  );
}
