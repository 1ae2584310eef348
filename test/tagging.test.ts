/**
 * Image analysis end to end on both stores: a tagging run over items whose
 * images a local HTTP server serves (generated packshots and every kind of
 * bad image or URL), per-item results and errors, items' tags, uploads,
 * near-duplicates, analysis once per content, and a run resumed after it stopped.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../src/catalog/index.js';
import { AddressPolicy } from '../src/platform/index.js';
import { DEFAULT_RULES } from '../src/tagging/rules.js';
import { runTagging, TAGGING_JOB } from '../src/tagging/runner.js';
import { TaggingStore } from '../src/tagging/store.js';
import { finished } from './catalog-helpers.js';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';

const P = 'pics';
/** The image server listens on 127.0.0.2, which the app is told to allow; 127.0.0.1 stays refused. */
const HOST = '127.0.0.2';

async function packshot(product = '#c1121f', opts: { size?: number; bg?: string; blur?: number } = {}): Promise<Buffer> {
  const size = opts.size ?? 800;
  const bar = await sharp({ create: { width: Math.round(size * 0.3), height: Math.round(size * 0.6), channels: 3, background: product } }).png().toBuffer();
  let img = sharp({ create: { width: size, height: size, channels: 3, background: opts.bg ?? '#ffffff' } }).composite([{ input: bar, gravity: 'centre' }]);
  if (opts.blur) img = sharp(await img.png().toBuffer()).blur(opts.blur);
  return img.jpeg({ quality: 92 }).toBuffer();
}

