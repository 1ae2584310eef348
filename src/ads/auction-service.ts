import type { CatalogFace } from '../catalog/index.js';
import { placePool, Pool } from './auction.js';
import type { BidTokens } from './bid-token.js';
import type { BookOffer, ProjectBook } from './book.js';
import type { Books } from './books.js';
import { dayPosition } from './budget-day.js';
import { ELIGIBLE, ineligibility, ineligibleReason, type Moment } from './eligibility.js';
import * as errors from './errors.js';
import { predictedCtr } from './quality.js';

/** Relevance of a product the page gave no score for. */
const DEFAULT_RELEVANCE = 0.5;
/** Most slots one auction fills (Rouge's own routes allow 10; the Topsort drop-in up to this). */
const MAX_SLOTS = 40;
/** Debug lists at most this many offers. */
const DEBUG_LIMIT = 200;
const NONE: readonly never[] = [];

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
  private readonly pool = new Pool<BookOffer>();

  constructor(private readonly books: Books, private readonly tokens: BidTokens, private readonly catalog: CatalogFace) {}

  async run(project: string, req: AuctionRequest): Promise<AuctionResult> {
    if (!Number.isInteger(req.slots) || req.slots < 0 || req.slots > MAX_SLOTS) throw errors.AUCTION_INPUT_INVALID({ why: `slots must be 0 to ${MAX_SLOTS}, got ${req.slots}` });
    if (req.slots === 0) return { winners: [] };
    const book = await this.books.of(project);
    // From here to the return nothing awaits, so one pool serves every auction of this process in turn.
    try {
      return this.decide(project, book, req);
    } finally {
      this.pool.release();
    }
  }

  private decide(project: string, book: ProjectBook, req: AuctionRequest): AuctionResult {
    const now = Date.now();
    const pos = dayPosition(book.timeZone, now);
    const at: Moment = { now, fraction: pos.fraction, today: book.day === pos.day };
    const pool = this.pool;
    const debug: DebugEntry[] | undefined = req.debug ? [] : undefined;
    let considered = 0;
    const admit = (o: BookOffer, given: number | undefined) => {
      considered++;
      const why = ineligibility(book, o, req, at);
      if (why !== ELIGIBLE) {
        if (debug && debug.length < DEBUG_LIMIT) debug.push({ campaignId: o.campaign, advertiserId: o.advertiser, itemId: o.item, outcome: 'ineligible', reason: ineligibleReason(why, book, o, at), bid: o.bid });
        return;
      }
      const relevance = given ?? relevanceOf(o, req.relevance) ?? DEFAULT_RELEVANCE;
      pool.add(o, predictedCtr(relevance, o.p.impressions, o.p.clicks));
    };
    if (req.candidates) {
      // A product named twice is weighed once, with the last quality given.
      const given = new Map(req.candidates.map((c) => [c.id, c.quality ?? DEFAULT_RELEVANCE]));
      for (const [id, quality] of given) for (const o of book.byItem.get(id) ?? NONE) admit(o, quality);
    } else {
      for (const c of req.categories ?? NONE) for (const o of book.byCategory.get(c) ?? NONE) admit(o, undefined);
    }
    const placed = placePool(pool, { slots: req.slots, reservePrice: book.settings.reservePrice, auctionType: book.settings.auctionType });
    const currency = book.settings.currency;
    const winners = placed.map((w): SponsoredWinner => ({
      id: w.offer.item, rank: w.rank, campaignId: w.offer.campaign, advertiserId: w.offer.advertiser,
      resolvedBidId: this.tokens.sign(project, { campaign: w.offer.campaign, advertiser: w.offer.advertiser, item: w.offer.item, cpc: w.price, at: now }),
      cpc: { amount: w.price, currency },
    }));
    if (!debug) return { winners };
    const won = new Map(placed.map((w) => [w.offer, w]));
    const wonItems = new Set(placed.map((w) => w.offer.item));
    const order = Array.from({ length: pool.n }, (_, i) => i).sort((a, b) => pool.score[b]! - pool.score[a]!);
    for (const i of order) {
      if (debug.length >= DEBUG_LIMIT) break;
      const o = pool.offers[i]!;
      const score = pool.score[i]!;
      const w = won.get(o);
      const base = { campaignId: o.campaign, advertiserId: o.advertiser, itemId: o.item, bid: o.bid, quality: round(pool.quality[i]!), score: round(score) };
      if (w) debug.push({ ...base, outcome: 'won', reason: `rank ${w.rank}: quality x bid ${round(score)}`, cpc: w.price });
      else debug.push({ ...base, outcome: 'lost', reason: wonItems.has(o.item) ? 'another campaign won this product with a higher quality x bid' : `quality x bid ${round(score)} below the last winner's` });
    }
    const notes = [`${considered} offer(s) relevant to the page; ${pool.n} eligible; ${book.settings.auctionType}, reserve ${book.settings.reservePrice} ${currency}`];
    return { winners, debug: { entries: debug, considered, notes } };
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
}

/** The page's relevance of an offer's product, remembered on the offer for as long as the page asks with the same function (one per model). */
function relevanceOf(o: BookOffer, of: ((itemId: string) => number | undefined) | undefined): number | undefined {
  if (!of) return undefined;
  if (o.memoOf === of) return o.memoValue;
  const value = of(o.item);
  o.memoOf = of;
  o.memoValue = value;
  return value;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
