/**
 * The console on the `npm start` demo, in headless Chromium: every page of
 * every module opens on the demo's real data (its catalogue, models, the
 * re-ranking endpoint, six advertisers, the first image analysis and its
 * review queue, the retraining pipeline) without an error, a page error or a
 * serious accessibility violation; the screenshots are the ones
 * docs/console.md shows. The flows themselves are each tested in depth on
 * small fixtures (console-models, -commerce, -images, -automation).
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModule } from '../src/demo/index.js';
import { ADMIN_KEY } from './helpers/app.js';
import { HAVE_CHROMIUM, expectAccessible, launchBrowser, openPage, reportSkip, screenshot, signIn, startConsoleApp } from './helpers/console.js';
import { freePort } from './helpers/redis-server.js';
import { until } from './helpers/until.js';

reportSkip('console-demo.test.ts');

describe.skipIf(!HAVE_CHROMIUM)('the console on the demo', () => {
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    // Listening on the port in its config, as npm start does: the demo's image analysis fetches from it.
    const port = await freePort();
    ({ app, origin } = await startConsoleApp('sqlite', { demo: true, port, host: '127.0.0.1' }, { workerPollMs: 10 }));
    await app.rouge.start();
    await app.rouge.use(demoModule).loaded;
    // A run of the retraining pipeline, so the run graph has something to show.
    const run = await app.inject({ method: 'POST', url: '/v1/projects/demo/pipelines/retrain-recs:run', payload: {} });
    expect(run.statusCode, run.body).toBe(200);
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
    await signIn(page, origin, ADMIN_KEY, 'demo');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Opens a console path, waits for its heading and for its loading states to end, and checks what it shows. */
  async function visit(path: string, heading: RegExp, shot: string): Promise<void> {
    await page.goto(`${origin}/console/p/demo${path}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await expect.poll(() => page.getByText('Loading…', { exact: true }).count(), { timeout: 20_000, message: `${path} keeps loading` }).toBe(0);
    const alerts = await page.getByRole('alert').allTextContents();
    expect(alerts.filter((a) => a.trim() !== ''), `${path} shows an error`).toEqual([]);
    await expectAccessible(page, path);
    await screenshot(page, shot);
    expect(problems, path).toEqual([]);
  }

  it('opens every page of the menu on the demo\'s data', async () => {
    const pages: Array<[string, RegExp, string]> = [
      ['', /Project demo/, 'demo-overview'],
      ['/models', /Models/, 'demo-models'],
      ['/endpoints', /Endpoints/, 'demo-endpoints'],
      ['/recommend', /Recommend/, 'demo-recommend'],
      ['/ads', /Sponsored/, 'demo-ads'],
      ['/tagging', /Tagging/, 'demo-tagging'],
      ['/feeds', /Feeds/, 'demo-feeds'],
      ['/pipelines', /Pipeline/, 'demo-pipelines'],
      ['/triggers', /Triggers/, 'demo-triggers'],
      ['/audit', /Audit/, 'demo-audit'],
    ];
    for (const [path, heading, shot] of pages) await visit(path, heading, shot);
  }, 240_000);

  it('searches the demo for lipstick and shows sponsored products beside the organic ones', async () => {
    await visit('/recommend', /Recommendations/, 'demo-recommend-empty');
    await page.getByLabel('Recommender', { exact: true }).selectOption('search');
    await page.getByLabel('Search query').fill('lipstick');
    await page.getByRole('button', { name: 'Recommend' }).click();
    await page.getByText('Sponsored', { exact: true }).first().waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'demo-recommend');
  }, 60_000);

  it('has the first analysis run\'s review tasks in the review queue', async () => {
    await visit('/review', /Tag review/, 'demo-review');
    await page.getByText(/Proposed class/).first().waitFor();
    await page.locator('img[src^="blob:"]').first().waitFor();
    await screenshot(page, 'demo-review');
  }, 60_000);

  it('opens the demo\'s model, endpoint, recommender, advertiser and pipeline run', async () => {
    await visit('/models/recs', /Model recs/, 'demo-model-recs');
    await visit('/endpoints/ranker', /Endpoint ranker/, 'demo-endpoint-ranker');
    await visit('/recommenders/for-you', /Recommender for-you/, 'demo-recommender-for-you');
    const advertisers = (await app.inject({ url: '/v1/projects/demo/advertisers' })).json().advertisers as Array<{ name: string }>;
    const advertiser = advertisers[0]!.name.split('/').pop()!;
    await visit(`/ads/${advertiser}`, /^Advertiser /, 'demo-advertiser');
    const runs = await until('the retraining run', async () => {
      const r = (await app.inject({ url: '/v1/projects/demo/pipelineRuns' })).json().pipelineRuns as Array<{ name: string; state: string }>;
      return r.length > 0 ? r : undefined;
    }, 30_000, 200);
    await visit(`/pipelines/runs/${runs[0]!.name.split('/').pop()}`, /Run of retrain-recs/, 'demo-pipeline-run');
  }, 240_000);
});
