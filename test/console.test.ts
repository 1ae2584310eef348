/**
 * The web console's shell in headless Chromium against a live server: /console
 * serves the built app with a strict CSP; sign-in checks the key with the API
 * and keeps it in sessionStorage only (never a URL, never localStorage); a
 * wrong key shows the API's error; a key the API later refuses sends the user
 * back to sign-in; the menu shows only pages whose module the deployment runs;
 * the sign-in and overview screens pass axe-core; the layout holds on a phone.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryModule } from '../src/registry/index.js';
import { ADMIN_KEY } from './helpers/app.js';
import { HAVE_CHROMIUM, expectAccessible, launchBrowser, openPage, reportSkip, screenshot, signIn, startConsoleApp } from './helpers/console.js';

reportSkip('console.test.ts');
const P = 'shop';

describe('/console over HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await startConsoleApp('sqlite'));
  }, 120_000);
  afterAll(async () => app?.close());

  it('serves index.html for every page path, without a key, never cached, with a CSP that allows only this origin\'s scripts', async () => {
    for (const url of ['/console/', '/console/p/shop/models', '/console/p/x/endpoints/e1']) {
      const res = await app.inject({ url, headers: { authorization: '' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.body).toContain('<div id="root">');
    }
    const bare = await app.inject({ url: '/console', headers: { authorization: '' } });
    expect(bare.statusCode).toBe(200);
    expect(bare.body).toContain('<div id="root">');
  });

  it('serves hashed assets as immutable and answers a missing file 404 in the error model', async () => {
    const html = (await app.inject({ url: '/console/', headers: { authorization: '' } })).body;
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const res = await app.inject({ url: asset, headers: { authorization: '' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    const missing = await app.inject({ url: '/console/assets/nope.js', headers: { authorization: '' } });
    expect(missing.statusCode).toBe(404);
    const traversal = await app.inject({ url: '/console/..%2f..%2fpackage.json', headers: { authorization: '' } });
    expect(traversal.statusCode).toBeGreaterThanOrEqual(400);
    expect(traversal.body).not.toContain('"dependencies"');
    // Dot files, NUL and `..` are no file of the build: a 404 in the error model naming the path.
    for (const url of ['/console/.env', '/console/assets/%00.js', '/console/assets/..%2F..%2Findex.html']) {
      const odd = await app.inject({ url, headers: { authorization: '' } });
      expect(odd.statusCode, url).toBe(404);
      expect(odd.json().error.details[0].reason, url).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('says how to build the console when it is not built', async () => {
    const bare = await (await import('./helpers/app.js')).buildTestApp('sqlite', { consoleDir: '/nonexistent/console' });
    try {
      const res = await bare.inject({ url: '/console/', headers: { authorization: '' } });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.details[0].reason).toBe('CONSOLE_NOT_BUILT');
      expect(res.json().error.message).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });

  it('lists the modules this deployment runs at /v1/modules, to any signed-in caller', async () => {
    const res = await app.inject({ url: '/v1/modules' });
    expect(res.statusCode).toBe(200);
    const names = res.json().modules.map((m: { name: string }) => m.name);
    expect(names).toEqual(expect.arrayContaining(['registry', 'serving', 'catalog', 'ads', 'placements', 'tagging', 'pipelines']));
    expect((await app.inject({ url: '/v1/modules', headers: { authorization: '' } })).statusCode).toBe(401);
  });
});

describe.skipIf(!HAVE_CHROMIUM)('the console shell in headless Chromium', () => {
  let app: FastifyInstance;
  let origin: string;
  let browser: Browser;
  beforeAll(async () => {
    ({ app, origin } = await startConsoleApp('sqlite'));
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the API\'s error for a wrong key and keeps nothing', async () => {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${origin}/console/`);
    await expectAccessible(page, 'sign-in');
    await page.getByLabel('API key').fill('rk_wrongkey01_' + 'x'.repeat(40));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/key/i);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('signs in, keeps the key in sessionStorage only, opens the only project and shows every module\'s pages', async () => {
    const { context, page, problems } = await openPage(browser);
    await signIn(page, origin, ADMIN_KEY);
    await page.getByRole('heading', { name: `Project ${P}` }).waitFor();
    expect(page.url()).toBe(`${origin}/console/p/${P}`);
    expect(page.url()).not.toContain(ADMIN_KEY);
    const stored = await page.evaluate(() => ({ session: JSON.stringify({ ...(globalThis as any).sessionStorage }), local: (globalThis as any).localStorage.length as number }));
    expect(stored.session).toContain(ADMIN_KEY);
    expect(stored.local).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    for (const label of ['Models', 'Endpoints', 'Recommendations', 'Sponsored products', 'Tag review', 'Feeds', 'Pipeline runs', 'Triggers', 'Audit log']) {
      await expect.poll(() => nav.getByRole('link', { name: label, exact: true }).count(), { message: label }).toBe(1);
    }
    await expectAccessible(page, 'overview');
    await screenshot(page, 'overview');
    // A reload keeps the session; signing out forgets the key.
    await page.reload();
    await page.getByRole('heading', { name: `Project ${P}` }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('rouge.console.key'))).toBeNull();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends the user back to sign-in when the API refuses the key mid-session', async () => {
    const { context, page } = await openPage(browser);
    const made = await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'ana' } });
    expect(made.statusCode, made.body).toBe(200);
    const key = await app.inject({ method: 'POST', url: '/v1/users/ana/keys', payload: {} });
    expect(key.statusCode, key.body).toBe(200);
    const { key: secret, keyId } = key.json() as { key: string; keyId: string };
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/bindings`, payload: { principal: 'user:ana', role: 'viewer' } })).statusCode).toBe(200);
    await signIn(page, origin, secret, P);
    expect((await app.inject({ method: 'DELETE', url: `/v1/users/ana/keys/${keyId}` })).statusCode).toBe(200);
    // The key cache holds a verified key for a few seconds; a later call is refused.
    await expect.poll(async () => {
      await page.reload();
      await page.locator('h1').first().waitFor();
      return page.getByLabel('API key').count();
    }, { timeout: 20_000, interval: 1000 }).toBe(1);
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/refused your key/);
    await context.close();
  });

  it('leaves out the pages of modules the deployment does not run, and holds its layout on a phone', async () => {
    const { app: small, origin: smallOrigin } = await startConsoleApp('sqlite', {}, { modules: [registryModule] });
    try {
      expect((await small.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
      const { context, page } = await openPage(browser, { width: 390, height: 844 });
      await signIn(page, smallOrigin, ADMIN_KEY);
      const nav = page.getByRole('navigation', { name: 'Pages' });
      await nav.getByRole('link', { name: 'Models', exact: true }).waitFor();
      for (const absent of ['Endpoints', 'Recommendations', 'Sponsored products', 'Tag review', 'Pipeline runs']) expect(await nav.getByRole('link', { name: absent, exact: true }).count(), absent).toBe(0);
      await page.goto(`${smallOrigin}/console/p/${P}/ads`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await expectAccessible(page, 'phone layout');
      await screenshot(page, 'phone');
      await context.close();
    } finally {
      await small.close();
    }
  });
});
