/**
 * The console's Commerce pages in headless Chromium against the demo project
 * (`rouge serve --demo`: a beauty catalogue, a trained model, one recommender
 * per kind with an A/B test on for-you, six brands as advertisers with
 * campaigns on lipsticks). The flow "search the demo and see sponsored
 * items": a search for lipstick shows organic lipsticks with their reasons
 * next to sponsored ones with their campaign and cost per click, exactly as
 * the API answered; a query that matches nothing says so; the product picker
 * works from the keyboard. Then the advertisers, one advertiser's campaigns
 * paused and resumed through the UI (the API agrees), its charts, the create
 * form with the API's errors (a viewer is told the role it lacks), and the
 * A/B report of for-you. axe-core on every page; screenshots.
 *
 * The project is the demo's, loaded by the demo's own loaders (catalogue,
 * events, model, recommenders, ads, experiment: what `npm start` shows)
 * without its image tagger and background image analysis, which take a
 * few seconds on an idle machine but minutes on a shared one.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adsModule } from '../src/ads/index.js';
import { catalogModule } from '../src/catalog/index.js';
import { loadDemoAds } from '../src/demo/ads.js';
import { loadDemoExperiment } from '../src/demo/experiment.js';
import { loadDemo } from '../src/demo/index.js';
import { placementsModule } from '../src/placements/index.js';
import { registryModule } from '../src/registry/index.js';
import { servingModule } from '../src/serving/index.js';
import { ADMIN_KEY } from './helpers/app.js';
import { HAVE_CHROMIUM, expectAccessible, launchBrowser, openPage, reportSkip, screenshot, signIn, startConsoleApp } from './helpers/console.js';
import { freePort } from './helpers/redis-server.js';

reportSkip('console-commerce.test.ts');
const P = 'demo';

interface Sponsored { id: string; campaignId: string; cpc: { amount: number; currency: string } }
interface Answer { items: Array<{ id: string; reason: string; categoryPath: string[] }>; sponsored: Sponsored[]; matched: boolean }

/** The product ids a result list shows, in order (each card shows its id). */
async function idsIn(page: Page, list: string): Promise<string[]> {
  return page.getByRole('list', { name: list }).locator(':scope > li .product-meta code').allTextContents();
}

/** The cost per click as the page formats it: the same Intl formatting, in the browser's locale. */
async function formatted(page: Page, m: { amount: number; currency: string }): Promise<string> {
  return page.evaluate((x) => new Intl.NumberFormat(undefined, { style: 'currency', currency: x.currency }).format(x.amount / 100), m);
}

