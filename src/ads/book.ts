import type { Item } from '../catalog/index.js';
import { parseJson } from '../platform/index.js';
import type { Offer } from './auction.js';
import type { AdsSettings } from './settings.js';
import type { CampaignRow } from './tables.js';

/** A live campaign as the auction reads it; its spend is refreshed in place from the counters. */
export interface CampaignState {
  id: string;
  advertiser: string;
  dailyBudget: number;
  totalBudget: number | null;
  pacing: 'even' | 'asap';
  start: number;
  end: number;
  today: number;
  total: number;
}

/** A promoted product as the auction reads it; updated in place when the catalogue changes it. */
export interface Product {
  id: string;
  brand: string;
  /** The joined path, as the catalogue's category match names categories: `Makeup > Lips > Lipstick`. */
  category: string;
  available: boolean;
  /** Sponsored impressions and clicks so far, refreshed from the store: the auction's observed CTR. */
  impressions: number;
  clicks: number;
}

export interface BookOffer extends Offer {
  c: CampaignState;
  p: Product;
  /**
   * The last relevance function asked about this offer, and its answer:
   * every search asks the same model about the same offers, and a lookup by
   * product id per offer was a tenth of a sponsored search's CPU. Fields of
   * the offer, not an object of their own: one memory load fewer per offer.
   */
  memoOf: ((itemId: string) => number | undefined) | undefined;
  memoValue: number | undefined;
}

export function productOf(item: Item): Product {
  return { id: item.id, brand: item.brand, category: item.categoryPath.join(' > '), available: item.availability === 'in_stock' || item.availability === 'preorder', impressions: 0, clicks: 0 };
}

/**
 * One project's auction inventory in memory: every live campaign's offers,
 * indexed by product and by the product's category, so an auction touches
 * only the offers that are relevant to its page and does no I/O.
 */
export class ProjectBook {
  readonly byCategory = new Map<string, BookOffer[]>();
  readonly byItem = new Map<string, BookOffer[]>();
  readonly campaigns: CampaignState[] = [];
  day = '';

  constructor(readonly settings: AdsSettings, readonly timeZone: string, rows: CampaignRow[], readonly products: Map<string, Product>) {
    for (const r of rows) {
      const c: CampaignState = {
        id: r.id, advertiser: r.advertiser, dailyBudget: Number(r.daily_budget), totalBudget: r.total_budget === null ? null : Number(r.total_budget),
        pacing: r.pacing === 'asap' ? 'asap' : 'even', start: Date.parse(r.start_time), end: r.end_time === null ? Infinity : Date.parse(r.end_time), today: 0, total: 0,
      };
      this.campaigns.push(c);
      const bids = parseJson<Record<string, number>>(r.product_bids, {});
      for (const id of parseJson<string[]>(r.products, [])) {
        const p = products.get(id);
        if (!p) continue;
        const o: BookOffer = { campaign: r.id, advertiser: r.advertiser, item: p.id, bid: Number(bids[id] ?? r.bid), c, p, memoOf: undefined, memoValue: undefined };
        push(this.byItem, id, o);
        push(this.byCategory, p.category, o);
      }
    }
  }

  /** Re-files a product whose category changed; stock and brand change in place. */
  update(item: Item): void {
    const p = this.products.get(item.id);
    if (!p) return;
    const fresh = productOf(item);
    if (fresh.category !== p.category) {
      const moved = this.byItem.get(item.id) ?? [];
      const old = this.byCategory.get(p.category);
      if (old) this.byCategory.set(p.category, old.filter((o) => o.item !== item.id));
      for (const o of moved) push(this.byCategory, fresh.category, o);
    }
    p.brand = fresh.brand;
    p.category = fresh.category;
    p.available = fresh.available;
  }

  /** Sets every promoted product's impressions and clicks (those without a row have none yet). */
  setStats(rows: ReadonlyArray<{ item: string; impressions: number; clicks: number }>): void {
    for (const p of this.products.values()) p.impressions = p.clicks = 0;
    for (const r of rows) {
      const p = this.products.get(r.item);
      if (!p) continue;
      p.impressions = Number(r.impressions);
      p.clicks = Number(r.clicks);
    }
  }

  /** A deleted product is never shown again. */
  remove(id: string): void {
    const p = this.products.get(id);
    if (p) p.available = false;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
