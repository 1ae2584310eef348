import { searchFor, type Search } from './queries.js';
import type { Random } from './random.js';
import { FAVOURITES, LOYALTIES, type Shoppers } from './shoppers.js';
import type { Shelf, Shop } from './shop.js';
import type { DemoEvent, DemoItem } from './types.js';

/** One session's events and their times in ms, oldest first (kept as numbers so the merge need not parse). */
export interface SessionEvents {
  events: DemoEvent[];
  times: number[];
}

// The knobs of a session, tuned so that a session averages about six events and
// about one session in five ends in a purchase: far above a real shop's
// conversion, so that a small demo still has purchases to learn from.
const STAY_ON_FAVOURITES = 0.8;
const SEARCH_FIRST = 0.3;
const MORE_VIEWS = 0.68;
const MAX_VIEWS = 12;
const WANDER_SIBLING = 0.07;
const WANDER_ANYWHERE = 0.02;
const BRAND_LOYAL_PICK = 0.65;
const ADD_TO_CART = 0.22;
const ADD_COMPLEMENT = 0.55;
const BUY = 0.45;
const MEAN_GAP_MS = 45_000;

/** What a session needs from the generator: the shop, the shoppers, a random stream and a clock bound. */
export interface SessionContext {
  shop: Shop;
  shoppers: Shoppers;
  rng: Random;
  /** No event may be later than this. */
  latest: number;
}

/**
 * Simulates one visit by shopper `user`: an optional search, views mostly
 * within one type (with the shopper's favourite brands favoured and
 * popular items more likely), add-to-carts that pull in a complement
 * (lipstick, then lip liner), and sometimes a purchase of the cart.
 */
export function simulateSession(ctx: SessionContext, user: number, sessionId: string, start: number): SessionEvents {
  const { shop, shoppers, rng } = ctx;
  const out: SessionEvents = { events: [], times: [] };
  const userId = shoppers.signedIn[user] === 1 ? `user-${user + 1}` : undefined;
  let t = start;
  const emit = (e: Omit<DemoEvent, 'eventId' | 'sessionId' | 'eventTime'>) => {
    const event: DemoEvent = { eventId: `${sessionId}.${out.events.length}`, type: e.type, sessionId, eventTime: new Date(t).toISOString() };
    if (userId) event.userId = userId;
    if (e.itemIds) event.itemIds = e.itemIds;
    if (e.query) event.query = e.query;
    if (e.value) event.value = e.value;
    if (e.lineItems) event.lineItems = e.lineItems;
    out.events.push(event);
    out.times.push(t);
    // A shopper reads a page for a few seconds to a few minutes; capped so a long session cannot run past `latest`.
    t = Math.min(ctx.latest, t + 3000 + Math.min(rng.exponential(MEAN_GAP_MS), 240_000));
  };

  const mission = missionOf(ctx, user);
  const brand = brandOf(ctx, user);
  const home = shop.shelves[mission] as Shelf;
  let search: Search | undefined;
  if (rng.chance(SEARCH_FIRST)) {
    search = searchFor(home.path, brand !== undefined && home.byBrand.has(brand) ? brand : undefined, rng);
    emit({ type: 'search', query: search.query });
  }
  const cart: DemoItem[] = [];
  let views = 1;
  while (views < MAX_VIEWS && rng.chance(MORE_VIEWS)) views++;
  for (let v = 0; v < views; v++) {
    const r = rng.next();
    const shelf = r < WANDER_SIBLING && home.siblings.length > 0 ? rng.pick(home.siblings) : r < WANDER_SIBLING + WANDER_ANYWHERE ? rng.weighted(shop.traffic) : mission;
    const item = pickItem(ctx, shelf, brand, shelf === mission ? search?.wants : undefined);
    emit({ type: 'view', itemIds: [item.id] });
    if (item.availability !== 'in_stock' || cart.includes(item) || !rng.chance(ADD_TO_CART)) continue;
    emit({ type: 'add_to_cart', itemIds: [item.id] });
    cart.push(item);
    const complements = (shop.shelves[shelf] as Shelf).complements;
    if (complements.length === 0 || !rng.chance(ADD_COMPLEMENT)) continue;
    const extra = pickItem(ctx, rng.pick(complements), brand, undefined);
    emit({ type: 'view', itemIds: [extra.id] });
    if (extra.availability === 'in_stock' && !cart.includes(extra) && rng.chance(0.75)) {
      emit({ type: 'add_to_cart', itemIds: [extra.id] });
      cart.push(extra);
    }
  }
  if (cart.length > 0 && rng.chance(BUY)) {
    const lineItems = cart.map((i) => ({ id: i.id, quantity: rng.chance(0.1) ? 2 : 1, price: { amount: i.price.amount, currency: 'INR' as const } }));
    const amount = lineItems.reduce((sum, l) => sum + l.quantity * l.price.amount, 0);
    emit({ type: 'purchase', itemIds: lineItems.map((l) => l.id), value: { amount, currency: 'INR' }, lineItems });
  }
  return out;
}

/** The shelf a visit is about: mostly one of the shopper's favourites, the first most often. */
function missionOf({ shop, shoppers, rng }: SessionContext, user: number): number {
  if (rng.chance(STAY_ON_FAVOURITES)) {
    const f = shoppers.favourites[user * FAVOURITES + rng.weighted([0.6, 0.3, 0.1])] as number;
    if (f >= 0) return f;
    const first = shoppers.favourites[user * FAVOURITES] as number;
    if (first >= 0) return first;
  }
  return rng.weighted(shop.traffic);
}

function brandOf({ shoppers, rng }: SessionContext, user: number): string | undefined {
  const second = shoppers.loyalty[user * LOYALTIES + 1] as number;
  const b = second >= 0 && rng.chance(0.35) ? second : (shoppers.loyalty[user * LOYALTIES] as number);
  return b >= 0 ? shoppers.brands[b] : undefined;
}

/**
 * An item of a shelf, Zipf by popularity, from the shopper's brand when the
 * shelf has it and the shopper sticks to it this time; `wants` (what a search
 * asked for) is tried a few times, then given up, as a shopper settles.
 */
function pickItem({ shop, rng }: SessionContext, shelfIndex: number, brand: string | undefined, wants: Search['wants']): DemoItem {
  const shelf = shop.shelves[shelfIndex] as Shelf;
  const mine = brand === undefined ? undefined : shelf.byBrand.get(brand);
  const list = mine && rng.chance(BRAND_LOYAL_PICK) ? mine : shelf.items;
  let item = shop.items[list[rng.zipf(list.length)] as number] as DemoItem;
  for (let tries = 0; wants && !wants(item) && tries < 8; tries++) item = shop.items[shelf.items[rng.zipf(shelf.items.length)] as number] as DemoItem;
  return item;
}
