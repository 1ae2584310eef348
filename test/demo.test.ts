/**
 * `rouge serve --demo`: the demo project loads once the process starts,
 * /readyz waits for it, the storefront's calls work in it, and the demo's
 * images and product pages are served. SQLite only: the demo is what
 * `npm start` shows on one machine; the recommendation tests cover PostgreSQL.
 */
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../src/catalog/index.js';
import { demoModule, loadDemo } from '../src/demo/index.js';
import { loadDemoExperiment } from '../src/demo/experiment.js';
import { loadDemoAds } from '../src/demo/ads.js';
import { adsModule } from '../src/ads/index.js';
import { servingModule } from '../src/serving/index.js';
import { placementsModule } from '../src/placements/index.js';
import { registryModule } from '../src/registry/index.js';
import { loadConfig } from '../src/platform/index.js';
import { buildTestApp } from './helpers/app.js';
import { freePort } from './helpers/redis-server.js';
import { until } from './helpers/until.js';

describe('the demo (rouge serve --demo)', () => {
  let app: FastifyInstance;
  let readyBefore: number;
  beforeAll(async () => {
    // Listening, as npm start does: the demo's image analysis fetches the images from this server.
    const port = await freePort();
    app = await buildTestApp('sqlite', { demo: true, port, host: '127.0.0.1' }, { workerPollMs: 10 });
    await app.listen({ port, host: '127.0.0.1' });
    await app.rouge.start();
    readyBefore = (await app.inject({ url: '/readyz' })).statusCode;
    await app.rouge.use(demoModule).loaded;
  }, 180_000);
  afterAll(async () => {
    await app?.close();
  });

  it('answers /readyz 503 while loading and 200 once the demo is ready', async () => {
    expect(readyBefore).toBe(503);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('holds a beauty catalogue, shopping events, a champion model and one recommender per kind', async () => {
    const recs = (await app.inject({ url: '/v1/projects/demo/recommenders' })).json().recommenders.map((r: { recommenderId: string }) => r.recommenderId);
    expect(recs.sort()).toEqual(['bought-together', 'for-you', 'popular', 'search', 'similar', 'trending']);
    const v = (await app.inject({ url: '/v1/projects/demo/models/recs/versions/champion' })).json();
    expect(v.framework).toBe('rouge-recs');
    expect(v.metadata.interactions).toBeGreaterThan(10_000);
  });

  it('answers "lipstick" with lipsticks only, with images served by Rouge', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/projects/demo/recommenders/search:recommend', payload: { query: 'lipstick', userId: 'user-1', limit: 10, fields: ['title', 'categoryPath', 'imageLink'] } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.matched).toBe(true);
    expect(body.items).toHaveLength(10);
    for (const item of body.items) expect(item.categoryPath.at(-1), item.title).toBe('Lipstick');
    const path = new URL(body.items[0].imageLink).pathname;
    const img = await app.inject({ url: path, headers: { authorization: '' } });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    const meta = await sharp(img.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([1024, 1024]);
    const page = await app.inject({ url: `/demo/products/${body.items[0].id}`, headers: { authorization: '' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(body.items[0].title.replace(/&/g, '&#38;'));
  });

  it('sells sponsored slots on a lipstick search: other brands\' lipsticks beside the organic ones, never the same product', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/projects/demo/recommenders/search:recommend', payload: { query: 'lipstick', userId: 'user-1', limit: 10, sponsoredSlots: 2, fields: ['title', 'brand', 'categoryPath'] } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.items).toHaveLength(10);
    expect(body.sponsored).toHaveLength(2);
    const organic = new Set(body.items.map((i: { id: string }) => i.id));
    for (const s of body.sponsored) {
      expect(s.categoryPath.at(-1), s.title).toBe('Lipstick');
      expect(organic.has(s.id)).toBe(false);
      expect(s.cpc.currency).toBe('INR');
      expect(s.cpc.amount).toBeGreaterThanOrEqual(100);
    }
    const advertisers = (await app.inject({ url: '/v1/projects/demo/advertisers' })).json().advertisers;
    expect(advertisers.length).toBe(6);
  });

  it('gives the advertisers reports with clicks, spend and attributed revenue from simulated searches', async () => {
    const totals: Array<Record<string, any>> = [];
    for (const a of (await app.inject({ url: '/v1/projects/demo/advertisers' })).json().advertisers) {
      const r = (await app.inject({ url: `/v1/projects/demo/advertisers/${a.advertiserId}/reports?groupBy=campaign` })).json();
      totals.push(r.totals);
    }
    const sum = (f: (t: any) => number) => totals.reduce((n, t) => n + f(t), 0);
    expect(sum((t) => t.impressions)).toBeGreaterThan(400);
    expect(sum((t) => t.clicks)).toBeGreaterThan(20);
    expect(sum((t) => t.spend.amount)).toBeGreaterThan(0);
    expect(sum((t) => t.orders)).toBeGreaterThan(0);
    expect(sum((t) => t.revenue.amount)).toBeGreaterThan(0);
    expect(totals.some((t) => t.roas > 0)).toBe(true);
  });

  it('analyses the catalogue\'s images in the background, fetching them from its own server', async () => {
    const ops = (await app.inject({ url: '/v1/projects/demo/operations?pageSize=100' })).json().operations as Array<{ name: string; metadata: { kind: string } }>;
    const run = ops.find((o) => o.metadata.kind === 'tagging.run');
    expect(run, JSON.stringify(ops.map((o) => o.metadata.kind))).toBeDefined();
    const id = run!.name.split('/').pop()!;
    const results = await until('ten images analysed', async () => {
      const r = (await app.inject({ url: `/v1/projects/demo/tagging/runs/${id}/results?pageSize=20` })).json().results as Array<{ status: string; tags: Array<{ name: string; value: string }>; error?: unknown }>;
      return r.length >= 10 ? r : undefined;
    }, 120_000, 200);
    expect(results.filter((r) => r.status === 'ok').length, JSON.stringify(results.find((r) => r.error))).toBe(results.length);
    expect(results[0]!.tags.map((t) => t.name)).toEqual(expect.arrayContaining(['background', 'colour_family', 'image_quality']));
    // The seeded tagger classifies each image; what it is unsure of waits for a person (the console's Tag review).
    const tagger = (await app.inject({ url: '/v1/projects/demo/models/tagger/versions/champion' })).json();
    expect(tagger.framework).toBe('rouge-tagger');
    expect(tagger.metrics.examples).toBeGreaterThan(50);
    const tasks = (await app.inject({ url: `/v1/projects/demo/tagging/reviewTasks?runId=${id}&pageSize=100` })).json().reviewTasks as Array<{ itemId: string; proposedTags: Array<{ name: string }> }>;
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks[0]!.proposedTags.map((t) => t.name)).toContain('product_class');
    await app.inject({ method: 'POST', url: `/v1/projects/demo/operations/${id}:cancel` });
  }, 150_000);

  it('has the seed\'s retraining pipeline, retrain-recs, which runs with no parameters: train, evaluate against the champion, gate, promote', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/projects/demo/pipelines/retrain-recs:run' });
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().runId as string;
    const run = await until('the retrain-recs run', async () => {
      const r = (await app.inject({ url: `/v1/projects/demo/pipelineRuns/${id}` })).json() as { state: string; steps: Array<{ name: string; state: string; outputs?: any }> };
      return ['SUCCEEDED', 'FAILED'].includes(r.state) ? r : undefined;
    }, 240_000, 500);
    expect(run.state, JSON.stringify(run.steps)).toBe('SUCCEEDED');
    const step = (n: string) => run.steps.find((s) => s.name === n)!;
    expect(step('evaluate-champion').outputs.exists).toBe(true);
    expect(step('evaluate-new').outputs.metrics['NDCG@10']).toBeGreaterThan(0);
    // Promoted exactly when the gate passed.
    expect(step('promote').state).toBe(step('better').outputs.passed ? 'SUCCEEDED' : 'SKIPPED');
  }, 300_000);

  it('serves all three feeds, with the image tags in custom labels', async () => {
    for (const file of ['google.tsv', 'google.xml', 'meta.csv']) {
      const res = await app.inject({ url: `/v1/projects/demo/feeds/${file}` });
      expect(res.statusCode, `${file}: ${res.body.slice(0, 200)}`).toBe(200);
      expect(res.body.length).toBeGreaterThan(10_000);
    }
    const tsv = (await app.inject({ url: '/v1/projects/demo/feeds/google.tsv' })).body.split('\n');
    expect(tsv[0]).toMatch(/^id\ttitle\tdescription\tlink\timage_link/);
    expect((await app.inject({ url: '/v1/projects/demo/feedSettings' })).json().customLabels).toEqual(['colour_family', 'image_quality', 'background', null, null]);
  });

  it('runs an A/B test on for-you (the champion against the same re-ranked by a deployed model) whose report has numbers', async () => {
    const forYou = (await app.inject({ url: '/v1/projects/demo/recommenders/for-you' })).json();
    expect(forYou.experiment.variants.map((v: { name: string }) => v.name)).toEqual(['control', 'rerank']);
    const endpoint = (await app.inject({ url: '/v1/projects/demo/endpoints/ranker' })).json();
    expect(endpoint.deployedModels).toHaveLength(1);
    const variants = new Set<string>();
    for (let u = 1; u <= 20; u++) {
      const r = (await app.inject({ method: 'POST', url: '/v1/projects/demo/recommenders/for-you:recommend', payload: { userId: `user-${u}`, limit: 5 } })).json();
      variants.add(r.variant);
      expect(r.notes.filter((n: string) => n.startsWith('not re-ranked'))).toEqual([]);
    }
    expect([...variants].sort()).toEqual(['control', 'rerank']);
    const report = (await app.inject({ url: '/v1/projects/demo/recommenders/for-you/experiments/report' })).json();
    for (const v of report.variants) {
      expect(v.users).toBeGreaterThan(100);
      expect(v.impressions).toBeGreaterThan(800);
      expect(v.clicks).toBeGreaterThan(0);
    }
  });

  it('keeps the demo across starts: a second load finds it and changes nothing', async () => {
    const before = (await app.inject({ url: '/v1/projects/demo/models/recs/versions' })).json().versions.length;
    const events = (await app.inject({ url: '/v1/projects/demo/recommenders/for-you/experiments/report' })).json().variants;
    const deps = { projects: app.rouge.projects, catalog: app.rouge.use(catalogModule), registry: app.rouge.use(registryModule), placements: app.rouge.use(placementsModule), serving: app.rouge.use(servingModule), jobs: app.rouge.jobs, log: () => undefined };
    const again = await loadDemo(deps, { baseUrl: 'http://localhost:8080' });
    expect(again.created).toBe(false);
    await loadDemoExperiment(deps, 'demo', 1);
    const ledger = (await app.rouge.use(adsModule).ledger('demo')).length;
    await loadDemoAds({ catalog: deps.catalog, ads: app.rouge.use(adsModule), placements: deps.placements, log: () => undefined }, 'demo');
    expect((await app.rouge.use(adsModule).ledger('demo')).length).toBe(ledger);
    expect((await app.inject({ url: '/v1/projects/demo/advertisers' })).json().advertisers).toHaveLength(6);
    expect((await app.inject({ url: '/v1/projects/demo/models/recs/versions' })).json().versions.length).toBe(before);
    expect((await app.inject({ url: '/v1/projects/demo/models/ranker/versions' })).json().versions).toHaveLength(1);
    expect((await app.inject({ url: '/v1/projects/demo/recommenders/for-you/experiments/report' })).json().variants).toEqual(events);
  });
});

describe('--demo and production', () => {
  it('is refused with --production', () => {
    expect(() => loadConfig({ flags: { production: true, demo: true } })).toThrow(/--demo loads a generated demo project/);
  });
  it('leaves the store empty without --demo: no demo project, and its image route says how to get one', async () => {
    const app = await buildTestApp('sqlite');
    await app.rouge.start();
    expect((await app.inject({ url: '/v1/projects/demo' })).statusCode).toBe(404);
    const img = await app.inject({ url: '/demo/images/X-1.png', headers: { authorization: '' } });
    expect(img.statusCode).toBe(404);
    expect(img.body).toContain('--demo');
    await app.close();
  });
});
