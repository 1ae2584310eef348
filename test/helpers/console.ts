/**
 * What the console's browser tests share: a build of the console from the
 * current sources (cached by their hash, so one build serves every test file
 * of a run), an app listening on a port that serves it, Debian's Chromium
 * driven by playwright-core, sign-in, an axe-core check and screenshots kept
 * in test-artifacts/console/.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Config } from '../../src/platform/index.js';
import { buildTestApp } from './app.js';
import type { StoreKind } from './stores.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Where screenshots go: git-ignored, kept by CI as artefacts. */
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');

/** Prints why a browser suite is skipped (the standard: no silent skip). */
export function reportSkip(file: string): void {
  if (!HAVE_CHROMIUM) console.warn(`${file} skipped: ${CHROMIUM} does not exist (apt-get install chromium to run it)`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * The console built from the sources as they are now. The build is keyed by a
 * hash of console/ and the lock file, so a run builds once (about 3 s) and a
 * changed page is never tested against a stale build.
 */
export async function consoleBuild(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of [...filesUnder(join(ROOT, 'console')), join(ROOT, 'package-lock.json')].sort()) hash.update(relative(ROOT, f)).update(readFileSync(f));
  const dir = join(ROOT, 'node_modules', '.cache', 'rouge-console', hash.digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'index.html'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '-c', 'console/vite.config.ts'], {
      cwd: ROOT, env: { ...process.env, ROUGE_CONSOLE_OUT: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (${code}):\n${out}`))));
  });
  mkdirSync(join(dir, '..'), { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    // Another test process built the same sources first: its build is as good.
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** An app with every module, listening on a free port, serving the console built from the current sources. */
export async function startConsoleApp(kind: StoreKind = 'sqlite', config: Partial<Config> = {}, options: Parameters<typeof buildTestApp>[2] = {}): Promise<{ app: FastifyInstance; origin: string }> {
  const consoleDir = await consoleBuild();
  const app = await buildTestApp(kind, { consoleDir, ...config }, options);
  await app.listen({ port: config.port ?? 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return { app, origin: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` };
}

/** Headless Debian Chromium, as CI has it. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh context (its own sessionStorage) and page; page errors and CSP
 * refusals are collected into `problems`, which a test expects to stay empty.
 */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`); });
  return { context, page, problems };
}

/** Signs in through the form and opens `path` under the project (`/models`), waiting for its heading. */
export async function signIn(page: Page, origin: string, key: string, project?: string, path = ''): Promise<void> {
  await page.goto(`${origin}/console/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  if (project !== undefined) await page.goto(`${origin}/console/p/${encodeURIComponent(project)}${path}`);
  await page.locator('h1').first().waitFor();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it is and fails on any serious or critical
 * violation, naming the rule, the elements and how to fix it. (evaluate is
 * not subject to the page's CSP, which rightly refuses inline scripts.)
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ['violations'] });
    return (r.violations as Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>)
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${what}: axe-core found ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** Saves a full-page screenshot as a test artefact; answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
