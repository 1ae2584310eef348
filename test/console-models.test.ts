/**
 * The console's Models and Endpoints pages in headless Chromium against a
 * live server whose endpoint really serves two ONNX versions through
 * onnxruntime: browse models and a model's versions (metrics, aliases,
 * lineage), move an alias through the form and find it moved in the API;
 * move an endpoint's traffic from 100/0 to 0/100 with the sliders (Apply
 * refused until the total is 100), find the new split in the API, send real
 * predictions over HTTP, see them answered by the second deployed model and
 * counted against it in the page's live table. A key without metricsViewer
 * is told which role it lacks. Also the pure logic behind the live table:
 * the Prometheus text parser and the rates and quantiles from two scrapes.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { between, endpointLabel, histogramQuantile, recent, snapshotOf, type Snapshot } from '../console/src/pages/models/live-stats.js';
import { parsePrometheus } from '../console/src/pages/models/prometheus.js';
import { buildLogisticRegression } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, bearer } from './helpers/app.js';
import { HAVE_CHROMIUM, expectAccessible, launchBrowser, openPage, reportSkip, screenshot, signIn, startConsoleApp } from './helpers/console.js';
import { multipart } from './helpers/multipart.js';
import { until } from './helpers/until.js';

reportSkip('console-models.test.ts');

describe('live serving statistics from /metrics text', () => {
  const text = [
    '# HELP rouge_predict_requests_total Prediction requests',
    '# TYPE rouge_predict_requests_total counter',
    'rouge_predict_requests_total{endpoint="ml.ctr-prod",deployed_model="111",protocol="vertex",code="OK"} 10',
    'rouge_predict_requests_total{endpoint="ml.ctr-prod",deployed_model="111",protocol="oip",code="OK"} 5',
    'rouge_predict_requests_total{endpoint="ml.ctr-prod",deployed_model="111",protocol="vertex",code="INPUT_INVALID"} 2',
    'rouge_predict_requests_total{endpoint="ml.ctr-prod",deployed_model="",protocol="vertex",code="NO_TRAFFIC"} 1',
    'rouge_predict_requests_total{endpoint="ml.ctr-prod2",deployed_model="111",protocol="vertex",code="OK"} 99',
    'rouge_predict_requests_total{endpoint="other.ctr-prod",deployed_model="111",protocol="vertex",code="OK"} 99',
    'rouge_predict_duration_seconds_bucket{le="0.001",endpoint="ml.ctr-prod",deployed_model="111",protocol="vertex"} 4',
    'rouge_predict_duration_seconds_bucket{le="0.01",endpoint="ml.ctr-prod",deployed_model="111",protocol="vertex"} 10',
    'rouge_predict_duration_seconds_bucket{le="+Inf",endpoint="ml.ctr-prod",deployed_model="111",protocol="vertex"} 10',
    'rouge_predict_duration_seconds_bucket{endpoint="ml.ctr-prod",deployed_model="111",protocol="oip",le="0.001"} 1',
    'rouge_predict_duration_seconds_bucket{endpoint="ml.ctr-prod",deployed_model="111",protocol="oip",le="0.01"} 5',
    'rouge_predict_duration_seconds_bucket{endpoint="ml.ctr-prod",deployed_model="111",protocol="oip",le="+Inf"} 5',
    'rouge_predict_duration_seconds_sum{endpoint="ml.ctr-prod",deployed_model="111",protocol="vertex"} 0.04',
    'process_cpu_seconds_total 12.5 1700000000000',
    'not a sample line {',
  ].join('\n');

  it('parses samples with labels in any order, escapes, +Inf and timestamps, and skips what is not a sample', () => {
    const all = parsePrometheus(text);
    expect(all).toHaveLength(14);
    expect(all.find((s) => s.name === 'process_cpu_seconds_total')).toEqual({ name: 'process_cpu_seconds_total', labels: {}, value: 12.5 });
    expect(parsePrometheus('m{a="x\\"y\\\\z\\nw",b="1"} +Inf')).toEqual([{ name: 'm', labels: { a: 'x"y\\z\nw', b: '1' }, value: Infinity }]);
    expect(parsePrometheus(text, new Set(['rouge_predict_requests_total']))).toHaveLength(6);
  });

  it('sums one endpoint\'s counters per deployed model over protocols, keeping errors and refusals apart', () => {
    const snap = snapshotOf(parsePrometheus(text), endpointLabel('ml', 'ctr-prod'), 0);
    expect(Object.keys(snap.models).sort()).toEqual(['', '111']);
    expect(snap.models['111']).toEqual({ requests: 17, errors: 2, buckets: [{ le: 0.001, count: 5 }, { le: 0.01, count: 15 }, { le: Infinity, count: 15 }] });
    expect(snap.models['']).toMatchObject({ requests: 1, errors: 1 });
  });

  it('interpolates quantiles inside buckets as histogram_quantile does', () => {
    const b = [{ le: 0.001, count: 0 }, { le: 0.005, count: 50 }, { le: 0.01, count: 100 }, { le: Infinity, count: 100 }];
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.005, 9);
    expect(histogramQuantile(0.95, b)).toBeCloseTo(0.0095, 9);
    expect(histogramQuantile(0.5, [{ le: 0.01, count: 0 }, { le: Infinity, count: 0 }])).toBeUndefined();
    expect(histogramQuantile(0.5, [{ le: 0.01, count: 0 }, { le: Infinity, count: 3 }])).toBe(0.01);
  });

  it('computes rates, error rates and latency from the difference of two scrapes, and survives a counter reset', () => {
    const at = (time: number, requests: number, errors: number, fast: number, all: number): Snapshot => ({
      time, models: { a: { requests, errors, buckets: [{ le: 0.001, count: fast }, { le: 0.01, count: all }, { le: Infinity, count: all }] } },
    });
    const s = between(at(0, 100, 10, 50, 90), at(10_000, 150, 15, 50, 135));
    expect(s.a!.requests).toBe(50);
    expect(s.a!.rps).toBeCloseTo(5, 9);
    expect(s.a!.errorRate).toBeCloseTo(0.1, 9);
    // All 45 new observations fell in (0.001, 0.01]: the median is half-way through that bucket.
    expect(s.a!.p50).toBeCloseTo(0.0055, 9);
    const reset = between(at(0, 100, 10, 50, 90), at(3000, 6, 0, 6, 6));
    expect(reset.a).toMatchObject({ requests: 6, errors: 0, rps: 2 });
    const quiet = between(at(0, 100, 10, 50, 90), at(3000, 100, 10, 50, 90));
    expect(quiet.a).toMatchObject({ requests: 0, rps: 0, errorRate: undefined, p50: undefined });
    // Over a window: from the oldest scrape inside it to the newest.
    const w = recent([at(0, 0, 0, 0, 0), at(50_000, 10, 0, 10, 10), at(100_000, 40, 0, 40, 40)], 60_000)!;
    expect(w.a!.requests).toBe(30);
    expect(recent([at(0, 0, 0, 0, 0)], 60_000)).toBeUndefined();
  });
});

const P = 'ml';
const FEATURES = 4;
const X = [0.1, 0.2, 0.3, 0.4];

describe.skipIf(!HAVE_CHROMIUM)('the Models and Endpoints pages in headless Chromium', () => {
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  let id1: string;
  let id2: string;

  const upload = async (model: string, meta: object, artifact?: Buffer) => {
    const { payload, headers } = multipart([{ name: 'metadata', value: JSON.stringify(meta) }, ...(artifact ? [{ name: 'artifact', filename: 'model.onnx', data: artifact }] : [])]);
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/${model}/versions`, headers, payload });
    expect(res.statusCode, res.body).toBe(200);
  };
  const deploy = async (model: string, trafficSplit?: Record<string, number>): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/endpoints/ctr-prod:deployModel`, payload: { deployedModel: { model }, ...(trafficSplit ? { trafficSplit } : {}) } });
    expect(res.statusCode, res.body).toBe(200);
    const op = await until(`the deploy of ${model}`, async () => {
      const o = (await app.inject({ url: `/v1/${res.json().name}` })).json();
      return o.done ? o : undefined;
    }, 60_000);
    expect(op.error, JSON.stringify(op.error)).toBeUndefined();
    return op.response.id as string;
  };
  /** A real HTTP call to the endpoint, as a client makes it. */
  const predict = async (instances: unknown[] = [X]) => {
    const res = await fetch(`${origin}/v1/projects/${P}/endpoints/ctr-prod:predict`, {
      method: 'POST', headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, body: JSON.stringify({ instances }),
    });
    return { status: res.status, body: (await res.json()) as { deployedModelId?: string; modelVersionId?: string; predictions?: number[] } };
  };
  const liveRow = (page: Page, name: string) => page.getByRole('table', { name: 'Live traffic by deployed model' }).getByRole('row', { name: new RegExp(`^${name}`) });
  /** Total requests and total errors of a deployed model in the live table. */
  const totals = async (page: Page, name: string) => {
    const cells = liveRow(page, name).getByRole('cell');
    return `${await cells.nth(5).textContent()}/${await cells.nth(6).textContent()}`;
  };

  beforeAll(async () => {
    ({ app, origin } = await startConsoleApp('sqlite', {}, { workerPollMs: 10 }));
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'ctr', displayName: 'Click-through rate', description: 'Logistic regression on session features.' } })).statusCode).toBe(200);
    await upload('ctr', {
      framework: 'onnx', aliases: ['champion'], metrics: { auc: 0.812, logloss: 0.452 }, description: 'first training run',
      lineage: { pipelineRun: `projects/${P}/pipelineRuns/run-a1/steps/train`, trainingData: 'gs://ml-events/2026-11' },
    }, Buffer.from(buildLogisticRegression({ features: FEATURES, seed: 1 })));
    await upload('ctr', {
      framework: 'onnx', aliases: ['challenger'], metrics: { auc: 0.845, logloss: 0.418 }, description: 'retrained with December events',
      lineage: { pipelineRun: `projects/${P}/pipelineRuns/run-b2/steps/train`, parentVersion: 1, trainingData: 'gs://ml-events/2026-12' },
    }, Buffer.from(buildLogisticRegression({ features: FEATURES, seed: 2 })));
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'ranker', displayName: 'Search ranker' } })).statusCode).toBe(200);
    await upload('ranker', { framework: 'http', metrics: { 'ndcg@10': 0.41 }, spec: { upstreams: ['http://10.0.0.5:8080'] } });
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/endpoints`, payload: { name: 'ctr-prod', displayName: 'CTR production' } })).statusCode).toBe(200);
    id1 = await deploy('ctr@1', { '0': 100 });
    id2 = await deploy('ctr@2');
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists the models, shows a model\'s versions with metrics and lineage, and moves an alias', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/models');
    await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
    const ctrRow = page.locator('tr', { has: page.getByRole('link', { name: 'ctr', exact: true }) });
    await expect.poll(() => ctrRow.getByRole('cell').nth(2).textContent()).toBe('v2');
    expect(await ctrRow.getByRole('cell').nth(0).textContent()).toContain('Click-through rate');
    expect(await ctrRow.getByRole('cell').nth(1).textContent()).toBe('onnx');
    expect(await ctrRow.getByRole('cell').nth(3).textContent()).toBe('default → v1challenger → v2champion → v1');
    const rankerRow = page.locator('tr', { has: page.getByRole('link', { name: 'ranker', exact: true }) });
    await expect.poll(() => rankerRow.getByRole('cell').nth(1).textContent()).toBe('http');
    await expectAccessible(page, 'models list');
    await screenshot(page, 'models-list');

    // A model's versions, newest first; the default holder is selected.
    await page.getByRole('link', { name: 'ctr', exact: true }).click();
    await page.getByRole('heading', { name: 'Model ctr', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Version 1', level: 2 }).waitFor();
    const versionsPanel = page.getByRole('region', { name: 'Versions', exact: true });
    const versionRows = versionsPanel.getByRole('row');
    await expect.poll(() => versionRows.count()).toBe(3);
    expect(await versionRows.nth(1).getByRole('rowheader').textContent()).toBe('v2');
    expect(await versionRows.nth(1).textContent()).toContain('ctr-prod 0 %');
    expect(await versionRows.nth(2).textContent()).toContain('ctr-prod 100 %');

    // Version 2's details: metrics beside its parent's, lineage with a link to the pipeline run.
    await versionsPanel.getByRole('link', { name: 'v2', exact: true }).click();
    await page.getByRole('heading', { name: 'Version 2', level: 2 }).waitFor();
    expect(page.url()).toBe(`${origin}/console/p/${P}/models/ctr?version=2`);
    const details = page.getByRole('region', { name: 'Version 2' });
    const auc = details.getByRole('row', { name: /^auc/ });
    expect(await auc.getByRole('cell').allTextContents()).toEqual(['0.845', '0.812', '+0.033']);
    expect(await details.getByRole('columnheader', { name: 'v1 (parent)' }).count()).toBe(1);
    const run = details.getByRole('link', { name: 'run-b2' });
    expect(await run.getAttribute('href')).toBe(`/console/p/${P}/pipelines/runs/run-b2`);
    expect(await details.getByText('gs://ml-events/2026-12').count()).toBe(1);
    await details.getByRole('link', { name: 'v1', exact: true }).click();
    await page.getByRole('heading', { name: 'Version 1', level: 2 }).waitFor();
    expect(await page.getByRole('region', { name: 'Version 1' }).getByRole('link', { name: 'v2', exact: true }).count()).toBe(1);
    await versionsPanel.getByRole('link', { name: 'v2', exact: true }).click();
    await page.getByRole('heading', { name: 'Version 2', level: 2 }).waitFor();
    await expectAccessible(page, 'model versions');

    // An alias that is not well formed is refused before the API is asked.
    const form = page.getByRole('form', { name: 'Move an alias' });
    await form.getByLabel('Alias').fill('7');
    await form.getByRole('button', { name: 'Move alias' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('lower-case letter first');

    // Move champion from v1 to v2 through the form.
    await form.getByLabel('Alias').fill('champion');
    await form.getByLabel('Target version').selectOption('2');
    await form.getByRole('button', { name: 'Move alias' }).click();
    await expect.poll(() => page.getByText('Moved alias champion from v1 to v2.').count()).toBe(1);
    await expect.poll(() => versionRows.nth(1).getByRole('cell').first().textContent()).toBe('challengerchampion');
    expect(await versionRows.nth(2).getByRole('cell').first().textContent()).toBe('default');
    const held = await app.inject({ url: `/v1/projects/${P}/models/ctr/versions/champion` });
    expect(held.json().versionId).toBe('2');

    // And remove challenger from v2 with its button (a leading - in :mergeVersionAliases).
    await page.getByRole('button', { name: 'Remove alias challenger from version 2' }).click();
    await expect.poll(() => page.getByText('Removed alias challenger from v2.').count()).toBe(1);
    await expect.poll(() => versionRows.nth(1).getByRole('cell').first().textContent()).toBe('champion');
    expect((await app.inject({ url: `/v1/projects/${P}/models/ctr/versions/challenger` })).statusCode).toBe(404);
    await screenshot(page, 'models-versions');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('moves an endpoint\'s traffic with the sliders and shows the new requests landing on the second deployed model', async () => {
    // Traffic before the change goes to v1.
    for (let i = 0; i < 6; i++) {
      const r = await predict();
      expect(r.status).toBe(200);
      expect(r.body.deployedModelId).toBe(id1);
    }
    // The server's own /metrics names the endpoint as the page looks for it.
    const metrics = await app.inject({ url: '/metrics' });
    const snap = snapshotOf(parsePrometheus(metrics.body), endpointLabel(P, 'ctr-prod'), Date.now());
    expect(snap.models[id1]?.requests).toBeGreaterThanOrEqual(6);

    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/endpoints');
    await page.getByRole('heading', { name: 'Endpoints', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: /ctr-prod/ });
    await expect.poll(() => row.textContent()).toContain('ctr@1 100 %, ctr@2 0 %');
    expect(await row.textContent()).toContain('READY');
    await expectAccessible(page, 'endpoints list');

    await row.getByRole('link', { name: 'ctr-prod' }).click();
    await page.getByRole('heading', { name: 'Endpoint ctr-prod', level: 1 }).waitFor();
    const s1 = page.getByRole('slider', { name: 'ctr@1' });
    const s2 = page.getByRole('slider', { name: 'ctr@2' });
    const apply = page.getByRole('button', { name: 'Apply' });
    const total = page.getByRole('status').filter({ hasText: /^Total/ });
    expect(await s1.inputValue()).toBe('100');
    expect(await s2.inputValue()).toBe('0');
    expect(await apply.isDisabled()).toBe(true);
    // The live table has its first reading before any new request is sent.
    await expect.poll(() => totals(page, 'ctr@1')).toMatch(/^\d+\/0$/);
    const before1 = Number((await totals(page, 'ctr@1')).split('/')[0]);
    expect(before1).toBeGreaterThanOrEqual(6);

    // From the keyboard: ctr@1 down to 0: the total is 0 and Apply is refused, saying why.
    await s1.focus();
    await page.keyboard.press('Home');
    expect(await s1.inputValue()).toBe('0');
    await expect.poll(() => total.textContent()).toBe('Total 0 % (must be 100 %, 100 % short)');
    expect(await apply.isDisabled()).toBe(true);
    expect(await page.locator('#apply-why').textContent()).toContain('add up to 0 %');
    // 40 with the number field: still not 100.
    await page.getByLabel('ctr@2 percent').fill('40');
    await expect.poll(() => total.textContent()).toContain('Total 40 %');
    expect(await apply.isDisabled()).toBe(true);
    await s2.focus();
    await page.keyboard.press('End');
    expect(await s2.inputValue()).toBe('100');
    await expect.poll(() => total.textContent()).toBe('Total 100 % (complete)');
    expect(await apply.isDisabled()).toBe(false);
    await expectAccessible(page, 'endpoint traffic editor');
    await apply.click();
    await expect.poll(() => page.getByText('Applied: ctr@1 0 %, ctr@2 100 %.').count()).toBe(1);
    const split = (await app.inject({ url: `/v1/projects/${P}/endpoints/ctr-prod` })).json().trafficSplit;
    expect(split).toEqual({ [id1]: 0, [id2]: 100 });
    // The page read the endpoint again: the split column and the sliders show the applied split.
    await expect.poll(() => liveRow(page, 'ctr@2').getByRole('cell').nth(0).textContent()).toBe('100 %');
    expect(await apply.isDisabled()).toBe(true);

    // Real predictions over HTTP now go to the second deployed model, in bursts the page sees one by one.
    let sent = 0;
    for (const burst of [5, 9, 7]) {
      for (let i = 0; i < burst; i++) {
        const r = await predict([X, [1, -1, 0.5, 2]]);
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ deployedModelId: id2, modelVersionId: '2' });
        expect(r.body.predictions).toHaveLength(2);
      }
      sent += burst;
      await expect.poll(() => totals(page, 'ctr@2'), { timeout: 20_000 }).toBe(`${sent}/0`);
    }
    // A request the model refuses counts as an error of the deployed model that took it.
    expect((await predict([[1, 2, 3]])).status).toBe(400);
    await expect.poll(() => totals(page, 'ctr@2'), { timeout: 20_000 }).toBe(`${sent + 1}/1`);
    expect(await totals(page, 'ctr@1')).toBe(`${before1}/0`);
    await expect.poll(() => page.locator('.sr-only[aria-live]').textContent()).toBe('Receiving requests in the last minute: ctr@2. Errors: ctr@2.');
    const p95 = await liveRow(page, 'ctr@2').getByRole('cell').nth(4).textContent();
    expect(p95).toMatch(/ms$/);
    await expectAccessible(page, 'endpoint live traffic');
    await screenshot(page, 'endpoints-traffic');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('tells a key without metricsViewer which role it lacks, and still shows the split', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'vic' } })).statusCode).toBe(200);
    const key = (await app.inject({ method: 'POST', url: '/v1/users/vic/keys', payload: {} })).json().key as string;
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/bindings`, payload: { principal: 'user:vic', role: 'viewer' } })).statusCode).toBe(200);
    const { context, page, problems } = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, origin, key, P, '/endpoints/ctr-prod');
    await page.getByRole('heading', { name: 'Endpoint ctr-prod', level: 1 }).waitFor();
    const alert = page.getByRole('region', { name: 'Live traffic' }).getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('needs the metricsViewer (or orgAdmin) organisation role; user:vic does not have it');
    expect(await alert.textContent()).toContain('PERMISSION_DENIED');
    expect(await page.getByRole('slider', { name: 'ctr@2' }).inputValue()).toBe('100');
    const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'endpoint without metrics permission');
    await screenshot(page, 'endpoints-phone');
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
