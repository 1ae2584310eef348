import type { CatalogFace } from '../catalog/index.js';
import { place, type Entry } from './auction.js';
import type { BidTokens } from './bid-token.js';
import type { BookOffer, ProjectBook } from './book.js';
import type { Books } from './books.js';
import { dayPosition } from './budget-day.js';
import * as errors from './errors.js';
import { pacedOut } from './pacing.js';
import { predictedCtr } from './quality.js';

/** Relevance of a product the page gave no score for. */
const DEFAULT_RELEVANCE = 0.5;
/** Most slots one auction fills (Rouge's own routes allow 10; the Topsort drop-in up to this). */
const MAX_SLOTS = 40;
/** Debug lists at most this many offers. */
const DEBUG_LIMIT = 200;

/** An auction as `placements/` (or the auction route) asks for it. */
export interface AuctionRequest {
  slots: number;
  /** Categories (joined paths) the page is about: only products inside them are relevant. */
  categories?: ReadonlySet<string>;
  /** Products that may win, with the page's relevance of each (Topsort's products.ids and qualityScores). */
  candidates?: ReadonlyArray<{ id: string; quality?: number }>;
  /** Products already on the page: never sponsored beside themselves. */
  exclude?: ReadonlySet<string>;
  /** Brands left out (the product page's own, when the placement asks it). */
  excludeBrands?: ReadonlySet<string>;
  /** The page's relevance of a product, in (0, 1]: the recommendation model's view of it. */
  relevance?: (itemId: string) => number | undefined;
  userId?: string;
  sessionId?: string;
  debug?: boolean;
}

export interface SponsoredWinner {
  id: string;
  rank: number;
  campaignId: string;
  advertiserId: string;
  resolvedBidId: string;
  cpc: { amount: number; currency: string };
}

/** Why a campaign's offer on a product won, lost, or was not in the auction. */
export interface DebugEntry {
  campaignId: string;
  advertiserId: string;
  itemId: string;
  outcome: 'won' | 'lost' | 'ineligible';
  reason: string;
  bid: number;
  quality?: number;
  score?: number;
  cpc?: number;
}

export interface AuctionResult {
  winners: SponsoredWinner[];
  debug?: { entries: DebugEntry[]; considered: number; notes: string[] };
}

/**
 * The auction: from the offers relevant to the page (products inside its
 * categories, or the candidates given), keeps those eligible now (active
 * dates, in stock, budget left after pacing, not already on the page, not the
 * page's brand when asked), ranks them by predicted CTR x bid and prices the
 * winners; each winner gets a signed resolvedBidId carrying its price. It
 * reads only the in-memory book.
 */
export class AuctionService {
  constructor(private readonly books: Books, private readonly tokens: BidTokens, private readonly catalog: CatalogFace) {}

  async run(project: string, req: AuctionRequest): Promise<AuctionResult> {
    if (!Number.isInteger(req.slots) || req.slots < 0 || req.slots > MAX_SLOTS) throw errors.AUCTION_INPUT_INVALID({ why: `slots must be 0 to ${MAX_SLOTS}, got ${req.slots}` });
    if (req.slots === 0) return { winners: [] };
    const book = await this.books.of(project);
    const now = Date.now();
    const pos = dayPosition(book.timeZone, now);
    const offers = this.relevant(book, req);
    const quality = req.candidates ? new Map(req.candidates.map((c) => [c.id, c.quality ?? DEFAULT_RELEVANCE])) : undefined;
    const entries: Array<Entry<BookOffer>> = [];
    const debug: DebugEntry[] | undefined = req.debug ? [] : undefined;
    for (const o of offers) {
      const why = this.ineligible(book, o, req, now, pos.fraction, pos.day);
      if (why) {
        if (debug && debug.length < DEBUG_LIMIT) debug.push({ campaignId: o.campaign, advertiserId: o.advertiser, itemId: o.item, outcome: 'ineligible', reason: why, bid: o.bid });
        continue;
      }
      const relevance = quality?.get(o.item) ?? relevanceOf(o, req.relevance) ?? DEFAULT_RELEVANCE;
      const s = book.stats.get(o.item);
      const q = predictedCtr(relevance, s?.impressions ?? 0, s?.clicks ?? 0);
      entries.push({ offer: o, quality: q, score: q * o.bid });
    }
    const placed = place(entries, { slots: req.slots, reservePrice: book.settings.reservePrice, auctionType: book.settings.auctionType });
    const currency = book.settings.currency;
    const winners = placed.map((w): SponsoredWinner => ({
      id: w.offer.item, rank: w.rank, campaignId: w.offer.campaign, advertiserId: w.offer.advertiser,
      resolvedBidId: this.tokens.sign(project, { campaign: w.offer.campaign, advertiser: w.offer.advertiser, item: w.offer.item, cpc: w.price, at: now }),
      cpc: { amount: w.price, currency },
    }));
    if (!debug) return { winners };
    const won = new Map(placed.map((w) => [`${w.offer.campaign}\u0000${w.offer.item}`, w]));
    const wonItems = new Set(placed.map((w) => w.offer.item));
    for (const e of entries.sort((a, b) => b.score - a.score)) {
      if (debug.length >= DEBUG_LIMIT) break;
      const w = won.get(`${e.offer.campaign}\u0000${e.offer.item}`);
      const base = { campaignId: e.offer.campaign, advertiserId: e.offer.advertiser, itemId: e.offer.item, bid: e.offer.bid, quality: round(e.quality), score: round(e.score) };
      if (w) debug.push({ ...base, outcome: 'won', reason: `rank ${w.rank}: quality x bid ${round(e.score)}`, cpc: w.price });
      else debug.push({ ...base, outcome: 'lost', reason: wonItems.has(e.offer.item) ? 'another campaign won this product with a higher quality x bid' : `quality x bid ${round(e.score)} below the last winner's` });
    }
    const notes = [`${offers.length} offer(s) relevant to the page; ${entries.length} eligible; ${book.settings.auctionType}, reserve ${book.settings.reservePrice} ${currency}`];
    return { winners, debug: { entries: debug, considered: offers.length, notes } };
  }

