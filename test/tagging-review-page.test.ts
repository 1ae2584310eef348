/**
 * The review page (GET /review) in Debian's headless Chromium against a live
 * server: a reviewer signs in with an editor key, sees each pending task's
 * image (fetched with the key, shown from a blob: URL), its proposed class
 * and confidence, and decides with one key each (Enter accepts, a digit
 * corrects, R rejects, S skips), each decision checked through the API; a
 * task someone else decided meanwhile is passed over; the key stays in
 * sessionStorage only; a wrong key shows the API's error and the sign-in form.
 * The tasks and images are seeded straight into the store and blob store,
 * as a tagging run with a tagger would leave them.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productTags } from '../src/tagging/classifier/decide.js';
import type { ClassifierTables, ReviewTaskRow } from '../src/tagging/classifier/tables.js';
import { mappingsFor } from '../src/tagging/classifier/taxonomy.js';
import { imageKey } from '../src/tagging/images.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`tagging-review-page.test.ts skipped: ${CHROMIUM} does not exist (apt-get install chromium to run it)`);

const P = 'looks';
const TIMEOUT = 60_000;
const CHOICES = mappingsFor(['Lips', 'Eyes', 'Nails']);
const SESSION_KEY = 'rouge.review.key';

/** A small packshot in the given colour: distinct bytes, so each task has an image of its own. */
function packshot(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: colour } }).png().toBuffer();
}

