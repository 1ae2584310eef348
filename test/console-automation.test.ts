/**
 * The console's Automation and Governance pages in headless Chromium against
 * a live server whose worker runs pipelines (SQLite leg): a pipeline of quick
 * `http` and `gate` steps, against a small local HTTP server, is run from the
 * UI with its parameters, and its graph and steps table reach SUCCEEDED, or
 * FAILED with the failing step's log; retry, approve and cancel act on the
 * API; a trigger's refused firing shows as a dead letter and is replayed from
 * the UI; the audit log filtered by principal and by action shows what the
 * API answers for the same filter. Every page passes axe-core.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinesModule } from '../src/pipelines/index.js';
import { ADMIN_KEY, bearer } from './helpers/app.js';
import { HAVE_CHROMIUM, expectAccessible, launchBrowser, openPage, reportSkip, screenshot, signIn, startConsoleApp } from './helpers/console.js';

reportSkip('console-automation.test.ts');
const P = 'shop';

type Step = { name: string; state: string; attempt: number; startTime?: string; outputs?: Record<string, unknown> };
type Run = { runId: string; state: string; pipeline: string; parameters: Record<string, unknown>; trigger?: string; steps: Step[] };
type Delivery = { deliveryId: string; state: string; run: string; reason?: string; parameters: Record<string, unknown> };
type AuditEntry = { time: string; principal: string; permission: string; resource: string; method: string; result: string; requestId: string };

describe.skipIf(!HAVE_CHROMIUM)('the automation and governance pages in headless Chromium', () => {
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  let server: http.Server;
  let port = 0;
  /** The /flaky path answers 503 until a test fixes it. */
  let flakyFixed = false;
  let editorKey = '';
  let editorPrincipal = '';
  let viewerKey = '';

  const get = async <T>(url: string, key = ADMIN_KEY): Promise<T> => {
    const res = await app.inject({ url, headers: bearer(key) });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as T;
  };
  const send = async (method: 'POST' | 'PUT', url: string, payload: unknown = {}, key = ADMIN_KEY) => {
    const res = await app.inject({ method, url, payload: payload as object, headers: bearer(key) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(200);
    return res.json();
  };
  const runOf = (id: string) => get<Run>(`/v1/projects/${P}/pipelineRuns/${id}`);
  const runIdOf = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  /** The steps table's row of a step, found by its select button. */
  const stepRow = (page: Page, step: string): Locator => page.locator('tbody tr', { has: page.getByRole('button', { name: `${step}: show its logs` }) });
  const stepState = (page: Page, step: string) => stepRow(page, step).locator('.badge').first().textContent();
  const makeKey = async (name: string, role: string) => {
    await send('POST', `/v1/projects/${P}/serviceAccounts`, { name });
    await send('POST', `/v1/projects/${P}/bindings`, { principal: `serviceAccount:${name}@${P}`, role });
    const key = (await send('POST', `/v1/projects/${P}/serviceAccounts/${name}/keys`, {})).key as string;
    const me = await get<{ principal: string }>('/v1/whoami', key);
    return { key, principal: me.principal };
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const fail = req.url === '/flaky' && !flakyFixed;
        res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(req.url === '/score' ? { score: 0.9 } : { ok: !fail }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.2', r));
    port = (server.address() as AddressInfo).port;
    ({ app, origin } = await startConsoleApp('sqlite', { fetchAllowCidrs: ['127.0.0.2/32'] }, { workerPollMs: 10 }));
    // As `rouge serve` does: the worker's loops (runs reconcile, triggers) start here.
    await app.rouge.start();
    await send('POST', '/v1/projects', { name: P });
    const base = `http://127.0.0.2:${port}`;
    await send('PUT', `/v1/projects/${P}/pipelines/report`, {
      source: `name: report
description: fetch the day's score, check it, publish and tell the team
parameters:
  target: { type: string, default: ok, description: the path the report is published to }
  minScore: { type: number, default: 0.5 }
steps:
  - { name: fetch, kind: http, with: { url: "${base}/score" } }
  - { name: check, kind: gate, needs: [fetch], with: { metric: "\${{ steps.fetch.outputs.body.score }}", op: ">", threshold: "\${{ parameters.minScore }}" } }
  - { name: archive, kind: http, needs: [fetch], with: { url: "${base}/archive", body: { day: today } } }
  - { name: publish, kind: http, needs: [check], with: { url: "${base}/\${{ parameters.target }}", method: PUT } }
  - { name: notify, kind: http, needs: [publish, archive], with: { url: "${base}/notify", body: { done: true } } }
`,
    });
    await send('PUT', `/v1/projects/${P}/pipelines/release`, {
      source: 'name: release\nmaxActiveRuns: 5\nsteps:\n  - { name: sign-off, kind: approval, with: { message: "ship it?" } }\n  - { name: ship, kind: gate, needs: [sign-off], with: { metric: 1, threshold: 0 } }\n',
    });
    ({ key: editorKey, principal: editorPrincipal } = await makeKey('etl', 'editor'));
    ({ key: viewerKey } = await makeKey('watcher', 'viewer'));
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((r) => server?.close(r));
  });

  it('runs a pipeline from the UI with its parameters; the graph and the table reach SUCCEEDED and a step shows its log', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/pipelines');
    await page.getByRole('heading', { name: 'Pipeline runs', level: 1 }).waitFor();
    await page.getByText('No runs yet').waitFor();
    await expectAccessible(page, 'pipelines, empty');
    await page.getByRole('button', { name: 'Run report…' }).click();
    await expect.poll(() => page.getByLabel('target').inputValue()).toBe('ok');
    await page.getByLabel('minScore').fill('0.25');
    await page.getByRole('button', { name: 'Start run of report' }).click();
    await page.getByRole('heading', { name: 'Run of report', level: 1 }).waitFor();
    const id = runIdOf(page);
    for (const step of ['fetch', 'check', 'archive', 'publish', 'notify']) {
      await expect.poll(() => stepState(page, step), { timeout: 30_000 }).toBe('SUCCEEDED');
    }
    await expect.poll(() => page.locator('.facts .badge').first().textContent()).toBe('SUCCEEDED');
    // The graph names every step with its state, not by colour alone.
    await expect.poll(() => page.locator('.run-graph .chart').getAttribute('aria-label')).toContain('publish · SUCCEEDED');
    const run = await runOf(id);
    expect(run.state).toBe('SUCCEEDED');
    expect(run.parameters).toEqual({ target: 'ok', minScore: 0.25 });
    expect(run.steps.map((s) => s.state)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);

    await page.getByRole('button', { name: 'fetch: show its logs' }).click();
    await page.getByRole('heading', { name: 'Logs of fetch' }).waitFor();
    const log = page.getByRole('log', { name: 'Log of step fetch' });
    await expect.poll(() => log.textContent()).toContain(`GET http://127.0.0.2:${port}/score: 200`);
    const lines = (await get<{ lines: Array<{ line: string }> }>(`/v1/projects/${P}/pipelineRuns/${id}/logs?step=fetch`)).lines.map((l) => l.line);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(await log.textContent()).toContain(l);
    expect(await log.textContent()).not.toContain('[check]');
    await expectAccessible(page, 'run page');

    // The runs list shows the run, and the pipeline filter is the API's.
    await page.getByRole('link', { name: 'Pipeline runs' }).first().click();
    await page.getByRole('link', { name: id }).waitFor();
    await page.getByLabel('Pipeline', { exact: true }).selectOption('release');
    await page.getByText('No runs of release yet').waitFor();
    expect((await get<{ pipelineRuns: Run[] }>(`/v1/projects/${P}/pipelineRuns?pipeline=release`)).pipelineRuns).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a failing step FAILED with its log, and retries the failed steps from the UI', async () => {
    flakyFixed = false;
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/pipelines');
    await page.getByRole('button', { name: 'Run report…' }).click();
    await page.getByLabel('target').fill('flaky');
    await page.getByRole('button', { name: 'Start run of report' }).click();
    await page.getByRole('heading', { name: 'Run of report', level: 1 }).waitFor();
    const id = runIdOf(page);
    await expect.poll(() => stepState(page, 'publish'), { timeout: 30_000 }).toBe('FAILED');
    await expect.poll(() => stepState(page, 'notify')).toBe('UPSTREAM_FAILED');
    await expect.poll(() => page.locator('.facts .badge').first().textContent()).toBe('FAILED');
    await expect.poll(() => stepRow(page, 'publish').textContent()).toContain('answered 503');
    await expect.poll(() => page.locator('.run-graph .chart').getAttribute('aria-label')).toContain('publish · FAILED');
    const failed = await runOf(id);
    expect(failed.state).toBe('FAILED');
    expect(Object.fromEntries(failed.steps.map((s) => [s.name, s.state]))).toEqual({ fetch: 'SUCCEEDED', check: 'SUCCEEDED', archive: 'SUCCEEDED', publish: 'FAILED', notify: 'UPSTREAM_FAILED' });

    // A click on the graph's node selects the step as its row's button does. Nodes sit in
    // columns by depth (publish: the 3rd of 4) and rows centred on the middle; this graph is
    // wider than tall, so ECharts fits it to 80 % of the chart's width, centred.
    // The chart resizes with the page (a scroll bar appearing): measure again until the click lands.
    await expect.poll(async () => {
      const box = (await page.locator('.run-graph .chart').boundingBox())!;
      await page.mouse.click(box.x + box.width * (0.1 + 0.8 * (2 / 3)), box.y + box.height / 2);
      return page.getByRole('heading', { name: 'Logs of publish' }).count();
    }).toBe(1);
    const log = page.getByRole('log', { name: 'Log of step publish' });
    await expect.poll(() => log.textContent()).toContain(`PUT http://127.0.0.2:${port}/flaky: 503`);
    await expect.poll(() => log.textContent()).toContain('failed: PUT');
    expect(await page.getByRole('button', { name: 'publish: show its logs' }).getAttribute('aria-pressed')).toBe('true');
    await expectAccessible(page, 'failed run');
    await page.mouse.move(0, 0);
    await screenshot(page, 'automation-run-graph');

    // Fixed upstream: retrying the failed steps keeps what succeeded and runs the rest.
    flakyFixed = true;
    const fetchStarted = failed.steps.find((s) => s.name === 'fetch')!.startTime;
    await page.getByRole('button', { name: 'Retry failed steps' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Retrying the failed steps' }).count()).toBe(1);
    await expect.poll(() => stepState(page, 'notify'), { timeout: 30_000 }).toBe('SUCCEEDED');
    await expect.poll(() => page.locator('.facts .badge').first().textContent()).toBe('SUCCEEDED');
    // The log keeps following: the new attempt's lines arrive while the page is open.
    await expect.poll(() => log.textContent()).toContain(`PUT http://127.0.0.2:${port}/flaky: 200`);
    const retried = await runOf(id);
    expect(retried.state).toBe('SUCCEEDED');
    expect(retried.steps.find((s) => s.name === 'fetch')!.startTime).toBe(fetchStarted);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('approves a waiting step and cancels a run from the UI', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/pipelines');
    await page.getByRole('button', { name: 'Run release', exact: true }).click();
    await page.getByRole('heading', { name: 'Run of release', level: 1 }).waitFor();
    const first = runIdOf(page);
    await page.getByRole('button', { name: 'Approve sign-off' }).click();
    await expect.poll(() => stepState(page, 'ship'), { timeout: 30_000 }).toBe('SUCCEEDED');
    const approved = await runOf(first);
    expect(approved.state).toBe('SUCCEEDED');
    expect(approved.steps[0]!.outputs).toMatchObject({ approvedBy: expect.any(String) });

    await page.getByRole('link', { name: 'Pipeline runs' }).first().click();
    await page.getByRole('button', { name: 'Run release', exact: true }).click();
    await page.getByRole('button', { name: 'Approve sign-off' }).waitFor();
    const second = runIdOf(page);
    expect(second).not.toBe(first);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => page.locator('.facts .badge').first().textContent()).toBe('CANCELLED');
    await expect.poll(() => stepState(page, 'sign-off')).toBe('CANCELLED');
    expect((await runOf(second)).state).toBe('CANCELLED');
    await page.getByRole('button', { name: 'Run every step again' }).waitFor();

    // The runs list says the same as the API, and its state filter keeps the cancelled one.
    await page.getByRole('link', { name: 'Pipeline runs' }).first().click();
    const listed = (await get<{ pipelineRuns: Run[] }>(`/v1/projects/${P}/pipelineRuns`)).pipelineRuns;
    const runRows = () => page.locator('tbody tr', { has: page.locator('a code') }).evaluateAll((trs) => trs.map((tr) => [tr.querySelector('a code')!.textContent, tr.querySelector('.badge')!.textContent]));
    await expect.poll(runRows).toEqual(listed.map((r) => [r.runId, r.state]));
    expect(listed.filter((r) => r.state === 'CANCELLED').map((r) => r.runId)).toEqual([second]);
    await page.getByLabel('State').selectOption('CANCELLED');
    await expect.poll(runRows).toEqual([[second, 'CANCELLED']]);
    await page.getByLabel('State').selectOption('');
    await expect.poll(runRows).toHaveLength(listed.length);
    await expectAccessible(page, 'runs list');
    await screenshot(page, 'automation-runs');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists triggers, pauses and resumes one, and replays a dead letter from the UI', async () => {
    await send('PUT', `/v1/projects/${P}/pipelines/typed`, { source: 'name: typed\nparameters:\n  n: { type: integer }\nsteps:\n  - { name: wait, kind: approval }\n' });
    await send('POST', `/v1/projects/${P}/triggers`, { triggerId: 'bad-data', pipeline: 'typed', eventFilter: { type: 'com.shop.count', source: '//shop' }, parameters: { n: '${{ event.data.n }}' }, description: 'counts from the shop' });
    await send('POST', `/v1/projects/${P}/triggers`, { triggerId: 'nightly', pipeline: 'report', schedule: '0 2 * * *', timeZone: 'Asia/Kolkata' });
    await send('POST', `/v1/projects/${P}/triggers`, { triggerId: 'etl-done', pipeline: 'report', http: true });
    for (const [id, n] of [['c1', 'seven'], ['c2', 'eight']]) {
      const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/cloudEvents`, headers: { 'ce-id': id!, 'ce-source': '//shop', 'ce-specversion': '1.0', 'ce-type': 'com.shop.count', 'content-type': 'application/json' }, payload: JSON.stringify({ n }) });
      expect(res.statusCode, res.body).toBe(202);
    }
    await app.rouge.use(pipelinesModule).tickTriggers(new Date());
    const dead = (await get<{ deliveries: Delivery[] }>(`/v1/projects/${P}/triggerDeliveries?state=DEAD`)).deliveries;
    expect(dead).toHaveLength(2);
    expect(dead[0]!.reason).toMatch(/must be a integer/);

    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/triggers');
    await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
    for (const t of ['bad-data', 'nightly', 'etl-done']) await page.getByRole('rowheader', { name: new RegExp(`^${t}`) }).waitFor();
    await expect.poll(() => page.locator('tr', { hasText: 'nightly' }).first().textContent()).toContain('0 2 * * *');
    await expect.poll(() => page.locator('tr', { hasText: 'bad-data' }).first().textContent()).toContain('type=com.shop.count');
    // The last delivery of bad-data is one of its dead letters.
    await expect.poll(() => page.locator('tr', { hasText: 'counts from the shop' }).locator('.badge', { hasText: 'DEAD' }).count()).toBe(1);
    for (const d of dead) await page.getByRole('rowheader', { name: d.deliveryId }).waitFor();
    await expect.poll(() => page.locator('tr', { hasText: dead[0]!.deliveryId }).textContent()).toMatch(/n must be a integer/);

    await page.getByRole('button', { name: 'Pause nightly' }).click();
    await page.getByRole('button', { name: 'Resume nightly' }).waitFor();
    expect((await get<{ paused: boolean }>(`/v1/projects/${P}/triggers/nightly`)).paused).toBe(true);
    await page.getByRole('button', { name: 'Resume nightly' }).click();
    await page.getByRole('button', { name: 'Pause nightly' }).waitFor();
    expect((await get<{ paused: boolean; nextFireTime?: string }>(`/v1/projects/${P}/triggers/nightly`)).paused).toBe(false);
    await expectAccessible(page, 'triggers');

    // The pipeline is fixed to take text; one dead letter is replayed from the UI and starts its run.
    await send('PUT', `/v1/projects/${P}/pipelines/typed`, { source: 'name: typed\nparameters:\n  n: { type: string }\nsteps:\n  - { name: wait, kind: approval }\n' });
    const target = dead.at(-1)!;
    await page.getByRole('button', { name: `Replay delivery ${target.deliveryId} of bad-data` }).click();
    const status = page.getByRole('status').filter({ hasText: `Replayed delivery ${target.deliveryId}` });
    await expect.poll(() => status.textContent()).toContain('DELIVERED');
    await expect.poll(() => page.getByRole('rowheader', { name: target.deliveryId }).count()).toBe(0);
    const after = (await get<{ deliveries: Delivery[] }>(`/v1/projects/${P}/triggerDeliveries?trigger=bad-data`)).deliveries;
    const replayed = after.find((d) => d.deliveryId === target.deliveryId)!;
    expect(replayed.state).toBe('DELIVERED');
    const runId = replayed.run.split('/').pop()!;
    const run = await runOf(runId);
    expect(run.trigger).toBe(`projects/${P}/triggers/bad-data`);
    expect(run.parameters).toEqual(target.parameters);
    expect(['seven', 'eight']).toContain(run.parameters.n);
    expect((await get<{ deliveries: Delivery[] }>(`/v1/projects/${P}/triggerDeliveries?state=DEAD`)).deliveries.map((d) => d.deliveryId)).toEqual([dead[0]!.deliveryId]);
    await expectAccessible(page, 'triggers after a replay');
    await screenshot(page, 'automation-triggers');
    // The replay's result links to the run it started.
    await status.getByRole('link', { name: `its run ${runId}` }).click();
    await page.getByRole('heading', { name: 'Run of typed', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Approve wait' }).waitFor();
    await send('POST', `/v1/projects/${P}/pipelineRuns/${runId}:cancel`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('filters the audit log by principal and by action as the API does, shows an entry\'s details, and pages with Load more', async () => {
    // Changes by the editor service account, and a change the viewer is refused.
    await send('POST', `/v1/projects/${P}/triggers/etl-done:pause`, {}, editorKey);
    await send('POST', `/v1/projects/${P}/triggers/etl-done:resume`, {}, editorKey);
    await send('POST', `/v1/projects/${P}/pipelines/release:run`, {}, editorKey);
    const refused = await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/nightly:pause`, payload: {}, headers: bearer(viewerKey) });
    expect(refused.statusCode).toBe(403);
    const audit = async (filter?: string, extra = '') =>
      get<{ auditEntries: AuditEntry[]; nextPageToken?: string }>(`/v1/projects/${P}/auditLog?pageSize=50${filter ? `&filter=${encodeURIComponent(filter)}` : ''}${extra}`);
    const rowsOf = (page: Page) => page.locator('.audit-table tbody tr:not(.details-row)').evaluateAll((trs) => trs.map((tr) => ({
      principal: tr.querySelector('.principal')!.textContent!.trim(),
      resource: tr.querySelector('.resource')!.textContent!.trim(),
      permission: tr.querySelector('td:nth-child(3) code')!.textContent!.trim(),
    })));
    const expected = (entries: AuditEntry[]) => entries.map((e) => ({ principal: e.principal, resource: e.resource, permission: e.permission || '–' }));

    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY, P, '/audit');
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.locator('.audit-table').waitFor();
    await expectAccessible(page, 'audit log');

    await page.getByLabel('Principal').fill(editorPrincipal);
    await page.getByRole('button', { name: 'Apply filter' }).click();
    const byPrincipal = `principal = "${editorPrincipal}"`;
    await expect.poll(() => page.getByTestId('audit-filter').textContent()).toBe(byPrincipal);
    const principalAnswer = (await audit(byPrincipal)).auditEntries;
    expect(principalAnswer.length).toBe(3);
    await expect.poll(() => rowsOf(page)).toEqual(expected(principalAnswer));
    expect(new URL(page.url()).searchParams.get('principal')).toBe(editorPrincipal);

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Action (permission)').fill('triggers.update');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    const byAction = 'permission : "triggers.update"';
    await expect.poll(() => page.getByTestId('audit-filter').textContent()).toBe(byAction);
    const actionAnswer = (await audit(byAction)).auditEntries;
    // Pause and resume from the Triggers page, the editor's two, and the viewer's refused pause.
    expect(actionAnswer.length).toBe(5);
    expect(actionAnswer.map((e) => e.result)).toContain('denied');
    await expect.poll(() => rowsOf(page)).toEqual(expected(actionAnswer));
    await page.getByRole('button', { name: /^Details/ }).first().click();
    await expect.poll(() => page.locator('.details-row').textContent()).toContain(actionAnswer[0]!.requestId);
    expect(await page.getByRole('button', { name: /^Hide/ }).getAttribute('aria-expanded')).toBe('true');
    await expectAccessible(page, 'audit log, details open');
    await screenshot(page, 'automation-audit');
    await page.getByLabel('Result').selectOption('denied');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    const denied = (await audit(`${byAction} AND result = "denied"`)).auditEntries;
    expect(denied).toHaveLength(1);
    await expect.poll(() => rowsOf(page)).toEqual(expected(denied));
    await expectAccessible(page, 'audit log, filtered');

    // Unfiltered, 20 a page: Load more appends the API's second page.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Per page').selectOption('20');
    const firstPage = await get<{ auditEntries: AuditEntry[]; nextPageToken?: string }>(`/v1/projects/${P}/auditLog?pageSize=20`);
    expect(firstPage.nextPageToken).toBeDefined();
    const secondPage = await get<{ auditEntries: AuditEntry[] }>(`/v1/projects/${P}/auditLog?pageSize=20&pageToken=${encodeURIComponent(firstPage.nextPageToken!)}`);
    await expect.poll(() => rowsOf(page)).toEqual(expected(firstPage.auditEntries));
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rowsOf(page)).toEqual(expected([...firstPage.auditEntries, ...secondPage.auditEntries]));

    expect(problems).toEqual([]);
    await context.close();
  });

  it('tells a viewer which role reading the audit log needs, and holds the run page on a phone', async () => {
    const { context, page } = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, origin, viewerKey, P, '/audit');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/lacks permission iam\.auditLog\.list.*role/);
    await expectAccessible(page, 'audit log refused');
    const runs = (await get<{ pipelineRuns: Run[] }>(`/v1/projects/${P}/pipelineRuns?pipeline=report`)).pipelineRuns;
    await page.goto(`${origin}/console/p/${P}/pipelines/runs/${runs[0]!.runId}`);
    await page.getByRole('heading', { name: 'Run of report', level: 1 }).waitFor();
    await expect.poll(() => stepState(page, 'notify')).toBe('SUCCEEDED');
    // A viewer may read the run but not change it: the API says so when asked.
    await page.getByRole('button', { name: 'Run every step again' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/lacks permission pipelines\.runs\.create/);
    const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'run page on a phone');
    await context.close();
  });
});
