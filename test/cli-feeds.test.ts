/**
 * `rouge feeds` through the real CLI against a live server: three items, one
 * priced 0 (left out with rule `positive`) and one with a title too long (cut
 * to fit); the feed files as the channels fetch them, with the count left out
 * on stderr; the exclusion report as tables and JSON, exiting 1 for a missing
 * required field; the custom labels; and a fetch token shown once, listed
 * without its password, used with HTTP Basic and deleted.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';

const P = 'feedcli';
let app: FastifyInstance;
let env: Record<string, string>;
const rouge = (...args: string[]) => runRouge(args, env);

beforeAll(async () => {
  app = await buildTestApp('sqlite');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: P };
  expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
  // No image analysis runs: items without one are not left out for an image rule.
  const items: Array<[string, Record<string, unknown>]> = [
    ['ruby', { attributes: { shade: 'Ruby Red' } }],
    ['long', { title: `Velvet Matte Lipstick ${'with a very long name '.repeat(8)}` }],
    ['free', { price: { amount: 0, currency: 'EUR' } }],
  ];
  for (const [id, body] of items) {
    const res = await app.inject({
      method: 'PUT',
      url: `/v1/projects/${P}/catalog/items/${id}`,
      payload: {
        title: `Lipstick ${id}`, description: 'A creamy lipstick.', brand: 'Aurelia', categoryPath: ['Makeup', 'Lips', 'Lipstick'], availability: 'in_stock',
        price: { amount: 1999, currency: 'EUR' }, link: `https://shop.example/p/${id}`, imageLink: `https://shop.example/i/${id}.png`, ...body,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
}, CLI_TIMEOUT);
afterAll(async () => {
  await app?.close();
});

describe('rouge feeds', () => {
  it('exports Merchant Center TSV as the server sends it, and says on stderr how many items it leaves out', async () => {
    const tsv = await rouge('feeds', 'export', 'google');
    expect(tsv.code, tsv.err).toBe(0);
    const [header, ...lines] = tsv.out.trimEnd().split('\n');
    expect(header).toMatch(/^id\ttitle\tdescription\t/);
    expect(lines.map((l) => l.split('\t')[0]).sort()).toEqual(['long', 'ruby']);
    expect(tsv.out).toContain('\t19.99 EUR\t');
    expect(tsv.err).toContain('1 of 3 items left out of the google feed; rouge feeds validate google lists them.');
    // The same bytes as the API serves.
    expect(tsv.out).toBe((await app.inject({ url: `/v1/projects/${P}/feeds/google.tsv` })).body);
  }, CLI_TIMEOUT);

  it('exports RSS for google --format xml and CSV for meta, and refuses a format the channel does not take (exit 2)', async () => {
    const [xml, csv, metaTsv, googleCsv, nofeed, json] = await Promise.all([
      rouge('feeds', 'export', 'google', '--format', 'xml'),
      rouge('feeds', 'export', 'meta'),
      rouge('feeds', 'export', 'meta', '--format', 'tsv'),
      rouge('feeds', 'export', 'google', '--format', 'csv'),
      rouge('feeds', 'export', 'tiktok'),
      rouge('feeds', 'export', 'google', '--json'),
    ]);
    expect(xml.code, xml.err).toBe(0);
    expect(xml.out).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0" xmlns:g="http:\/\/base.google.com\/ns\/1.0">/);
    expect(xml.out.match(/<item>/g)).toHaveLength(2);
    expect(xml.out).toMatch(/<\/rss>\n$/);
    expect(xml.err).toContain('1 of 3 items left out');
    expect(csv.code, csv.err).toBe(0);
    expect(csv.out.split('\n')[0]).toMatch(/^id,title,description,link,image_link/);
    expect(csv.out).toContain(',in stock,');
    expect(csv.err).toContain('left out of the meta feed; rouge feeds validate meta lists them.');
    expect(metaTsv.code).toBe(2);
    expect(metaTsv.out).toBe('');
    expect(metaTsv.err).toContain('the meta feed is not served as tsv');
    expect(metaTsv.err).toContain('use --format csv (the default)');
    expect(googleCsv.code).toBe(2);
    expect(googleCsv.err).toContain('use --format tsv (the default) or --format xml');
    expect(nofeed.code).toBe(2);
    expect(nofeed.err).toContain('"tiktok" is not a feed');
    expect(json.code).toBe(2);
    expect(json.err).toContain('rouge feeds validate google --json');
  }, CLI_TIMEOUT);

  it('validates: what is left out and what was changed, exiting 1 for an item without a usable price', async () => {
    const v = await rouge('feeds', 'validate', 'google');
    expect(v.code, v.err).toBe(1);
    expect(v.out).toMatch(/^Left out of the google feed:\nITEM\s+FIELD\s+RULE\s+MESSAGE\nfree\s+price\s+positive\s+a price of 0 is not accepted\n/);
    expect(v.out).toMatch(/\nChanged to fit the google feed:\nITEM\s+FIELD\s+RULE\s+MESSAGE\nlong\s+title\s+max_length\s+cut from \d+ to 150 characters\n/);
    expect(v.err).toContain(`The google feed of project ${P}: 3 items, 2 included, 1 excluded; 1 change.`);
    expect(v.err).toContain('rouge: 1 item is left out of the google feed for a missing or invalid required field (free)');

    const json = await rouge('feeds', 'validate', 'meta', '--json');
    expect(json.code).toBe(1);
    const r = JSON.parse(json.out);
    expect(r).toMatchObject({ feed: 'meta', items: 3, included: 2, excluded: [{ itemId: 'free', field: 'price', rule: 'positive' }] });
    expect(r.changed.map((f: { itemId: string; rule: string }) => `${f.itemId}:${f.rule}`)).toEqual(['long:max_length']);

    // Priced again, nothing is left out: exit 0.
    const price = (amount: number) => app.inject({ method: 'PATCH', url: `/v1/projects/${P}/catalog/items/free`, payload: { price: { amount, currency: 'EUR' } } });
    const fixed = await price(999);
    expect(fixed.statusCode, fixed.body).toBe(200);
    const ok = await rouge('feeds', 'validate', 'google');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).not.toContain('Left out');
    expect(ok.err).toContain('3 items, 3 included, 0 excluded; 1 change.');
    expect((await price(0)).statusCode).toBe(200);
  }, CLI_TIMEOUT);

  it('shows and sets the tags the custom labels carry', async () => {
    const before = await rouge('feeds', 'labels', 'get');
    expect(before.code, before.err).toBe(0);
    expect(before.out).toMatch(/^custom_label_0:\s+-\n/);
    const set = await rouge('feeds', 'labels', 'set', 'colour_family', '-', 'background');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain(`Updated the feed labels of project ${P}.`);
    expect(set.out).toMatch(/custom_label_0:\s+colour_family\ncustom_label_1:\s+-\ncustom_label_2:\s+background\ncustom_label_3:\s+-\ncustom_label_4:\s+-\n/);
    const got = await rouge('feeds', 'labels', 'get', '--json');
    expect(JSON.parse(got.out).customLabels).toEqual(['colour_family', null, 'background', null, null]);
    const [tooMany, badTag] = await Promise.all([
      rouge('feeds', 'labels', 'set', 'a', 'b', 'c', 'd', 'e', 'f'),
      rouge('feeds', 'labels', 'set', 'Colour'),
    ]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.err).toContain('6 tags given; a feed has 5 custom labels');
    expect(badTag.code).toBe(2);
    expect(badTag.err).toContain('"Colour" is not a tag name');
  }, CLI_TIMEOUT);

  it('creates a fetch token shown once, lists it without its password, and deletes it', async () => {
    const created = await rouge('feeds', 'tokens', 'create', 'google');
    expect(created.code, created.err).toBe(0);
    const tokenId = /^tokenId:\s+(ft[a-z0-9]+)$/m.exec(created.out)?.[1];
    const password = /^password:\s+(\S+)$/m.exec(created.out)?.[1];
    expect(tokenId, created.out).toBeDefined();
    expect(password, created.out).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(created.out).toMatch(new RegExp(`^username:\\s+${tokenId}$`, 'm'));
    expect(created.out).toContain('it cannot be shown again');
    expect(created.out).toContain(`${env.ROUGE_URL}/v1/projects/${P}/feeds/google.tsv`);
    expect(created.out).toContain(`/feeds/google.xml for RSS) with this username and password: it sends them with HTTP Basic.`);
    // The channel's fetch: the URL printed, with the username and password.
    const fetched = await fetch(`${env.ROUGE_URL}/v1/projects/${P}/feeds/google.tsv`, { headers: { authorization: `Basic ${Buffer.from(`${tokenId}:${password}`).toString('base64')}` } });
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toMatch(/^id\ttitle\t/);

    const list = await rouge('feeds', 'tokens', 'list', 'google');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(/^TOKEN\s+FEED\s+CREATED\n/);
    expect(list.out).toContain(tokenId);
    expect(list.out).not.toContain(password);
    const listJson = await rouge('feeds', 'tokens', 'list', 'google', '--json');
    expect(JSON.parse(listJson.out).tokens.map((t: { tokenId: string }) => t.tokenId)).toEqual([tokenId]);
    expect(listJson.out).not.toContain(password);
    const meta = await rouge('feeds', 'tokens', 'list', 'meta');
    expect(meta.code, meta.err).toBe(0);
    expect(meta.out).toBe('');
    expect(meta.err).toContain('has no tokens; create one with rouge feeds tokens create meta');

    const deleted = await rouge('feeds', 'tokens', 'delete', 'google', tokenId!);
    expect(deleted.code, deleted.err).toBe(0);
    expect(deleted.out).toContain(`Deleted token ${tokenId} of the google feed`);
    const after = await rouge('feeds', 'tokens', 'list', 'google');
    expect(after.out).not.toContain(tokenId);
    expect(after.err).toContain('has no tokens');
    const refused = await fetch(`${env.ROUGE_URL}/v1/projects/${P}/feeds/google.tsv`, { headers: { authorization: `Basic ${Buffer.from(`${tokenId}:${password}`).toString('base64')}` } });
    expect(refused.status).toBe(401);

    const [again, badId] = await Promise.all([
      rouge('feeds', 'tokens', 'delete', 'google', tokenId!),
      rouge('feeds', 'tokens', 'delete', 'google', 'nope'),
    ]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('(FEED_TOKEN_NOT_FOUND)');
    expect(badId.code).toBe(2);
    expect(badId.err).toContain('"nope" is not a feed token id');
  }, CLI_TIMEOUT);
});