describe.skipIf(!HAVE_CHROMIUM)('the review page in headless Chromium', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let origin: string;
  let key: string;
  /** Task ids in creation order, so the page's (id-ordered) queue order is known. */
  let seq = Date.now();

  async function seedTask(item: { id: string; title: string; colour: string }, kind: 'uncertain' | 'audit', label: string, confidence: number): Promise<string> {
    const put = await app.inject({ method: 'PUT', url: `/v1/projects/${P}/catalog/items/${item.id}`, payload: { title: item.title, brand: 'Aurelia', categoryPath: ['Makeup'] } });
    expect(put.statusCode, put.body).toBe(200);
    const bytes = await packshot(item.colour);
    const hash = createHash('sha256').update(bytes).digest('hex');
    await app.rouge.blobs.put(imageKey(P, hash), Readable.from([bytes]), { contentType: 'image/png' });
    const mapping = CHOICES.find((c) => c.label === label)!;
    const row: ReviewTaskRow = {
      project: P, id: ulid(++seq), run: 'seeded-run', item: item.id, image_hash: hash, kind, model_version: `projects/${P}/models/tagger/versions/1`,
      proposed: JSON.stringify(productTags(mapping, confidence)), choices: JSON.stringify(CHOICES), state: 'pending',
      decision: null, tags: null, resolved_by: null, create_time: new Date().toISOString(), resolve_time: null,
    };
    await app.rouge.store.typed<ClassifierTables>().insertInto('tagging_review_tasks').values(row).execute();
    return row.id;
  }

  const getTask = async (id: string) => {
    const res = await app.inject({ url: `/v1/projects/${P}/tagging/reviewTasks/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { decision?: string; state: string; resolvedBy?: string; tags?: Array<{ name: string; value: string }> };
  };
  const itemTags = async (id: string) => {
    const res = await app.inject({ url: `/v1/projects/${P}/catalog/items/${id}/tags` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().tags as Array<{ name: string; value: string; source: string }>;
  };

  /** A fresh browser context (its own sessionStorage), with everything the page logs that looks like a failure collected. */
  async function open(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // A CSP violation is the page reaching beyond what GET /review allows it.
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`); });
    await page.goto(`${origin}/review?project=${P}`);
    return { context, page, problems };
  }

  async function signIn(page: Page, withKey: string): Promise<void> {
    expect(await page.inputValue('#project')).toBe(P);
    await page.fill('#key', withKey);
    await page.click('#signin');
  }

  /** Waits for a task to be on screen; when it never comes, the failure says what the page said instead. */
  const shown = async (page: Page, id: string) => {
    await page.waitForSelector(`#task[data-task-id="${id}"]`, { state: 'visible' }).catch(async (e: Error) => {
      const said = await page.evaluate(() => {
        const text = (id: string) => (globalThis as any).document.getElementById(id)?.textContent as string | undefined;
        return JSON.stringify({ status: text('status'), note: text('note'), task: (globalThis as any).document.getElementById('task')?.dataset.taskId });
      }).catch(() => '');
      throw new Error(`task ${id} was not shown (${e.message.split('\n')[0]}); the page: ${String(said)}`);
    });
  };
  // Predicates are functions, not strings: a string would be eval'd in the page, which its CSP (rightly) forbids.
  const imageLoaded = (page: Page) => page.waitForFunction(() => {
    const i = (globalThis as any).document.getElementById('image');
    return Boolean(i && String(i.src).startsWith('blob:') && i.complete && i.naturalWidth > 0);
  });
  const storage = (page: Page) => page.evaluate((name) => ({
    session: (globalThis as any).sessionStorage.getItem(name) as string | null,
    local: JSON.stringify({ ...(globalThis as any).localStorage }),
  }), SESSION_KEY);
  const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

  beforeAll(async () => {
    app = await buildTestApp('sqlite');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    origin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/serviceAccounts`, payload: { name: 'reviewer' } })).statusCode).toBe(200);
    const made = await app.inject({ method: 'POST', url: `/v1/projects/${P}/serviceAccounts/reviewer/keys`, payload: {} });
    expect(made.statusCode, made.body).toBe(200);
    key = made.json().key as string;
    const bound = await app.inject({ method: 'POST', url: `/v1/projects/${P}/bindings`, payload: { principal: `serviceAccount:reviewer@${P}`, role: 'editor' } });
    expect(bound.statusCode, bound.body).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('serves one self-contained page with a CSP that allows only this origin, without a key', async () => {
    const res = await app.inject({ url: '/review', headers: { authorization: '' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/connect-src 'self'/);
    expect(res.body).not.toMatch(/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//);
  });

  it('decides three tasks with one key each: Enter accepts, 2 corrects to the second choice, r rejects', async () => {
    const lips = await seedTask({ id: 'lip-1', title: 'Velvet Lipstick', colour: '#c1121f' }, 'uncertain', 'Lips', 0.62);
    const eyes = await seedTask({ id: 'eye-2', title: 'Night Mascara', colour: '#141414' }, 'audit', 'Lips', 0.91);
    const nails = await seedTask({ id: 'nail-3', title: 'Coral Polish', colour: '#ff7f50' }, 'uncertain', 'Nails', 0.41);
    const { context, page, problems } = await open();
    try {
      await signIn(page, key);

      await shown(page, lips);
      await imageLoaded(page);
      expect(await text(page, '#proposed')).toMatch(/^Lips\b.*\b62%/);
      expect(await text(page, '#item')).toContain('Velvet Lipstick');
      expect(await text(page, '#kind')).toMatch(/uncertain/i);
      for (const [i, c] of CHOICES.entries()) expect(await text(page, `[data-choice="${c.label}"]`)).toBe(`${i + 1} ${c.label}`);
      expect(await text(page, '#accept')).toMatch(/Accept.*Enter/);

      // The key is in this tab's sessionStorage only: not in the address, not in localStorage.
      expect(await storage(page)).toEqual({ session: key, local: '{}' });
      expect(page.url()).not.toContain(key);
      expect(page.url()).toContain(`project=${P}`);

      await page.keyboard.press('Enter');
      await shown(page, eyes);
      expect(await getTask(lips)).toMatchObject({ state: 'resolved', decision: 'accept', resolvedBy: `serviceAccount:reviewer@${P}` });
      expect(await itemTags('lip-1')).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'product_class', value: 'Lips', source: 'review' })]));

      // The second task is an audit of an auto-accepted tag, and says so.
      await imageLoaded(page);
      expect(await text(page, '#kind')).toMatch(/audit/i);
      expect(await text(page, '#proposed')).toMatch(/^Lips\b.*\b91%/);
      await page.keyboard.press('2');
      await shown(page, nails);
      expect(await getTask(eyes)).toMatchObject({ state: 'resolved', decision: 'correct' });
      const corrected = (await itemTags('eye-2')).filter((t) => t.source === 'review');
      expect(corrected).toEqual(expect.arrayContaining([
        expect.objectContaining({ name: 'product_class', value: CHOICES[1]!.label }),
        expect.objectContaining({ name: 'google_product_category', value: CHOICES[1]!.googleProductCategory }),
      ]));

      await imageLoaded(page);
      expect(await text(page, '#proposed')).toMatch(/^Nails\b.*\b41%/);
      await page.keyboard.press('r');
      await page.waitForSelector('#done', { state: 'visible' });
      expect(await getTask(nails)).toMatchObject({ state: 'resolved', decision: 'reject' });
      expect(await text(page, '#done')).toMatch(/No pending tasks.*\b3 decisions\b/);
      expect(await page.isVisible('#status:not(:empty)')).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, TIMEOUT);

  it('passes over a task someone else decided meanwhile, skips with s, and signs out', async () => {
    const taken = await seedTask({ id: 'taken-4', title: 'Rose Gloss', colour: '#e8a0b0' }, 'uncertain', 'Lips', 0.55);
    const left = await seedTask({ id: 'left-5', title: 'Ink Liner', colour: '#1f4fbf' }, 'uncertain', 'Eyes', 0.5);
    const { context, page, problems } = await open();
    try {
      await signIn(page, key);
      await shown(page, taken);
      // Another reviewer decides the task on screen first.
      const other = await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/reviewTasks/${taken}:resolve`, headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, payload: { decision: 'reject' } });
      expect(other.statusCode, other.body).toBe(200);
      await page.keyboard.press('a');
      await shown(page, left);
      expect(await getTask(taken)).toMatchObject({ decision: 'reject' });
      expect(await page.isVisible('#status:not(:empty)')).toBe(false);

      await page.keyboard.press('s');
      await page.waitForSelector('#done', { state: 'visible' });
      expect(await text(page, '#done')).toMatch(/No pending tasks.*\b0 decisions\b/);
      expect(await getTask(left)).toMatchObject({ state: 'pending' });

      await page.click('#signout');
      await page.waitForSelector('#key', { state: 'visible' });
      expect((await storage(page)).session).toBeNull();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, TIMEOUT);

  it('shows the API\'s error for a wrong key and asks again, keeping nothing', async () => {
    const wrong = `rk_unknownKey1_${'x'.repeat(43)}`;
    const answer = await app.inject({ url: `/v1/projects/${P}/tagging/reviewTasks?state=pending&pageSize=50`, headers: bearer(wrong) });
    expect(answer.statusCode).toBe(401);
    const { context, page } = await open();
    try {
      await signIn(page, wrong);
      await page.waitForSelector('#status:not(:empty)');
      expect(await text(page, '#status')).toBe(answer.json().error.message);
      expect(await page.getAttribute('#status', 'role')).toBe('alert');
      expect(await page.isVisible('#key')).toBe(true);
      expect((await storage(page)).session).toBeNull();
    } finally {
      await context.close();
    }
  }, TIMEOUT);
});
