/**
 * Ad feeds on both stores: Merchant Center TSV and RSS and Meta CSV built
 * from the catalogue and the image analysis, validated (exclusions and
 * changes reported), carrying tags in custom labels, served to an API key or
 * a per-feed Basic token, and rebuilt when the catalogue changes.
 */
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, reasonOf } from './catalog-helpers.js';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';

const P = 'feedshop';

async function packshot(size: number, colour: string): Promise<Buffer> {
  const bar = await sharp({ create: { width: Math.round(size * 0.3), height: Math.round(size * 0.6), channels: 3, background: colour } }).png().toBuffer();
  return sharp({ create: { width: size, height: size, channels: 3, background: '#ffffff' } }).composite([{ input: bar, gravity: 'centre' }]).png().toBuffer();
}

describe.each(STORE_KINDS)('ad feeds on %s', (storeKind) => {
  let app: FastifyInstance;
  const base = { brand: 'Aurelia', categoryPath: ['Makeup', 'Lips', 'Lipstick'], price: { amount: 149900, currency: 'INR' }, availability: 'in_stock', link: 'https://shop.example/p' };
  const put = (id: string, body: Record<string, unknown>) => app.inject({ method: 'PUT', url: `/v1/projects/${P}/catalog/items/${id}`, payload: { title: `Lipstick ${id}`, description: 'A creamy lipstick.', ...base, link: `https://shop.example/p/${id}`, imageLink: `https://shop.example/i/${id}.png`, ...body } });
  const feed = (file: string, headers: Record<string, string> = {}) => app.inject({ url: `/v1/projects/${P}/feeds/${file}`, headers });

  beforeAll(async () => {
    app = await buildTestApp(storeKind, {}, { workerPollMs: 10 });
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
    const items: Array<[string, Record<string, unknown>, Buffer | undefined]> = [
      ['ruby', { attributes: { shade: 'Ruby Red', itemGroupId: 'velvet', mpn: 'AU-1' } }, await packshot(800, '#c1121f')],
      ['plum', { attributes: { shade: 'Plum', itemGroupId: 'velvet' } }, await packshot(800, '#6b2d4f')],
      ['long', { title: `Velvet Matte Lipstick ${'with a very long name '.repeat(8)}` }, await packshot(800, '#c1121f')],
      ['html', { description: '<p>Rich <b>colour</b> &amp; shine</p>' }, await packshot(800, '#e88ca6')],
      ['free', { price: { amount: 0, currency: 'INR' } }, await packshot(800, '#c1121f')],
      ['noimage', { imageLink: undefined }, undefined],
      ['tiny', {}, await packshot(300, '#c1121f')],
      ['mislabelled', { attributes: { color: 'Blue Lagoon' } }, await packshot(800, '#c1121f')],
    ];
    for (const [id, body, image] of items) {
      expect((await put(id, body)).statusCode).toBe(200);
      if (image) expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/catalog/items/${id}/image`, headers: { 'content-type': 'image/png' }, payload: image })).statusCode).toBe(200);
    }
    const run = await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/runs`, payload: {} });
    expect((await finished(app, run.json().name, 60_000)).error).toBeUndefined();
    expect((await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/feedSettings`, payload: { customLabels: ['colour_family', 'image_quality', null, null, null] } })).statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('serves Merchant Center TSV with the spec\'s columns, prices from minor units, tags in custom labels, and only valid items', async () => {
    const res = await feed('google.tsv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/tab-separated/);
    const [header, ...lines] = res.body.trim().split('\n');
    const cols = header!.split('\t');
    expect(cols.slice(0, 8)).toEqual(['id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'availability', 'price']);
    const rows = new Map(lines.map((l) => {
      const cells = l.split('\t');
      return [cells[0]!, Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']))] as const;
    }));
    expect([...rows.keys()].sort()).toEqual(['html', 'long', 'mislabelled', 'plum', 'ruby']);
    expect(rows.get('ruby')).toMatchObject({ price: '1499.00 INR', availability: 'in_stock', item_group_id: 'velvet', color: 'Ruby Red', mpn: 'AU-1', identifier_exists: '', custom_label_0: 'red', custom_label_1: 'ok', product_type: 'Makeup > Lips > Lipstick' });
    expect(rows.get('plum')).toMatchObject({ identifier_exists: 'no', item_group_id: 'velvet' });
    expect(rows.get('long')!.title).toHaveLength(150);
    expect(rows.get('html')!.description).toBe('Rich colour & shine');
  });

  it('reports what it left out and changed, item by item', async () => {
    const res = await app.inject({ url: `/v1/projects/${P}/feeds/google/report` });
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ feed: 'google', items: 8, included: 5 });
    const excluded = Object.fromEntries(r.excluded.map((f: { itemId: string; rule: string }) => [f.itemId, f.rule]));
    expect(excluded).toEqual({ free: 'positive', noimage: 'required', tiny: 'google.min_size' });
    const changed = r.changed.map((f: { itemId: string; rule: string }) => `${f.itemId}:${f.rule}`);
    expect(changed).toEqual(expect.arrayContaining(['long:max_length', 'html:no_html', 'mislabelled:colour_mismatch']));
  });

  it('serves RSS 2.0 in the g: namespace and Meta CSV with Meta\'s availability words', async () => {
    const xml = await feed('google.xml');
    expect(xml.statusCode).toBe(200);
    expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0" xmlns:g="http:\/\/base.google.com\/ns\/1.0">/);
    expect(xml.body.match(/<item>/g)).toHaveLength(5);
    expect(xml.body).toContain('<g:price>1499.00 INR</g:price>');
    const csv = await feed('meta.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\n')[0]).toMatch(/^id,title,description,link,image_link/);
    expect(csv.body).toContain(',in stock,');
  });

  it('lets a channel fetch with a per-feed Basic token, shown once, refused once revoked or for another feed', async () => {
    const created = await app.inject({ method: 'POST', url: `/v1/projects/${P}/feeds/google/tokens` });
    expect(created.statusCode, created.body).toBe(200);
    const { tokenId, username, password } = created.json();
    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    expect((await feed('google.tsv', basic(username, password))).statusCode).toBe(200);
    expect((await feed('google.xml', basic(username, password))).statusCode).toBe(200);
    expect((await feed('meta.csv', basic(username, password))).statusCode).toBe(401);
    expect((await feed('google.tsv', basic(username, 'wrong'))).statusCode).toBe(401);
    const listed = (await app.inject({ url: `/v1/projects/${P}/feeds/google/tokens` })).json().tokens;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(password);
    // A token is a credential: creating one never stores the response for a replay.
    const keyed = await app.inject({ method: 'POST', url: `/v1/projects/${P}/feeds/google/tokens`, headers: { 'idempotency-key': 'k1' } });
    expect(keyed.statusCode).toBe(400);
    expect((await app.inject({ method: 'DELETE', url: `/v1/projects/${P}/feeds/google/tokens/${tokenId}` })).statusCode).toBe(200);
    const revoked = await feed('google.tsv', basic(username, password));
    expect(revoked.statusCode).toBe(401);
    expect(reasonOf(revoked)).toBe('BASIC_CREDENTIALS_INVALID');
    const anonymous = await feed('google.tsv', { authorization: '' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('rebuilds a feed when the catalogue changes', async () => {
    expect((await put('ruby', { title: 'Ruby Velvet Lipstick, renamed', attributes: { shade: 'Ruby Red', itemGroupId: 'velvet', mpn: 'AU-1' } })).statusCode).toBe(200);
    await until('the feed shows the new title', async () => ((await feed('google.tsv')).body.includes('Ruby Velvet Lipstick, renamed') ? true : undefined));
  });

  it('refuses a label whose tag has more than 1,000 values, naming a coarser one', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => ({ project: P, item: `ruby`, source: `bulk${i}`, name: 'sku_code', value: `v${i}`, confidence: null, run: 'test', update_time: new Date().toISOString() }));
    for (let i = 0; i < rows.length; i += 200) await app.rouge.store.typed<any>().insertInto('item_tags').values(rows.slice(i, i + 200)).execute();
    const res = await app.inject({ method: 'PATCH', url: `/v1/projects/${P}/feedSettings`, payload: { customLabels: ['colour_family', 'sku_code', null, null, null] } });
    expect(res.statusCode).toBe(400);
    expect(reasonOf(res)).toBe('FEED_LABEL_TOO_MANY_VALUES');
    expect(res.json().error.message).toMatch(/1001 distinct values/);
  });

  it('answers 404 for a project that does not exist and 400 for a file that is not a feed', async () => {
    expect((await app.inject({ url: '/v1/projects/nowhere/feeds/google.tsv' })).statusCode).toBe(404);
    expect((await app.inject({ url: `/v1/projects/${P}/feeds/google.json` })).statusCode).toBe(400);
  });
});
