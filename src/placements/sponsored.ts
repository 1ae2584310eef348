import type { AdsFace, AuctionRequest, AuctionResult } from '../ads/index.js';
import type { RecsModel } from '../recs/index.js';
import type { ItemRecord } from './item-table.js';
import type { ItemMapping } from './loaded-models.js';
import type { ItemField } from './schemas.js';

/** A sponsored product as `:recommend` returns it: the winner, its price, and the fields asked for. */
export interface SponsoredItem {
  id: string;
  rank: number;
  campaignId: string;
  /** The advertiser whose campaign it is: campaigns live under advertisers (`advertisers/{a}/campaigns/{c}`). */
  advertiserId: string;
  resolvedBidId: string;
  cpc: { amount: number; currency: string };
  [field: string]: unknown;
}

/** What a placement hands the auction: what its page is about and what it already shows. */
export interface PageContext {
  slots: number;
  /** The categories (joined paths) relevant to the page. */
  categories: ReadonlySet<string>;
  /** Organic items and context items: never sponsored on the same page. */
  shown: ReadonlySet<string>;
  /** Brands the placement keeps out of its sponsored slots. */
  excludeBrands?: ReadonlySet<string>;
  userId?: string;
  sessionId?: string;
  debug?: boolean;
}

/**
 * The auction's quality function from the recommendation model: a product's
 * popularity in the model, scaled into (0.25, 1], so what shoppers engage with
 * ranks above what they ignore at the same bid. Ads never see the model itself.
 */
export function relevanceFrom(m: RecsModel): (itemId: string) => number | undefined {
  let fn = relevances.get(m);
  if (!fn) relevances.set(m, (fn = build(m)));
  return fn;
}

const relevances = new WeakMap<RecsModel, (itemId: string) => number | undefined>();

function build(m: RecsModel): (itemId: string) => number | undefined {
  const maxPop = m.data.pop[m.data.popOrder[0] ?? 0] || 1;
  // The auction remembers each offer's answer while this function (this model) asks: no cache here.
  return (id) => {
    const i = m.indexOf(id);
    return i < 0 ? undefined : 0.25 + 0.75 * Math.sqrt((m.data.pop[i] ?? 0) / maxPop);
  };
}

/**
 * Runs the auction for a placement's sponsored slots and shapes the winners
 * with the same fields as the organic items. The ads module decides who
 * wins; this only says what the page is about.
 */
export async function sponsor(ads: AdsFace['auctions'], project: string, page: PageContext, m: RecsModel, map: ItemMapping, fields: readonly ItemField[]): Promise<{ sponsored: SponsoredItem[]; debug?: AuctionResult['debug'] }> {
  const req: AuctionRequest = {
    slots: page.slots, categories: page.categories, exclude: page.shown, relevance: relevanceFrom(m),
    ...(page.excludeBrands ? { excludeBrands: page.excludeBrands } : {}),
    ...(page.userId !== undefined ? { userId: page.userId } : {}), ...(page.sessionId !== undefined ? { sessionId: page.sessionId } : {}),
    ...(page.debug ? { debug: true } : {}),
  };
  const result = await ads.run(project, req);
  const sponsored = result.winners.map((w) => {
    const out: SponsoredItem = { id: w.id, rank: w.rank, campaignId: w.campaignId, advertiserId: w.advertiserId, resolvedBidId: w.resolvedBidId, cpc: w.cpc };
    const r: ItemRecord | undefined = map.items.byId.get(w.id);
    if (r) for (const f of fields) if (r[f] !== undefined) out[f] = r[f];
    return out;
  });
  return { sponsored, ...(result.debug ? { debug: result.debug } : {}) };
}