describe.each(STORE_KINDS)('image analysis on %s', (storeKind) => {
  let app: FastifyInstance;
  let server: http.Server;
  let base: string;
  const files = new Map<string, Buffer>();
  const results = async (run: string) => {
    const res = await app.inject({ url: `/v1/projects/${P}/tagging/runs/${run}/results?pageSize=100` });
    expect(res.statusCode, res.body).toBe(200);
    return new Map((res.json().results as Array<{ itemId: string; status: string; checks: Array<{ name: string; passed: boolean }>; tags: Array<{ name: string; value: string }>; error?: { code: string; message: string } }>).map((r) => [r.itemId, r]));
  };
  const analyses = async () => {
    const r = (await app.rouge.store.typed<any>().selectFrom('tagging_images').select((eb: any) => eb.fn.countAll().as('n')).where('project', '=', P).executeTakeFirst()) as { n: number | string } | undefined;
    return Number(r?.n ?? 0);
  };
  const startRun = async (body: object = {}) => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/runs`, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const op = await finished(app, res.json().name, 60_000);
    expect(op.error, JSON.stringify(op.error)).toBeUndefined();
    return (res.json().name as string).split('/').pop()!;
  };

  beforeAll(async () => {
    files.set('/good.jpg', await packshot());
    files.set('/good-copy.jpg', await sharp(files.get('/good.jpg')!).resize(700, 700).jpeg({ quality: 80 }).toBuffer());
    files.set('/blue.jpg', await packshot('#1f4fbf'));
    files.set('/blurry.jpg', await packshot('#c1121f', { blur: 12 }));
    files.set('/small.jpg', await packshot('#c1121f', { size: 300 }));
    files.set('/pink-bg.jpg', await packshot('#141414', { bg: '#f8c8dc' }));
    files.set('/truncated.jpg', files.get('/good.jpg')!.subarray(0, 3000));
    server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      const body = files.get(url);
      if (body) return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(body);
      if (url === '/page.jpg') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>moved</html>');
      if (url === '/slow.jpg') return void setTimeout(() => res.writeHead(200).end('late'), 15_000).unref();
      if (url.startsWith('/loop')) return res.writeHead(302, { location: '/loop' }).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, HOST, r));
    base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    app = await buildTestApp(storeKind, { fetchAllowCidrs: [`${HOST}/32`] }, { workerPollMs: 10 });
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
    const items: Array<[string, string | undefined]> = [
      ['good', `${base}/good.jpg`], ['good-copy', `${base}/good-copy.jpg`], ['blue', `${base}/blue.jpg`], ['blurry', `${base}/blurry.jpg`], ['small', `${base}/small.jpg`],
      ['pink-bg', `${base}/pink-bg.jpg`], ['truncated', `${base}/truncated.jpg`], ['html', `${base}/page.jpg`], ['slow', `${base}/slow.jpg`], ['loop', `${base}/loop`],
      ['missing', `${base}/missing.jpg`], ['loopback', `http://127.0.0.1:${(server.address() as AddressInfo).port}/good.jpg`], ['metadata', 'http://169.254.169.254/latest/meta-data/iam.png'],
      ['uploaded', undefined],
    ];
    for (const [id, link] of items) {
      const res = await app.inject({ method: 'PUT', url: `/v1/projects/${P}/catalog/items/${id}`, payload: { title: `Lipstick ${id}`, brand: 'Aurelia', categoryPath: ['Makeup', 'Lips', 'Lipstick'], ...(link ? { imageLink: link } : {}) } });
      expect(res.statusCode, res.body).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await new Promise((r) => server.close(r));
  });

  it('analyses every image, records each bad image or URL as that item\'s error, and goes on', async () => {
    const up = await app.inject({ method: 'POST', url: `/v1/projects/${P}/catalog/items/uploaded/image`, headers: { 'content-type': 'image/png' }, payload: await sharp(files.get('/blue.jpg')!).png().toBuffer() });
    expect(up.statusCode, up.body).toBe(200);
    const run = await startRun();
    const r = await results(run);
    expect(r.size).toBe(14);
    const errors = Object.fromEntries([...r].filter(([, x]) => x.status === 'error').map(([id, x]) => [id, x.error!.code]));
    expect(errors).toEqual({
      truncated: 'corrupt', html: 'not_an_image', slow: 'timeout', loop: 'too_many_redirects', missing: 'http_status', loopback: 'blocked_address', metadata: 'blocked_address',
    });
    expect(r.get('html')!.error!.message).toMatch(/text\/html/);
    const failed = (id: string) => r.get(id)!.checks.filter((c) => !c.passed).map((c) => c.name);
    const tag = (id: string, name: string) => r.get(id)!.tags.find((t) => t.name === name)?.value;
    expect(failed('good')).toEqual(['meta.recommended_size', 'unique_image']);
    expect(tag('good', 'colour_family')).toBe('red');
    expect(failed('blurry')).toContain('sharp_focus');
    expect(failed('small')).toEqual(expect.arrayContaining(['google.min_size', 'meta.min_size']));
    expect(tag('pink-bg', 'background')).toBe('plain');
    expect(tag('uploaded', 'colour_family')).toBe('blue');
    // The resized, recompressed copy and the small one are the same picture; the same packshot in blue is not
    // (the blue one's duplicate is the PNG of it uploaded for another item).
    const dupes = (id: string) => tag(id, 'duplicate_of')?.split(',').sort();
    expect(dupes('good')).toEqual(['good-copy', 'small']);
    expect(dupes('good-copy')).toEqual(['good', 'small']);
    expect(dupes('blue')).toEqual(['uploaded']);
    const summary = (await app.inject({ url: `/v1/projects/${P}/tagging/runs/${run}` })).json();
    expect(summary).toMatchObject({ state: 'SUCCEEDED', done: true, counts: { ok: 7, errors: 7 } });
  }, 60_000);

  it('shows an item\'s tags with their source and run', async () => {
    const res = await app.inject({ url: `/v1/projects/${P}/catalog/items/good/tags` });
    expect(res.statusCode, res.body).toBe(200);
    const tags = res.json().tags as Array<{ name: string; value: string; source: string; runId: string; confidence?: number }>;
    expect(tags.find((t) => t.name === 'colour_family')).toMatchObject({ value: 'red', source: 'analyzer', confidence: expect.any(Number) });
    expect(new Set(tags.map((t) => t.source))).toEqual(new Set(['analyzer']));
    expect((await app.inject({ url: `/v1/projects/${P}/catalog/items/nothing-here/tags` })).statusCode).toBe(404);
  });

  it('analyses an unchanged image once, however many runs see it', async () => {
    const before = await analyses();
    await startRun({ itemIds: ['good', 'blue', 'blurry'] });
    expect(await analyses()).toBe(before);
  }, 60_000);

  it('resumes a run that stopped halfway where it stopped, analysing no image twice', async () => {
    const colours = ['#ff8800', '#00aa55', '#aa00aa', '#555555', '#e8a0b0', '#8b4513'];
    for (const [i, c] of colours.entries()) {
      files.set(`/fresh-${i}.jpg`, await packshot(c, { size: 600 + i * 10 }));
      await app.inject({ method: 'PUT', url: `/v1/projects/${P}/catalog/items/fresh-${i}`, payload: { title: `Fresh ${i}`, brand: 'Aurelia', categoryPath: ['Makeup', 'Lips', 'Lipstick'], imageLink: `${base}/fresh-${i}.jpg` } });
    }
    const stop = new AbortController();
    // The worker dies (its lease is lost) after two results are stored.
    class Stopping extends TaggingStore {
      stored = 0;
      override async putResult(...args: Parameters<TaggingStore['putResult']>): Promise<void> {
        await super.putResult(...args);
        if (++this.stored === 2) stop.abort();
      }
    }
    const store = new Stopping(app.rouge.store);
    const deps = { store, blobs: app.rouge.blobs, policy: new AddressPolicy([`${HOST}/32`]), rules: DEFAULT_RULES, trusted: () => false, catalog: app.rouge.use(catalogModule) };
    const before = await analyses();
    const ids = colours.map((_, i) => `fresh-${i}`);
    const ctx = (signal: AbortSignal) => ({ project: P, id: 'resumed-run', kind: TAGGING_JOB, attempt: 1, maxAttempts: 3, signal, progress: async () => undefined });
    await runTagging(deps, store, { itemIds: ids }, ctx(stop.signal));
    const halfway = (await store.doneItems(P, 'resumed-run')).size;
    expect(halfway).toBeGreaterThanOrEqual(2);
    expect(halfway).toBeLessThan(ids.length);
    const end = await runTagging(deps, store, { itemIds: ids }, ctx(new AbortController().signal));
    expect(end).toMatchObject({ processed: ids.length, errors: 0 });
    expect(await analyses()).toBe(before + ids.length);
  }, 60_000);

  it('refuses a run with both itemIds and a filter, a bad filter, an unknown run and an empty upload', async () => {
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/runs`, payload: { itemIds: ['good'], filter: 'brand = "Aurelia"' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/runs`, payload: { filter: 'colour ~ 3' } })).statusCode).toBe(400);
    expect((await app.inject({ url: `/v1/projects/${P}/tagging/runs/no-such-run` })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/catalog/items/good/image`, headers: { 'content-type': 'image/png' }, payload: Buffer.alloc(0) })).statusCode).toBe(400);
    const text = await app.inject({ method: 'POST', url: `/v1/projects/${P}/catalog/items/good/image`, headers: { 'content-type': 'image/png' }, payload: Buffer.from('<html>not an image</html>') });
    expect(text.statusCode).toBe(400);
    expect(text.json().error.message).toMatch(/not an image/);
  });
});
