import { Panel } from '../../ui/page';
import { Empty } from '../../ui/status';
import { AuctionDebugPanel } from './auction-debug';
import { OrganicList } from './organic-list';
import type { RecommendAsk } from './recommend-form';
import { SponsoredList } from './sponsored-list';
import type { RecommendResult } from './types';

/** What the context was, in words, for the summary line. */
function contextOf(ask: RecommendAsk): string {
  if (ask.query !== undefined) return ` for “${ask.query}”`;
  if (ask.product) return ` for ${ask.product.title}`;
  if (ask.userId) return ` for ${ask.userId}`;
  return '';
}

/**
 * A `:recommend` answer: a summary (announced politely), the API's notes,
 * and the organic results next to the sponsored ones. A search that matched
 * no category says so instead of showing two empty lists.
 */
export function RecommendResults({ ask, result, owners, currency }: { ask: RecommendAsk; result: RecommendResult; owners: ReadonlyMap<string, string>; currency: string | undefined }) {
  const sponsored = result.sponsored ?? [];
  const nothing = ask.kind === 'search' && !result.matched && result.items.length === 0;
  return (
    <div className="recommend-results">
      <p role="status" aria-live="polite" className="summary">
        {nothing
          ? `No results${contextOf(ask)}.`
          : `${result.items.length} organic result${result.items.length === 1 ? '' : 's'} and ${sponsored.length} sponsored${contextOf(ask)} from ${ask.recommender}${result.variant ? ` (variant ${result.variant})` : ''}.`}
      </p>
      <dl className="facts inline">
        <div><dt>Matched</dt><dd>{result.matched ? 'yes' : 'no'}</dd></div>
        <div><dt>Fallback</dt><dd>{result.fallback ? 'yes (popular items filled the list)' : 'no'}</dd></div>
        <div><dt>Model version</dt><dd><code>{result.modelVersion}</code></dd></div>
        {result.variant ? <div><dt>A/B variant</dt><dd><code>{result.variant}</code></dd></div> : null}
        <div><dt>Recommendation id</dt><dd><code>{result.recommendationId}</code></dd></div>
      </dl>
      {result.notes.length > 0 ? (
        <div className="notes">
          <h2 className="notes-title">Notes from the API</h2>
          <ul>{result.notes.map((n) => <li key={n}>{n}</li>)}</ul>
        </div>
      ) : null}
      {nothing ? (
        <Empty>
          The query matched nothing: no category of the catalogue matches “{ask.query}”, so the search shows no products rather
          than unrelated ones. Try a product type the catalogue sells (such as “lipstick”), or add synonyms with <code>PUT …/catalog/synonyms</code>.
        </Empty>
      ) : (
        <div className="result-columns">
          <Panel title={`Organic results (${result.items.length})`}>
            {result.items.length > 0 ? <OrganicList items={result.items} /> : <Empty>No organic result: the rules and filters leave nothing to show (see the notes).</Empty>}
          </Panel>
          <Panel title={`Sponsored (${sponsored.length})`}>
            {ask.sponsoredSlots === 0
              ? <Empty>No sponsored slots were asked for; set “Sponsored slots” above 0 to run the auction.</Empty>
              : sponsored.length > 0
                ? <SponsoredList items={sponsored} owners={owners} />
                : <Empty>No sponsored product won a slot: no active campaign with budget left promotes a product in these categories that is not already shown. Campaigns are on the Sponsored products page.</Empty>}
          </Panel>
        </div>
      )}
      {result.adsDebug ? <AuctionDebugPanel debug={result.adsDebug} currency={sponsored[0]?.cpc.currency ?? currency} /> : null}
    </div>
  );
}
