/**
 * The console's Images pages in headless Chromium against a live server
 * (SQLite leg). A small catalogue (the feed fixtures of test/feeds.test.ts
 * plus three items to review) has its uploaded images analysed by a real
 * tagging run; the run's results are then marked as a run with a tagger
 * leaves them (predictions, auto-accepted or not) and its review tasks are
 * seeded straight into the store, as test/tagging-review-page.test.ts does.
 *
 * - Tag review, as a tagReviewer service account: Enter accepts, a digit
 *   corrects, the Accept button accepts, a task someone else decided meanwhile
 *   is passed over, keys typed in a field do nothing; each decision is
 *   announced and checked through the API (task state and decision, the
 *   item's tags).
 * - Tagging runs, as the same reviewer (no platform.operations.list: the page
 *   says which role lacks, and opens the run by id) and as the admin (the
 *   list, the results summary, the savings report and its chart).
 * - Feeds, as the admin: each file's first rows and count, and the exclusion
 *   report by reason, matched against the API.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../src/catalog/index.js';
import { AddressPolicy } from '../src/platform/index.js';
import { productTags } from '../src/tagging/classifier/decide.js';
import type { ClassifierTables, ReviewTaskRow } from '../src/tagging/classifier/tables.js';
import { mappingsFor } from '../src/tagging/classifier/taxonomy.js';
import { DEFAULT_RULES } from '../src/tagging/rules.js';
import { runTagging, TAGGING_JOB } from '../src/tagging/runner.js';
import { TaggingStore } from '../src/tagging/store.js';
import { finished } from './catalog-helpers.js';
import { ADMIN_KEY, bearer } from './helpers/app.js';
import { HAVE_CHROMIUM, expectAccessible, launchBrowser, openPage, reportSkip, screenshot, signIn, startConsoleApp } from './helpers/console.js';

reportSkip('console-images.test.ts');

const P = 'looks';
const TIMEOUT = 90_000;
const CHOICES = mappingsFor(['Lips', 'Eyes', 'Nails']);

/** A packshot: a coloured bar on white, as the feed tests make them (300 px fails Merchant Center's minimum size). */
async function packshot(size: number, colour: string): Promise<Buffer> {
  const bar = await sharp({ create: { width: Math.round(size * 0.3), height: Math.round(size * 0.6), channels: 3, background: colour } }).png().toBuffer();
  return sharp({ create: { width: size, height: size, channels: 3, background: '#ffffff' } }).composite([{ input: bar, gravity: 'centre' }]).png().toBuffer();
}