describe.skipIf(!HAVE_CHROMIUM)('the Commerce pages on the demo', () => {
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  beforeAll(async () => {
    // `demo: true` serves the demo's product images (from this server, at the port the items' imageLink names).
    const port = await freePort();
    ({ app, origin } = await startConsoleApp('sqlite', { demo: true, port, host: '127.0.0.1' }, { workerPollMs: 10 }));
    // The demo's own loaders, as `rouge serve --demo` runs them, without its image tagger and background analysis
    // (minutes of CPU on a loaded machine, and not what these pages show).
    const deps = {
      projects: app.rouge.projects, catalog: app.rouge.use(catalogModule), registry: app.rouge.use(registryModule), placements: app.rouge.use(placementsModule),
      serving: app.rouge.use(servingModule), jobs: app.rouge.jobs, log: () => undefined,
    };
    await loadDemo(deps, { baseUrl: origin });
    await loadDemoAds({ catalog: deps.catalog, ads: app.rouge.use(adsModule), placements: deps.placements, log: () => undefined }, P);
    await loadDemoExperiment(deps, P, 1);
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('searches the demo for lipstick: organic lipsticks with reasons next to sponsored ones with campaign and CPC, as the API answered', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Recommendations', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Recommendations' }).waitFor();
    await page.getByLabel('Recommender', { exact: true }).selectOption('search');
    await page.getByLabel('Search query').fill('lipstick');
    const answered = page.waitForResponse((r) => r.url().endsWith('/recommenders/search:recommend') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Recommend' }).click();
    const answer = (await (await answered).json()) as Answer;
    expect(answer.sponsored.length).toBeGreaterThanOrEqual(1);
    await page.getByRole('status').filter({ hasText: /organic results? and \d+ sponsored for “lipstick”/ }).waitFor();

    // Organic: the API's items in its order, each a lipstick with its reason.
    const organic = await idsIn(page, 'Organic results');
    expect(organic).toEqual(answer.items.map((i) => i.id));
    expect(organic.length).toBe(10);
    const organicList = page.getByRole('list', { name: 'Organic results' });
    for (const item of answer.items) expect(item.categoryPath.at(-1)).toBe('Lipstick');
    expect(await organicList.getByText('query_match', { exact: true }).count()).toBe(answer.items.length);
    expect(await organicList.getByText('Sponsored', { exact: true }).count()).toBe(0);

    // Sponsored: marked in words, with the campaign (linking to its advertiser) and the cost per click.
    const sponsored = await idsIn(page, 'Sponsored results');
    expect(sponsored).toEqual(answer.sponsored.map((s) => s.id));
    expect(sponsored.filter((id) => organic.includes(id))).toEqual([]);
    const sponsoredList = page.getByRole('list', { name: 'Sponsored results' });
    const first = answer.sponsored[0]!;
    const card = sponsoredList.locator(':scope > li').first();
    await expect.poll(() => card.getByText('Sponsored', { exact: true }).count()).toBe(1);
    expect(await card.textContent()).toContain(await formatted(page, first.cpc));
    const link = card.getByRole('link', { name: first.campaignId });
    await link.waitFor();
    const advertiser = (await link.getAttribute('href'))!.split('/').pop()!;
    // The API holds that campaign under the advertiser the link names.
    const campaign = await app.inject({ url: `/v1/projects/${P}/advertisers/${advertiser}/campaigns/${first.campaignId}` });
    expect(campaign.statusCode, campaign.body).toBe(200);
    expect(campaign.json().products).toContain(first.id);
    // Images are the demo's, served by this same server.
    await expect.poll(() => sponsoredList.locator('img').first().evaluate((img) => (img as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

    await page.getByRole('link', { name: /About search/ }).waitFor();
    await expectAccessible(page, 'recommend');
    await screenshot(page, 'commerce-recommend');

    // A query that matches no category says so, and shows nothing unrelated.
    await page.getByLabel('Search query').fill('zzqxv');
    await page.getByRole('button', { name: 'Recommend' }).click();
    await page.getByText(/The query matched nothing/).waitFor();
    expect(await page.getByRole('list', { name: 'Organic results' }).count()).toBe(0);

    // An ads manager may have the auction explained: the offers that won are the sponsored items shown.
    await page.getByLabel('Search query').fill('lipstick');
    await page.getByLabel('Explain the auction').check();
    const explained = page.waitForResponse((r) => r.url().endsWith('/recommenders/search:recommend'));
    await page.getByRole('button', { name: 'Recommend' }).click();
    const withDebug = (await (await explained).json()) as Answer & { adsDebug: { entries: Array<{ itemId: string; outcome: string }> } };
    const offers = page.getByRole('table', { name: 'Offers in the auction' });
    await offers.waitFor();
    const won = offers.locator('tbody tr').filter({ has: page.getByText('won', { exact: true }) });
    await expect.poll(() => won.locator('th code').allTextContents()).toEqual(withDebug.adsDebug.entries.filter((e) => e.outcome === 'won').map((e) => e.itemId));
    expect(await idsIn(page, 'Sponsored results')).toEqual(withDebug.sponsored.map((s) => s.id));
    expect(withDebug.sponsored.map((s) => s.id).sort()).toEqual(withDebug.adsDebug.entries.filter((e) => e.outcome === 'won').map((e) => e.itemId).sort());
    await expectAccessible(page, 'recommend, auction explained');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('picks the context product from the keyboard for a similar-items recommender', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/recommend?recommender=similar');
    const picker = page.getByRole('combobox', { name: 'Product' });
    await picker.fill('mauve');
    const options = page.getByRole('listbox', { name: 'Product suggestions' }).getByRole('option');
    await options.first().waitFor();
    const second = (await options.nth(1).textContent())!;
    await picker.press('ArrowDown');
    expect(await picker.getAttribute('aria-activedescendant')).toBe(await options.nth(1).getAttribute('id'));
    await picker.press('Enter');
    const picked = page.getByText(/Context product:/);
    await picked.waitFor();
    const id = (await picked.locator('code').textContent())!;
    expect(second).toContain(id);
    await expectAccessible(page, 'recommend, similar with a product picked');
    const answered = page.waitForResponse((r) => r.url().endsWith('/recommenders/similar:recommend'));
    await page.getByRole('button', { name: 'Recommend' }).click();
    const res = await answered;
    expect(JSON.parse(res.request().postData()!).itemIds).toEqual([id]);
    const answer = (await res.json()) as Answer;
    await page.getByRole('status').filter({ hasText: /organic results? and/ }).waitFor();
    expect(await idsIn(page, 'Organic results')).toEqual(answer.items.map((i) => i.id));
    expect(answer.items.map((i) => i.id)).not.toContain(id);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists the advertisers, pauses and resumes a campaign through the UI, draws its charts and shows the API\'s errors', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Sponsored products', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sponsored products' }).waitFor();
    await page.getByText('second price: a winner pays what it needed to keep its rank').waitFor();
    const advertisers = (await app.inject({ url: `/v1/projects/${P}/advertisers` })).json().advertisers as Array<{ advertiserId: string; displayName: string }>;
    const table = page.getByRole('table', { name: /Advertisers/ });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(advertisers.length);
    await expect.poll(() => table.getByText('…', { exact: true }).count()).toBe(0);
    await expectAccessible(page, 'advertisers');
    await screenshot(page, 'commerce-ads');

    // Creating an advertiser; the same id again shows the API's 409.
    await page.getByLabel('Id', { exact: true }).fill('lumiere');
    await page.getByLabel('Brand').fill('Lumiere');
    await page.getByRole('button', { name: 'Create advertiser' }).click();
    await page.getByText('Created advertiser lumiere for brand Lumiere.').waitFor();
    expect((await app.inject({ url: `/v1/projects/${P}/advertisers/lumiere` })).json().brand).toBe('Lumiere');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(advertisers.length + 1);
    await page.getByLabel('Id', { exact: true }).fill('lumiere');
    await page.getByLabel('Brand').fill('Lumiere');
    await page.getByRole('button', { name: 'Create advertiser' }).click();
    await page.getByRole('alert').filter({ hasText: 'ADVERTISER_ALREADY_EXISTS' }).waitFor();

    // The advertiser with the most spend: its page, its campaign paused and resumed.
    const mirael = advertisers.find((a) => a.advertiserId === 'mirael')!;
    await table.getByRole('link', { name: mirael.displayName }).click();
    await page.getByRole('heading', { level: 1, name: `Advertiser ${mirael.displayName}` }).waitFor();
    const campaign = (await app.inject({ url: `/v1/projects/${P}/advertisers/mirael/campaigns` })).json().campaigns[0] as { campaignId: string; displayName: string; status: string };
    expect(campaign.status).toBe('active');
    const api = async () => (await app.inject({ url: `/v1/projects/${P}/advertisers/mirael/campaigns/${campaign.campaignId}` })).json().status as string;
    const campaigns = page.getByRole('table', { name: 'Campaigns' });
    await campaigns.getByRole('meter', { name: `${campaign.displayName}: spend today of the daily budget` }).waitFor();
    expect(await campaigns.locator('.spend-meter .numbers').first().textContent()).toMatch(/ of .* \(\d+(\.\d+)? %\)/);
    await page.getByRole('button', { name: `Pause ${campaign.displayName}` }).click();
    await page.getByRole('status').filter({ hasText: `${campaign.displayName} is paused` }).waitFor();
    expect(await api()).toBe('paused');
    await campaigns.getByText('paused', { exact: true }).waitFor();
    await page.getByRole('button', { name: `Resume ${campaign.displayName}` }).click();
    await page.getByRole('status').filter({ hasText: `${campaign.displayName} is active again` }).waitFor();
    expect(await api()).toBe('active');

    // A new campaign from the form, in rupees (the API holds paise); another brand's product is refused with the API's reason.
    const product = (await app.inject({ url: `/v1/projects/${P}/advertisers/mirael/campaigns/${campaign.campaignId}` })).json().products[0] as string;
    await page.getByLabel('Id (optional)').fill('mirael-festive');
    await page.getByRole('textbox', { name: 'Products' }).fill('KHL-LIP-0009');
    await page.getByRole('spinbutton', { name: 'Bid' }).fill('12.5');
    await page.getByRole('spinbutton', { name: 'Daily budget' }).fill('500');
    await page.getByLabel('Create it paused').check();
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('alert').filter({ hasText: 'PRODUCT_NOT_ELIGIBLE' }).waitFor();
    await page.getByRole('textbox', { name: 'Products' }).fill(product);
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByText('Created campaign mirael-festive (paused).').waitFor();
    const made = (await app.inject({ url: `/v1/projects/${P}/advertisers/mirael/campaigns/mirael-festive` })).json();
    expect([made.status, made.products, made.bid, made.dailyBudget.amount, made.pacing]).toEqual(['paused', [product], { amount: 1250, currency: 'INR' }, 50000, 'even']);
    await campaigns.getByRole('row', { name: /mirael-festive/ }).waitFor();

    // Charts: pacing over the day, and the report's spend, clicks, CTR and ROAS, each a canvas inside its labelled chart.
    for (const name of [/^Pacing over the day for /, /^Spend per day/, /^Charged clicks per day/, /^Click-through rate per day/, /^Revenue over spend per day/]) {
      await page.getByRole('img', { name }).locator('canvas').first().waitFor();
    }
    const report = (await app.inject({ url: `/v1/projects/${P}/advertisers/mirael/reports?groupBy=campaign` })).json();
    const totals = page.getByRole('table', { name: /Report by campaign/ }).locator('tfoot tr');
    await expect.poll(() => totals.locator('td').nth(1).textContent()).toBe(new Intl.NumberFormat('en-US').format(report.totals.clicks));
    await expectAccessible(page, 'advertiser');
    await screenshot(page, 'commerce-advertiser');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tells a viewer which role creating an advertiser or explaining an auction needs, from the API\'s message', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'vera' } })).statusCode).toBe(200);
    const key = (await app.inject({ method: 'POST', url: '/v1/users/vera/keys', payload: {} })).json().key as string;
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/bindings`, payload: { principal: 'user:vera', role: 'viewer' } })).statusCode).toBe(200);
    const { context, page } = await openPage(browser);
    await signIn(page, origin, key, P, '/ads');
    await page.getByLabel('Id', { exact: true }).fill('nope');
    await page.getByLabel('Brand').fill('Nope');
    await page.getByRole('button', { name: 'Create advertiser' }).click();
    await page.getByRole('alert').filter({ hasText: /lacks permission ads\.advertisers\.create.*adsManager/ }).waitFor();
    expect((await app.inject({ url: `/v1/projects/${P}/advertisers/nope` })).statusCode).toBe(404);
    // The auction's explanation is an ads manager's too.
    await page.goto(`${origin}/console/p/${P}/recommend?recommender=search&query=lipstick`);
    await page.getByLabel('Explain the auction').check();
    await page.getByRole('button', { name: 'Recommend' }).click();
    await page.getByRole('alert').filter({ hasText: /lacks permission ads\.auctions\.debug.*adsManager/ }).waitFor();
    await context.close();
  });

  it('shows for-you\'s configuration and its A/B report as a table and a chart per metric', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/recommend?recommender=for-you');
    await page.getByRole('link', { name: /About for-you/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Recommender for-you' }).waitFor();
    const report = (await app.inject({ url: `/v1/projects/${P}/recommenders/for-you/experiments/report` })).json() as { variants: Array<{ name: string; users: number; clicks: number }> };
    const table = page.getByRole('table', { name: 'A/B report per variant' });
    for (const v of report.variants) {
      const row = table.getByRole('row', { name: new RegExp(`^${v.name} `) });
      await row.waitFor();
      expect(await row.locator('td').first().textContent()).toBe(new Intl.NumberFormat('en-US').format(v.users));
    }
    for (const name of [/^Click-through rate per variant, with 95% intervals/, /^Conversion rate .* with 95% intervals/, /^Add-to-cart rate per variant/, /^Revenue per variant/]) {
      await page.getByRole('img', { name }).locator('canvas').first().waitFor();
    }
    await expectAccessible(page, 'recommender');
    await screenshot(page, 'commerce-ab-report');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('holds the try-out page on a phone', async () => {
    const { context, page } = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, origin, ADMIN_KEY, P, '/recommend?recommender=search&query=lipstick');
    await page.getByRole('button', { name: 'Recommend' }).click();
    await page.getByRole('list', { name: 'Sponsored results' }).waitFor();
    const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'recommend on a phone');
    await screenshot(page, 'commerce-recommend-phone');
    await context.close();
  });
});