  /** The categories a query matches, from the catalogue's query cache (a hit costs microseconds). */
  async categoriesOfQuery(project: string, query: string): Promise<Set<string>> {
    const match = await this.catalog.matchCategories(project, query);
    return new Set(match.matched ? match.categories.map((c) => c.path.join(' > ')) : []);
  }

  /**
   * The categories with offers that a set of names covers, as a union of
   * intersections (Topsort's category forms): a name is a joined path
   * (`Makeup > Lips`) or one segment (`Lipstick`, any case), and covers every
   * category under it. Read from the book: no I/O.
   */
  async categoriesNamed(project: string, groups: string[][]): Promise<Set<string>> {
    const book = await this.books.of(project);
    const out = new Set<string>();
    for (const category of book.byCategory.keys()) {
      const segments = category.split(' > ');
      const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join(' > ').toLowerCase());
      const lower = new Set(segments.map((x) => x.toLowerCase()));
      const covers = (name: string) => {
        const n = name.trim().toLowerCase();
        return lower.has(n) || prefixes.includes(n);
      };
      if (groups.some((g) => g.every(covers))) out.add(category);
    }
    return out;
  }

  /** The categories of context items, read from the catalogue (the auction route's `itemIds`). */
  async categoriesOf(project: string, itemIds: string[]): Promise<{ categories: Set<string>; brands: Set<string> }> {
    const items = await this.catalog.items.getMany(project, itemIds);
    return { categories: new Set(items.map((i) => i.categoryPath.join(' > '))), brands: new Set(items.map((i) => i.brand)) };
  }

  private relevant(book: ProjectBook, req: AuctionRequest): BookOffer[] {
    if (req.candidates) return req.candidates.flatMap((c) => book.byItem.get(c.id) ?? []);
    const out: BookOffer[] = [];
    for (const c of req.categories ?? []) {
      const list = book.byCategory.get(c);
      if (list) for (const o of list) out.push(o);
    }
    return out;
  }

  private ineligible(book: ProjectBook, o: BookOffer, req: AuctionRequest, now: number, fraction: number, day: string): string | undefined {
    const c = o.c;
    if (now < c.start) return 'not started';
    if (now >= c.end) return 'ended';
    if (!o.p.available) return 'out of stock';
    if (req.exclude?.has(o.item)) return 'already on the page';
    if (req.excludeBrands?.has(o.p.brand)) return 'the page\'s own brand';
    if (o.bid < book.settings.reservePrice) return `bid ${o.bid} below the reserve price ${book.settings.reservePrice}`;
    // Yesterday's snapshot does not count against today: the day turned since the last refresh.
    const today = book.day === day ? c.today : 0;
    if (today + o.bid > c.dailyBudget) return `daily budget spent (${today} of ${c.dailyBudget})`;
    if (c.totalBudget !== null && c.total + o.bid > c.totalBudget) return `total budget spent (${c.total} of ${c.totalBudget})`;
    if (c.pacing === 'even' && pacedOut(today, c.dailyBudget, fraction)) return `paced: ${today} spent by ${Math.round(fraction * 100)}% of the day`;
    return undefined;
  }
}

/** The page's relevance of an offer's product, remembered on the offer for as long as the page asks with the same function (one per model). */
function relevanceOf(o: BookOffer, of: ((itemId: string) => number | undefined) | undefined): number | undefined {
  if (!of) return undefined;
  const m = o.memo;
  if (m && m.of === of) return m.value;
  const value = of(o.item);
  o.memo = { of, value };
  return value;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