/** What the reader sees in the element, blocks apart, spaces collapsed. */
const text = async (page: Page, selector: string) => (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
/** Hours as the savings panel shows them. */
const duration = (hours: number) => (Math.abs(hours) >= 1 ? `${hours.toFixed(1)} h` : `${(hours * 60).toFixed(1)} min`);

describe.skipIf(!HAVE_CHROMIUM)('the Images pages in headless Chromium', () => {
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  let reviewerKey: string;
  let run: string;
  const hashes = new Map<string, string>();
  const taskIds: Record<string, string> = {};
  let seq = Date.now();

  const getTask = async (id: string) => {
    const res = await app.inject({ url: `/v1/projects/${P}/tagging/reviewTasks/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { state: string; decision?: string; resolvedBy?: string };
  };
  const itemTags = async (id: string) => {
    const res = await app.inject({ url: `/v1/projects/${P}/catalog/items/${id}/tags` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().tags as Array<{ name: string; value: string; source: string }>;
  };

  /** A pending review task of the run, as a tagging run with a tagger leaves it. */
  async function seedTask(item: string, kind: 'uncertain' | 'audit', label: string, confidence: number): Promise<string> {
    const row: ReviewTaskRow = {
      project: P, id: ulid(++seq), run, item, image_hash: hashes.get(item)!, kind, model_version: `projects/${P}/models/tagger/versions/1`,
      proposed: JSON.stringify(productTags(CHOICES.find((c) => c.label === label)!, confidence)), choices: JSON.stringify(CHOICES), state: 'pending',
      decision: null, tags: null, resolved_by: null, create_time: new Date().toISOString(), resolve_time: null,
    };
    await app.rouge.store.typed<ClassifierTables>().insertInto('tagging_review_tasks').values(row).execute();
    return row.id;
  }

  beforeAll(async () => {
    ({ app, origin } = await startConsoleApp('sqlite', {}, { workerPollMs: 10 }));
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/serviceAccounts`, payload: { name: 'reviewer' } })).statusCode).toBe(200);
    const made = await app.inject({ method: 'POST', url: `/v1/projects/${P}/serviceAccounts/reviewer/keys`, payload: {} });
    expect(made.statusCode, made.body).toBe(200);
    reviewerKey = made.json().key as string;
    const bound = await app.inject({ method: 'POST', url: `/v1/projects/${P}/bindings`, payload: { principal: `serviceAccount:reviewer@${P}`, role: 'tagReviewer' } });
    expect(bound.statusCode, bound.body).toBe(200);

    const base = { description: 'A creamy lipstick.', brand: 'Aurelia', categoryPath: ['Makeup', 'Lips'], price: { amount: 149900, currency: 'INR' }, availability: 'in_stock' };
    const items: Array<[string, Record<string, unknown>, Buffer | undefined]> = [
      ['ruby', { title: 'Ruby Velvet Lipstick', attributes: { shade: 'Ruby Red', itemGroupId: 'velvet', mpn: 'AU-1' } }, await packshot(800, '#c1121f')],
      ['plum', { title: 'Plum Velvet Lipstick', attributes: { shade: 'Plum', itemGroupId: 'velvet' } }, await packshot(800, '#6b2d4f')],
      ['free', { title: 'Sample Lipstick', price: { amount: 0, currency: 'INR' } }, await packshot(800, '#d14a5b')],
      ['noimage', { title: 'Lip Liner', imageLink: undefined }, undefined],
      ['tiny', { title: 'Mini Lipstick' }, await packshot(300, '#b5172f')],
      ['lip-1', { title: 'Velvet Lipstick' }, await packshot(800, '#e0115f')],
      ['eye-2', { title: 'Night Mascara', categoryPath: ['Makeup', 'Eyes'] }, await packshot(800, '#141414')],
      ['nail-3', { title: 'Coral Polish', categoryPath: ['Makeup', 'Nails'] }, await packshot(800, '#ff7f50')],
    ];
    for (const [id, body, image] of items) {
      const put = await app.inject({ method: 'PUT', url: `/v1/projects/${P}/catalog/items/${id}`, payload: { ...base, link: `https://shop.example/p/${id}`, imageLink: `https://shop.example/i/${id}.png`, ...body } });
      expect(put.statusCode, put.body).toBe(200);
      if (!image) continue;
      const up = await app.inject({ method: 'POST', url: `/v1/projects/${P}/catalog/items/${id}/image`, headers: { 'content-type': 'image/png' }, payload: image });
      expect(up.statusCode, up.body).toBe(200);
      hashes.set(id, createHash('sha256').update(image).digest('hex'));
    }
    // The images are analysed once without OCR and the vision model (test/tagging.test.ts's fixture: seconds, not
    // a minute on a busy machine); analysis is kept per content, so the real run below finds it and only records it.
    const catalog = app.rouge.use(catalogModule);
    const store = new TaggingStore(app.rouge.store);
    const cheap = { store, blobs: app.rouge.blobs, policy: new AddressPolicy([]), rules: DEFAULT_RULES, trusted: () => false, catalog };
    await runTagging(cheap, store, { itemIds: items.map(([id]) => id) }, { project: P, id: 'warm-up', kind: TAGGING_JOB, attempt: 1, maxAttempts: 1, signal: new AbortController().signal, progress: async () => undefined });
    // A real run, an Operation like any other (the feeds' image checks and the runs page come from it).
    const started = await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/runs`, payload: {} });
    expect(started.statusCode, started.body).toBe(200);
    expect((await finished(app, started.json().name, 30_000)).error).toBeUndefined();
    run = (started.json().name as string).split('/').pop()!;
    // What a tagger would have added: every analysed image classified, the three to review below threshold.
    const db = app.rouge.store.typed<any>();
    await db.updateTable('tagging_results').set({ predicted_label: 'Lips', confidence: 0.97, auto_accepted: 1 }).where('project', '=', P).where('run', '=', run).where('status', '=', 'ok').execute();
    await db.updateTable('tagging_results').set({ confidence: 0.5, auto_accepted: 0 }).where('project', '=', P).where('run', '=', run).where('item', 'in', ['lip-1', 'eye-2', 'nail-3']).execute();
    const labels = await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/feedSettings`, payload: { customLabels: ['colour_family', 'image_quality', null, null, null] } });
    expect(labels.statusCode, labels.body).toBe(200);
    // Ids in creation order: the queue shows them oldest first.
    taskIds.lips = await seedTask('lip-1', 'uncertain', 'Lips', 0.62);
    taskIds.eyes = await seedTask('eye-2', 'uncertain', 'Lips', 0.48);
    taskIds.ruby = await seedTask('ruby', 'audit', 'Lips', 0.97);
    taskIds.nails = await seedTask('nail-3', 'uncertain', 'Nails', 0.41);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('reviews the queue from the keyboard and with a button, passes over a task decided meanwhile, and ignores keys typed in a field', async () => {
    const admin = (await app.inject({ url: '/v1/whoami' })).json().principal as string;
    const { context, page, problems } = await openPage(browser);
    try {
      await signIn(page, origin, reviewerKey, P, '/review');
      const task = page.locator('[data-task-id]');
      const note = page.locator('.review-note');
      const imageShown = () => page.waitForFunction(() => {
        const i = (globalThis as any).document.querySelector('.review-task img');
        return Boolean(i && String(i.src).startsWith('blob:') && i.complete && i.naturalWidth > 0);
      });
      await expect.poll(() => task.getAttribute('data-task-id')).toBe(taskIds.lips);
      await imageShown();
      expect(await text(page, '#task-title')).toBe('Velvet Lipstick');
      expect(await text(page, '.review-proposal')).toMatch(/Proposed class Lips 62 % confident/);
      expect(await text(page, '.review-kind')).toMatch(/Uncertain/);
      for (const [i, c] of CHOICES.entries()) expect(await text(page, `[data-choice="${c.label}"]`)).toMatch(new RegExp(`^${i + 1} ${c.label}`));
      expect(await text(page, '.queue-count')).toMatch(/4 tasks left in this batch · 0 decided this session/);
      expect(await text(page, '.keys-help')).toMatch(/Enter or A.*accept.*1–9.*correct.*R.*reject.*S or →.*skip/);
      await expectAccessible(page, 'tag review');
      await screenshot(page, 'images-review');

      // A key typed in a field is typing, not a decision.
      await page.evaluate(() => {
        const d = (globalThis as any).document;
        const input = d.createElement('input');
        input.id = 'scratch';
        input.setAttribute('aria-label', 'scratch');
        d.getElementById('main').prepend(input);
      });
      await page.locator('#scratch').focus();
      await page.keyboard.type('r2');
      await page.keyboard.press('Enter');
      expect(await page.locator('#scratch').inputValue()).toBe('r2');
      expect(await getTask(taskIds.lips!)).toMatchObject({ state: 'pending' });
      expect(await task.getAttribute('data-task-id')).toBe(taskIds.lips);
      await page.evaluate(() => (globalThis as any).document.getElementById('scratch').remove());

      // Enter accepts the proposal.
      await page.locator('#task-title').click();
      await page.keyboard.press('Enter');
      await expect.poll(() => task.getAttribute('data-task-id')).toBe(taskIds.eyes);
      await expect.poll(() => note.textContent()).toBe('Accepted: Velvet Lipstick (item lip-1).');
      expect(await getTask(taskIds.lips!)).toMatchObject({ state: 'resolved', decision: 'accept', resolvedBy: `serviceAccount:reviewer@${P}` });
      expect(await itemTags('lip-1')).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'product_class', value: 'Lips', source: 'review' })]));

      // A digit corrects to that choice.
      await imageShown();
      expect(await text(page, '.review-proposal')).toMatch(/Lips 48 % confident/);
      await page.keyboard.press('2');
      await expect.poll(() => task.getAttribute('data-task-id')).toBe(taskIds.ruby);
      await expect.poll(() => note.textContent()).toBe('Corrected to Eyes: Night Mascara (item eye-2).');
      expect(await getTask(taskIds.eyes!)).toMatchObject({ state: 'resolved', decision: 'correct' });
      expect((await itemTags('eye-2')).filter((t) => t.source === 'review')).toEqual(expect.arrayContaining([
        expect.objectContaining({ name: 'product_class', value: 'Eyes' }),
        expect.objectContaining({ name: 'google_product_category', value: CHOICES[1]!.googleProductCategory }),
      ]));

      // The audit task says so; its Accept button does what Enter does.
      await imageShown();
      expect(await text(page, '.review-kind')).toMatch(/^Audit:/);
      expect(await text(page, '.queue-count')).toMatch(/2 tasks left in this batch · 2 decided/);
      await page.getByRole('button', { name: /^Accept/ }).click();
      await expect.poll(() => task.getAttribute('data-task-id')).toBe(taskIds.nails);
      expect(await getTask(taskIds.ruby!)).toMatchObject({ state: 'resolved', decision: 'accept' });

      // Another reviewer decides the task on screen first: R passes over it, theirs stands.
      const other = await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/reviewTasks/${taskIds.nails}:resolve`, headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, payload: { decision: 'accept' } });
      expect(other.statusCode, other.body).toBe(200);
      await page.keyboard.press('r');
      await expect.poll(() => note.textContent()).toBe('Coral Polish (item nail-3) was already decided by someone else; moved on.');
      await page.getByText('No pending tasks.', { exact: true }).waitFor();
      expect(await text(page, '.empty')).toMatch(/You made 3 decisions this session/);
      expect(await getTask(taskIds.nails!)).toMatchObject({ decision: 'accept', resolvedBy: admin });
      expect(await page.getByRole('alert').count()).toBe(0);
      await expectAccessible(page, 'tag review, queue empty');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, TIMEOUT);

  it('tells a reviewer which role lists runs, and opens a run by id; shows the admin the runs, their results and savings', async () => {
    const denied = await app.inject({ url: `/v1/projects/${P}/operations?kind=tagging.run&pageSize=50`, headers: bearer(reviewerKey) });
    expect(denied.statusCode).toBe(403);
    const savings = (await app.inject({ url: `/v1/projects/${P}/tagging/runs/${run}/savings` })).json();
    expect(savings).toMatchObject({ classified: 7, autoAccepted: 4, sentToReview: 3, audit: { sampled: 1, reviewed: 1, confirmed: 1, measuredPrecision: 1 } });

    const reviewer = await openPage(browser);
    try {
      await signIn(reviewer.page, origin, reviewerKey, P, '/tagging');
      await expect.poll(() => reviewer.page.getByRole('alert').first().textContent()).toContain(denied.json().error.message);
      await reviewer.page.getByLabel('Run id').fill(run);
      await reviewer.page.getByRole('button', { name: 'Open run' }).click();
      await reviewer.page.getByRole('heading', { name: `Run ${run}` }).waitFor();
      await reviewer.page.getByRole('heading', { name: 'Savings' }).waitFor();
      await expect.poll(() => text(reviewer.page, '.img-figures')).toMatch(/Images classified 7 of 8 analysed/);
      expect(reviewer.problems).toEqual([]);
    } finally {
      await reviewer.context.close();
    }

    const { context, page, problems } = await openPage(browser);
    try {
      await signIn(page, origin, ADMIN_KEY, P, '/tagging');
      const listed = (await app.inject({ url: `/v1/projects/${P}/operations?kind=tagging.run` })).json().operations as Array<{ name: string; metadata: { state: string } }>;
      expect(listed.map((o) => o.name.split('/').pop())).toEqual([run]);
      const row = page.getByRole('row').filter({ hasText: run });
      await expect.poll(() => row.textContent()).toMatch(new RegExp(`${listed[0]!.metadata.state}.*8 of 8 images`));
      const results = (await app.inject({ url: `/v1/projects/${P}/tagging/runs/${run}/results?pageSize=100` })).json().results as Array<{ itemId: string; status: string; checks: Array<{ name: string; passed: boolean }> }>;
      const tinyFails = results.find((r) => r.itemId === 'tiny')!.checks.filter((c) => !c.passed).map((c) => c.name);
      expect(tinyFails).toContain('google.min_size');
      await expect.poll(() => text(page, '.run-progress')).toMatch(/SUCCEEDED.*8 of 8 images done, 1 with an error/);
      const checkRow = page.getByRole('row').filter({ has: page.locator('code', { hasText: /^google\.min_size$/ }) });
      await expect.poll(() => checkRow.textContent()).toMatch(/google\.min_size\s*1\s*tiny/);
      await expect.poll(() => text(page, '.img-figures')).toMatch(/Auto-accepted 57\.1 % 4 images/);
      const figures = await text(page, '.img-figures');
      expect(figures).toMatch(/Sent to review 42\.9 % 3 images/);
      expect(figures).toMatch(/Measured precision of auto-accepted tags 100\.0 % 95% interval/);
      expect(figures).toMatch(/Review queue of this run 0 pending 4 decided/);
      expect(figures).toContain(`Manual work avoided ${duration(savings.manualWorkAvoided.hours)}`);
      const costRow = page.getByRole('row', { name: /^Rouge/ });
      expect(await costRow.textContent()).toContain(`$${savings.costPer1000Images.rouge.total.toFixed(2)}`);
      await page.locator('canvas').first().waitFor();
      // Other assumptions go to the API as the query, and the figures follow.
      await page.getByLabel('Seconds to review one').fill('60');
      await page.getByRole('button', { name: 'Recalculate' }).click();
      const slower = (await app.inject({ url: `/v1/projects/${P}/tagging/runs/${run}/savings?reviewSecondsPerImage=60` })).json();
      await expect.poll(() => text(page, '.img-figures')).toContain(`Manual work avoided ${duration(slower.manualWorkAvoided.hours)}`);
      await page.getByLabel('Seconds to review one').fill('5');
      await page.getByRole('button', { name: 'Recalculate' }).click();
      await expect.poll(() => text(page, '.img-figures')).toContain(`Manual work avoided ${duration(savings.manualWorkAvoided.hours)}`);
      await expectAccessible(page, 'tagging runs');
      await screenshot(page, 'images-savings');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, TIMEOUT);

  it('previews each feed file and reports what each feed leaves out, by reason', async () => {
    const report = (await app.inject({ url: `/v1/projects/${P}/feeds/google/report` })).json() as { items: number; included: number; excluded: Array<{ itemId: string; rule: string }> };
    expect(Object.fromEntries(report.excluded.map((f) => [f.itemId, f.rule]))).toEqual({ free: 'positive', noimage: 'required', tiny: 'google.min_size' });
    const tsv = (await app.inject({ url: `/v1/projects/${P}/feeds/google.tsv` })).body.trim().split('\n').slice(1).map((l) => l.split('\t'));
    expect(tsv).toHaveLength(report.included);

    const { context, page, problems } = await openPage(browser);
    try {
      await signIn(page, origin, ADMIN_KEY, P, '/feeds');
      const count = page.locator('.feed-count');
      await expect.poll(() => count.textContent()).toMatch(new RegExp(`^${report.included} products in google\\.tsv; the first ${report.included} below`));
      const preview = page.locator('.feed-table');
      const ids = await preview.locator('tbody tr td:first-child').allTextContents();
      expect(ids).toEqual(tsv.map((r) => r[0]));
      const header = await preview.locator('thead th').allTextContents();
      const ruby = tsv.find((r) => r[0] === 'ruby')!;
      const rubyCells = await preview.locator('tbody tr', { hasText: 'Ruby Velvet Lipstick' }).locator('td').allTextContents();
      expect(rubyCells[header.indexOf('price')]).toBe(ruby[7]);
      expect(rubyCells[header.indexOf('price')]).toBe('1499.00 INR');
      expect(rubyCells[header.indexOf('custom_label_0')]).toBe(ruby[18]);
      expect(ruby[18]).toBe('red');
      // The category comes from the class the audit above confirmed.
      expect(rubyCells[header.indexOf('google_product_category')]).toBe(ruby[14]);
      expect(ruby[14]).toBe('2645');

      const reason = page.locator('tr[data-rule="google.min_size"]');
      expect(await reason.locator('th').textContent()).toBe('Image fails google.min_size');
      expect(await reason.locator('td.num').textContent()).toBe('1');
      await reason.locator('summary').click();
      expect(await reason.locator('.img-findings').textContent()).toMatch(/^tiny: the image fails google\.min_size/);
      expect(await page.locator('tr[data-rule="positive"]').textContent()).toMatch(/A price of 0.*price: positive\s*1\s*free/);
      expect(await page.locator('tr[data-rule="required"]').textContent()).toMatch(/No image.*1\s*noimage/);
      expect(await text(page, '.img-figures')).toMatch(new RegExp(`^Catalogue items ${report.items} In the feed ${report.included} Left out 3 `));
      await expectAccessible(page, 'feeds');
      await screenshot(page, 'images-feeds');

      // The RSS file and Meta's CSV, each as its channel fetches it.
      await page.getByLabel(/Merchant Center XML/).check();
      await expect.poll(() => count.textContent()).toMatch(new RegExp(`^${report.included} products in google\\.xml`));
      expect(await preview.locator('tbody tr td:first-child').allTextContents()).toEqual(tsv.map((r) => r[0]));
      const meta = (await app.inject({ url: `/v1/projects/${P}/feeds/meta/report` })).json() as { included: number };
      await page.getByLabel(/Meta CSV/).check();
      await expect.poll(() => count.textContent()).toMatch(new RegExp(`^${meta.included} products in meta\\.csv`));
      await page.getByRole('heading', { name: 'Exclusion report: Meta Commerce Manager' }).waitFor();
      const availability = await preview.locator('thead th').allTextContents();
      const cells = await preview.locator('tbody tr').first().locator('td').allTextContents();
      expect(cells[availability.indexOf('availability')]).toBe('in stock');
      expect((await page.getByRole('table', { name: 'Custom labels' }).innerText()).replace(/\s+/g, ' ')).toMatch(/custom_label_0 colour_family custom_label_1 image_quality custom_label_2 nothing \(empty\)/);
      await expectAccessible(page, 'feeds, Meta');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }

    // On a phone the wide tables scroll inside their own box; the page itself does not.
    const phone = await openPage(browser, { width: 390, height: 844 });
    try {
      await signIn(phone.page, origin, ADMIN_KEY, P);
      for (const path of ['/feeds', '/tagging']) {
        await phone.page.goto(`${origin}/console/p/${P}${path}`);
        await phone.page.locator('table').first().waitFor();
        const overflow = await phone.page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.context.close();
    }
  }, TIMEOUT);
});
