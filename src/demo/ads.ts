import type { AdsFace } from '../ads/index.js';
import type { CatalogFace, Item } from '../catalog/index.js';
import { readPage, RougeError } from '../platform/index.js';

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
export async function loadDemoAds(deps: { catalog: CatalogFace; ads: AdsFace; log: (line: string) => void }, project: string): Promise<void> {
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
  for (const { brand, bid } of ADVERTISERS) {
    const mine = items.filter((i) => i.brand === brand && (i.categoryPath[1] === 'Lips' || i.categoryPath[1] === 'Eyes'))
      .sort((a, b) => Number(b.categoryPath[2] === 'Lipstick') - Number(a.categoryPath[2] === 'Lipstick') || (a.id < b.id ? -1 : 1))
      .slice(0, PRODUCTS);
    if (mine.length === 0) continue;
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
}
