import type { BookOffer, ProjectBook } from './book.js';
import { pacedOut } from './pacing.js';

/** When an auction runs: the clock, how much of the budget day has passed, and whether the book's spend snapshot is of today. */
export interface Moment {
  now: number;
  fraction: number;
  today: boolean;
}

/** What an auction asks of every offer beyond the book: what the page already shows. */
export interface PageLimits {
  exclude?: ReadonlySet<string>;
  excludeBrands?: ReadonlySet<string>;
}

export const ELIGIBLE = 0;
const NOT_STARTED = 1;
const ENDED = 2;
const OUT_OF_STOCK = 3;
const ON_PAGE = 4;
const PAGE_BRAND = 5;
const BELOW_RESERVE = 6;
const DAILY_SPENT = 7;
const TOTAL_SPENT = 8;
const PACED = 9;

/**
 * Why an offer may not enter an auction now, as a code (ELIGIBLE when it
 * may): every offer of a page is checked on every request, so the reason's
 * words are built only when a debug answer asks for them (`ineligibleReason`).
 */
export function ineligibility(book: ProjectBook, o: BookOffer, page: PageLimits, at: Moment): number {
  const c = o.c;
  if (at.now < c.start) return NOT_STARTED;
  if (at.now >= c.end) return ENDED;
  if (!o.p.available) return OUT_OF_STOCK;
  if (page.exclude?.has(o.item)) return ON_PAGE;
  if (page.excludeBrands?.has(o.p.brand)) return PAGE_BRAND;
  if (o.bid < book.settings.reservePrice) return BELOW_RESERVE;
  // Yesterday's snapshot does not count against today: the day turned since the last refresh.
  const today = at.today ? c.today : 0;
  if (today + o.bid > c.dailyBudget) return DAILY_SPENT;
  if (c.totalBudget !== null && c.total + o.bid > c.totalBudget) return TOTAL_SPENT;
  if (c.pacing === 'even' && pacedOut(today, c.dailyBudget, at.fraction)) return PACED;
  return ELIGIBLE;
}

/** The words for an ineligibility code, for `"debug": true`. */
export function ineligibleReason(code: number, book: ProjectBook, o: BookOffer, at: Moment): string {
  const c = o.c;
  const today = at.today ? c.today : 0;
  switch (code) {
    case NOT_STARTED: return 'not started';
    case ENDED: return 'ended';
    case OUT_OF_STOCK: return 'out of stock';
    case ON_PAGE: return 'already on the page';
    case PAGE_BRAND: return 'the page\'s own brand';
    case BELOW_RESERVE: return `bid ${o.bid} below the reserve price ${book.settings.reservePrice}`;
    case DAILY_SPENT: return `daily budget spent (${today} of ${c.dailyBudget})`;
    case TOTAL_SPENT: return `total budget spent (${c.total} of ${c.totalBudget})`;
    case PACED: return `paced: ${today} spent by ${Math.round(at.fraction * 100)}% of the day`;
    default: return 'eligible';
  }
}
