/**
 * The web console: (1) what a browser downloads, per file, raw and gzipped,
 * split into what the first screen needs (index.html, the shell's script and
 * stylesheet) and what loads later (each page's chunk, ECharts); (2) how soon
 * the first screen is interactive on localhost in Debian's headless Chromium:
 * a fresh tab (empty cache) opening /console/ until the sign-in field is in
 * the page with React's handlers attached, and a signed-in tab opening a
 * project's overview and its Models page until their headings show. Times are
 * the page's own performance.now() (from navigation start) read right after
 * playwright sees the element, so they include up to one polling interval.
 * Run: npm run build:console && npx tsx bench/console.ts   Env: BENCH_LOADS (20).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildApp } from '../src/app.js';

const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const KEY = `rk_benchadmin001_${'A1b2C3d4E5'.repeat(4)}xyz`;
const DIR = fileURLToPath(new URL('../dist/console', import.meta.url));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

function sizes() {
  const html = readFileSync(join(DIR, 'index.html'), 'utf8');
  const initial = new Set(['index.html', ...[...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+)"/g)].map((m) => m[1]!)]);
  const files = ['index.html', ...readdirSync(join(DIR, 'assets')).map((f) => `assets/${f}`)].map((f) => {
    const bytes = readFileSync(join(DIR, f));
    return { file: f, raw: statSync(join(DIR, f)).size, gzip: gzipSync(bytes, { level: 9 }).length, initial: initial.has(f) };
  });
  const sum = (xs: typeof files, k: 'raw' | 'gzip') => xs.reduce((a, x) => a + x[k], 0);
  const first = files.filter((f) => f.initial);
  console.log('\n== bundle (dist/console)');
  console.log(`first screen: ${first.length} files, ${kb(sum(first, 'raw'))} raw, ${kb(sum(first, 'gzip'))} gzipped`);
  console.log(`everything:   ${files.length} files, ${kb(sum(files, 'raw'))} raw, ${kb(sum(files, 'gzip'))} gzipped`);
  for (const f of files.sort((a, b) => b.raw - a.raw)) console.log(`  ${f.initial ? '*' : ' '} ${f.file.padEnd(44)} ${kb(f.raw).padStart(10)} ${kb(f.gzip).padStart(10)}`);
}

async function main() {
  sizes();
  const app = await buildApp({ config: { bootstrapAdminKey: KEY, dataDir: ':memory:', consoleDir: DIR, logLevel: 'silent' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  await app.inject({ method: 'POST', url: '/v1/projects', headers: { authorization: `Bearer ${KEY}` }, payload: { name: 'bench' } });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const run = async (label: string, signedIn: boolean, path: string, selector: string) => {
    const times: number[] = [];
    for (let i = 0; i < LOADS + 2; i++) {
      const context = await browser.newContext();
      if (signedIn) await context.addInitScript((k) => (globalThis as any).sessionStorage.setItem('rouge.console.key', k), KEY);
      const page = await context.newPage();
      await page.goto(`${origin}${path}`, { waitUntil: 'commit' });
      await page.waitForSelector(selector, { state: 'visible' });
      const t = await page.evaluate(() => performance.now());
      if (i >= 2) times.push(t); // the first loads warm the server's file cache
      await context.close();
    }
    console.log(`${label.padEnd(46)} p50 ${pct(times, 50).toFixed(0).padStart(4)} ms   p95 ${pct(times, 95).toFixed(0).padStart(4)} ms   max ${Math.max(...times).toFixed(0).padStart(4)} ms   (${LOADS} fresh tabs)`);
  };
  console.log(`\n== first screen interactive, localhost, headless Chromium (${cpus().length} x ${cpus()[0]?.model ?? '?'})`);
  await run('sign-in form (/console/, signed out)', false, '/console/', '#api-key:not([disabled])');
  await run('project overview (signed in)', true, '/console/p/bench', 'h1:has-text("Project bench")');
  await run('Models page (signed in, its chunk on demand)', true, '/console/p/bench/models', 'h1:has-text("Models")');
  await browser.close();
  await app.close();
}

await main();
