import type { AdsFace } from '../ads/index.js';
import type { CatalogFace, Item } from '../catalog/index.js';
import { readPage, RougeError } from '../platform/index.js';
import type { PlacementsFace } from '../placements/index.js';
import { Random } from './random.js';

/** Lips-and-eyes brands that buy sponsored slots in the demo, with what they bid per click (paise). */
const ADVERTISERS: ReadonlyArray<{ brand: string; bid: number }> = [
  { brand: 'Velvetine', bid: 900 }, { brand: 'Kohl Story', bid: 600 }, { brand: 'Chandni', bid: 450 },
  { brand: 'Cocoa Muse', bid: 1200 }, { brand: 'Noor Beauty', bid: 500 }, { brand: 'Mirael', bid: 1000 },
];
/** Products per campaign: lipsticks first, then the brand's other products. */
const PRODUCTS = 40;

const exists = (e: unknown) => e instanceof RougeError && (e.reason === 'ADVERTISER_ALREADY_EXISTS' || e.reason === 'CAMPAIGN_ALREADY_EXISTS');
const idOf = (brand: string) => brand.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/**
 * The demo's sponsored products: six brands as advertisers, each with an
 * evergreen campaign on its lipsticks and other lip and eye products, in the
 * catalogue's currency, so a lipstick search shows other brands' lipsticks
 * as sponsored slots. Each step is skipped when it was done on an earlier start.
 */
export async function loadDemoAds(deps: { catalog: CatalogFace; ads: AdsFace; placements: PlacementsFace; log: (line: string) => void }, project: string): Promise<void> {
  const { catalog, ads } = deps;
  const items: Item[] = [];
  let pageToken: string | undefined;
  do {
    const page = await catalog.items.list(project, undefined, readPage({ pageSize: 1000, pageToken }));
    items.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  const currency = items.find((i) => i.price)?.price?.currency ?? 'INR';
  if ((await ads.settings.get(project)).currency !== currency) await ads.settings.update(project, { currency, reservePrice: 100 });
  let made = 0;
  const promoted: Item[] = [];
  for (const { brand, bid } of ADVERTISERS) {
    const mine = items.filter((i) => i.brand === brand && (i.categoryPath[1] === 'Lips' || i.categoryPath[1] === 'Eyes'))
      .sort((a, b) => Number(b.categoryPath[2] === 'Lipstick') - Number(a.categoryPath[2] === 'Lipstick') || (a.id < b.id ? -1 : 1))
      .slice(0, PRODUCTS);
    if (mine.length === 0) continue;
    promoted.push(...mine);
    const advertiser = idOf(brand);
    await ads.advertisers.create(project, { name: advertiser, brand, displayName: brand }).catch((e: unknown) => {
      if (!exists(e)) throw e;
    });
    await ads.campaigns.create(project, advertiser, {
      name: `${advertiser}-always-on`, displayName: `${brand} always-on`, products: mine.map((i) => i.id),
      bid: { amount: bid, currency }, dailyBudget: { amount: 5_000_000, currency }, pacing: 'asap',
    }).then(() => made++, (e: unknown) => {
      if (!exists(e)) throw e;
    });
  }
  if (made > 0) deps.log(`demo: ${made} advertiser campaigns for sponsored products`);
  if ((await ads.ledger(project)).length === 0) {
    deps.log(`demo: simulating ${SHOPPERS} shoppers' searches with sponsored slots (impressions, clicks, purchases)`);
    // Shoppers search for the product types on promotion, named as the catalogue names them.
    const queries = [...new Set(promoted.map((i) => i.categoryPath.at(-1)!.toLowerCase()))].sort();
    await simulateSponsoredVisits(deps, project, queries, 1);
  }
}

/** Shoppers whose simulated searches give the advertisers' reports their numbers. */
const SHOPPERS = 400;

/**
 * Generated traffic on the sponsored slots, now (a winner's resolvedBidId is
 * good for a day from its auction): each shopper searches, sees two
 * sponsored products, sometimes clicks one (more often the first), and
 * sometimes buys it, or another product of the same brand (a halo sale).
 * Every event goes through userEvents:write, so clicks are billed and
 * purchases attributed exactly as a storefront's would be.
 */
async function simulateSponsoredVisits(deps: { catalog: CatalogFace; placements: PlacementsFace }, project: string, queries: readonly string[], seed: number): Promise<void> {
  const random = new Random(seed, 91);
  const events: Parameters<CatalogFace['events']['write']>[1] = [];
  let t = Date.now() - 60_000;
  const at = () => new Date((t += 50)).toISOString();
  for (let u = 1; u <= SHOPPERS; u++) {
    const userId = `user-${u}`;
    const query = queries[random.int(queries.length)]!;
    const r = await deps.placements.recommender.recommend(project, 'search', { query, userId, limit: 10, sponsoredSlots: 2, fields: ['brand', 'price'] });
    for (const s of r.sponsored ?? []) {
      events.push({ eventId: `ads-${u}-imp-${s.rank}`, type: 'impression', userId, resolvedBidId: s.resolvedBidId, itemIds: [s.id], eventTime: at() });
      if (random.next() >= (s.rank === 1 ? 0.12 : 0.06)) continue;
      events.push({ eventId: `ads-${u}-click-${s.rank}`, type: 'click', userId, resolvedBidId: s.resolvedBidId, itemIds: [s.id], eventTime: at() });
      const price = s.price as { amount: number; currency: string } | undefined;
      const roll = random.next();
      if (!price || roll >= 0.15) continue;
      // Most buyers take the product they clicked; some pick another of the brand's from the results.
      const other = roll >= 0.11 ? r.items.find((i) => i.brand === s.brand && i.id !== s.id) : undefined;
      const bought = other ? { id: other.id, price: (other.price as typeof price | undefined) ?? price } : { id: s.id, price };
      const quantity = 1 + random.int(2);
      events.push({
        eventId: `ads-${u}-buy-${s.rank}`, type: 'purchase', userId, itemIds: [bought.id], eventTime: at(),
        lineItems: [{ id: bought.id, quantity, price: bought.price }], value: { amount: bought.price.amount * quantity, currency: bought.price.currency },
      });
    }
  }
  for (let i = 0; i < events.length; i += 1000) await deps.catalog.events.write(project, events.slice(i, i + 1000));
}
