/**
 * A feed of 100,000 items: how long the first fetch takes (rendered page by
 * page into the blob store, then streamed), how long a cached one takes, and
 * how much memory the process holds while rendering, against the feed's size.
 *   NODE_OPTIONS=--expose-gc npx tsx bench/feeds.ts     (BENCH_ITEMS, default 100000)
 * Items are written straight into the store (this measures the feed, not ingestion).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { toItemRow } from '../src/catalog/items.js';
import { generateCatalog } from '../src/demo/catalog.js';

const KEY = `rk_benchadmin01_${'A1b2C3d4E5'.repeat(4)}xyz`;
const N = Number(process.env.BENCH_ITEMS ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const app = await buildApp({ config: { dataDir: mkdtempSync(join(tmpdir(), 'rouge-feeds-')), bootstrapAdminKey: KEY, logLevel: 'silent', rateLimitPerSecond: 0 } });
await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'feedbench' }, headers: { authorization: `Bearer ${KEY}` } });
{
  const items = generateCatalog({ seed: 1, items: N, events: 0, users: 0, baseUrl: 'https://shop.example' } as never);
  const now = new Date().toISOString();
  const db = app.rouge.store.typed<any>();
  for (let i = 0; i < items.length; i += 500) await db.insertInto('catalog_items').values(items.slice(i, i + 500).map((it) => toItemRow('feedbench', it as never, now))).execute();
}
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as AddressInfo).port;
gc();
const base = process.memoryUsage();
let peak = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.heapUsed + m.external - base.heapUsed - base.external);
}, 20);
const fetchFeed = (file: string) => new Promise<{ bytes: number; lines: number; ms: number }>((resolve, reject) => {
  const t = performance.now();
  let bytes = 0;
  let lines = 0;
  http.get({ host: '127.0.0.1', port, path: `/v1/projects/feedbench/feeds/${file}`, headers: { authorization: `Bearer ${KEY}` } }, (res) => {
    if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
    res.on('data', (c: Buffer) => {
      bytes += c.length;
      for (const b of c) if (b === 10) lines++;
    });
    res.on('end', () => resolve({ bytes, lines, ms: performance.now() - t }));
  }).on('error', reject);
});
console.log(`${N.toLocaleString()} catalogue items (the demo generator), SQLite file store, file blob store; Node ${process.version}`);
for (const file of ['google.tsv', 'google.xml', 'meta.csv']) {
  peak = 0;
  const first = await fetchFeed(file);
  const firstPeak = peak;
  const again = await fetchFeed(file);
  console.log(`${file.padEnd(11)} ${(first.bytes / 1e6).toFixed(1)} MB, ${first.lines.toLocaleString()} lines; first fetch (render + stream) ${(first.ms / 1000).toFixed(1)} s, cached ${(again.ms / 1000).toFixed(2)} s; heap + buffers above the idle process while rendering: peak ${(firstPeak / 1e6).toFixed(0)} MB`);
}
clearInterval(sampler);
await app.close();
