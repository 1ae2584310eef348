import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPrice } from '../src/cli/commands/catalog.js';
import { generateCatalogue, jsonl, until } from './catalog-helpers.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { runRouge } from './helpers/cli.js';

// Each run starts Node and tsx afresh; on a busy CI machine that is seconds, not milliseconds.
const SLOW = 120_000;

/** The real `rouge` (TypeScript source through tsx) with only the environment given. */
const rouge = runRouge;

let app: FastifyInstance;
let env: Record<string, string>;
let dir: string;

// Invented product types, so nothing here leans on knowing what a real product is.
const cat = generateCatalogue(11, 3, 4);
const [kindA, kindB] = cat.kinds as [string, string];

beforeAll(async () => {
  app = await buildTestApp('sqlite');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  env = { ROUGE_URL: url, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: 'shop' };
  expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'shop' } })).statusCode).toBe(200);
  dir = mkdtempSync(join(tmpdir(), 'rouge-cli-catalog-'));
});

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const api = async (path: string) => (await app.inject({ method: 'GET', url: path })).json();
const rouge$ = (...args: string[]) => rouge(args, env);
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('formatPrice', () => {
  it('shows minor units with the currency\'s own decimals', () => {
    expect(formatPrice({ amount: 1999, currency: 'EUR' })).toBe('19.99 EUR');
    expect(formatPrice({ amount: 5, currency: 'USD' })).toBe('0.05 USD');
    expect(formatPrice({ amount: 1500, currency: 'JPY' })).toBe('1500 JPY');
    expect(formatPrice({ amount: 1234, currency: 'KWD' })).toBe('1.234 KWD');
    expect(formatPrice(undefined)).toBe('-');
  });
});

describe('rouge catalog', () => {
  it('imports a generated JSONL catalogue, waiting on the Operation, then gets, lists and searches it', async () => {
    const path = file('products.jsonl', jsonl(cat.items));
    const run = await rouge$('catalog', 'import', path);
    expect(run.err).toMatch(/^Uploaded \d+(\.\d+)? k?B in /m);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(new RegExp(`^Imported products\\.jsonl: ${cat.items.length} inserted, 0 updated, 0 rejected \\(operation [0-9A-Z]{26}\\)\\.$`, 'm'));
    expect((await api('/v1/projects/shop/catalog/items?pageSize=100')).items).toHaveLength(cat.items.length);

    const one = cat.items[0]!;
    const get = await rouge$('catalog', 'get', one.id);
    expect(get.code, get.err).toBe(0);
    expect(get.out).toMatch(new RegExp(`^title:\\s+${one.title}$`, 'm'));
    expect(get.out).toMatch(new RegExp(`^category:\\s+${one.categoryPath.join(' > ')}$`, 'm'));
    expect(get.out).toMatch(new RegExp(`^price:\\s+${formatPrice(one.price).replace('.', '\\.')}$`, 'm'));
    const getJson = await rouge$('catalog', 'get', one.id, '--json');
    expect(JSON.parse(getJson.out)).toEqual(await api(`/v1/projects/shop/catalog/items/${one.id}`));

    // An invalid id is a usage error before any request; an unknown one is the API's 404.
    expect((await rouge$('catalog', 'get', 'no/such')).code).toBe(2);
    const missing = await rouge$('catalog', 'get', 'NOPE-1');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('NOT_FOUND');

    // The search: a typo of an invented category word finds its category, and only its items.
    const typo = kindA.slice(0, 3) + (kindA[3] === 'x' ? 'y' : 'x') + kindA.slice(4);
    // Items reach the search index through the signals port, a moment after the import commits.
    await until('the imported items in search', async () => ((await api(`/v1/projects/shop/catalog:search?query=${kindA}`)).totalSize === 4 ? true : undefined), 10_000);
    const search = await rouge$('catalog', 'search', typo, '--page-size', '2');
    expect(search.code, search.err).toBe(0);
    const [catTable, itemTable] = search.out.split('\n\n');
    expect(catTable).toMatch(/^CATEGORY\s+SCORE\s+MATCHED ITEMS$/m);
    const catPath = cat.items.find((i) => i.id.startsWith(`${kindA}-`))!.categoryPath.join(' > ');
    expect(catTable).toMatch(new RegExp(`^${catPath}\\s+1\\.000\\s+4$`, 'm'));
    expect(catTable).not.toContain(cat.items.find((i) => i.id.startsWith(`${kindB}-`))!.categoryPath[1]);
    const itemLines = itemTable!.trim().split('\n');
    expect(itemLines[0]).toMatch(/^ID\s+TITLE\s+BRAND\s+CATEGORY\s+PRICE\s+AVAILABILITY$/);
    expect(itemLines).toHaveLength(3);
    for (const line of itemLines.slice(1)) expect(line.startsWith(`${kindA}-`)).toBe(true);
    expect(search.err).toContain('4 items in all; next page: rouge catalog search');

    const json = JSON.parse((await rouge$('catalog', 'search', kindA, '--json')).out);
    expect(json).toMatchObject({ matched: true, totalSize: 4 });

    // Nothing matched: said clearly with the server's message, exit 0, nothing on stdout.
    const none = await rouge$('catalog', 'search', 'qqqqzzzzvvvv');
    expect(none.code).toBe(0);
    expect(none.out).toBe('');
    expect(none.err).toMatch(/^Nothing matched "qqqqzzzzvvvv": No item in the catalogue matches/m);
    const punct = await rouge$('catalog', 'search', '?!.');
    expect(punct.err).toContain('holds no words');

    const list = await rouge$('catalog', 'list', '--filter', `category = "${catPath}"`);
    expect(list.code, list.err).toBe(0);
    expect(list.out.trim().split('\n')).toHaveLength(5);
  }, SLOW);

  it('imports a CSV with a bad line: exit 0, and the report names the line and its reason', async () => {
    const csv = [
      'id,title,brand,categoryPath,price,availability,attributes.shade',
      'CSV-1,Ruby thing,Rouge Co,Zonk > Plinx,1999 EUR,in_stock,ruby',
      'CSV-2,"Clear, glossy",Rouge Co,Zonk > Plinx,850 EUR,preorder,',
      'CSV-3,Broken price,Rouge Co,Zonk > Plinx,12.50 EUR,in_stock,',
      'CSV-4,Fine,Rouge Co,Zonk > Drabe,100 INR,,',
    ].join('\n');
    const run = await rouge$('catalog', 'import', file('products.csv', csv));
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/^Imported products\.csv: 3 inserted, 0 updated, 1 rejected \(operation [0-9A-Z]{26}\)\.$/m);
    expect(run.out).toMatch(/^LINE\s+REASON\s+FIELD\s+MESSAGE$/m);
    expect(run.out).toMatch(/^4\s+[A-Z_]+\s+\S+\s+\S.*$/m);
    const op = JSON.parse((await rouge$('operations', 'list', '--json', '--limit', '1')).out).operations[0];
    expect(op.response.rejections).toEqual([expect.objectContaining({ line: 4 })]);
    expect(run.out).toContain(op.response.rejections[0].reason);

    // --no-wait returns the Operation at once; --json prints it.
    const noWait = await rouge$('catalog', 'import', file('again.csv', csv), '--no-wait', '--json');
    expect(noWait.code, noWait.err).toBe(0);
    expect(JSON.parse(noWait.out).name).toMatch(/^projects\/shop\/operations\/[0-9A-Z]{26}$/);

    // A file whose format cannot be told is a usage error; a bad CSV header the API's 400.
    expect((await rouge$('catalog', 'import', file('products.txt', 'x'))).code).toBe(2);
    const header = await rouge$('catalog', 'import', file('bad.csv', 'id,categoryPath\nX,Y\n'));
    expect(header.code).toBe(1);
    expect(header.err).toContain('CSV_HEADER_INVALID');

    const cats = await rouge$('catalog', 'categories');
    expect(cats.code, cats.err).toBe(0);
    expect(cats.out).toMatch(/^CATEGORY\s+ITEMS$/m);
    expect(cats.out).toMatch(/^Zonk\s+3$/m);
    expect(cats.out).toMatch(/^ {2}Plinx\s+2$/m);
    expect(cats.out).toMatch(/^ {2}Drabe\s+1$/m);
  }, SLOW);

  it('puts and deletes one item from a JSON file', async () => {
    const item = { id: 'PUT-1', title: 'Put thing', categoryPath: ['Zonk', 'Plinx'], price: { amount: 500, currency: 'EUR' } };
    const put = await rouge$('catalog', 'put', file('item.json', JSON.stringify(item)));
    expect(put.code, put.err).toBe(0);
    expect(put.out).toContain('Saved item PUT-1.');
    expect(put.out).toMatch(/^price:\s+5\.00 EUR$/m);
    const bad = await rouge$('catalog', 'put', file('bad.json', JSON.stringify({ ...item, price: { amount: -1, currency: 'EUR' } })));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('price.amount');
    const del = await rouge$('catalog', 'delete', 'PUT-1');
    expect(del.code, del.err).toBe(0);
    expect(del.out).toBe('Deleted item PUT-1.\n');
    expect((await app.inject({ url: '/v1/projects/shop/catalog/items/PUT-1' })).statusCode).toBe(404);
  }, SLOW);

  it('sets synonyms from a file and prints them back; refuses a one-phrase line before sending', async () => {
    const set = await rouge$('catalog', 'synonyms', 'set', file('syn.txt', 'zonk, plinx colour\n\nfrub, grob, wex\n'));
    expect(set.code, set.err).toBe(0);
    expect(set.out).toBe('Set 2 synonym groups in project shop.\n');
    const got = await rouge$('catalog', 'synonyms', 'get');
    expect(got.out).toBe('zonk, plinx colour\nfrub, grob, wex\n');
    expect((await api('/v1/projects/shop/catalog/synonyms')).synonyms).toEqual([['zonk', 'plinx colour'], ['frub', 'grob', 'wex']]);
    const bad = await rouge$('catalog', 'synonyms', 'set', file('bad.txt', 'lonely\n'));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('line 1 holds one phrase');
  }, SLOW);
});

describe('rouge events', () => {
  it('writes a batch, imports history with a bad line, and exports them all as JSONL', async () => {
    // Two days ago, so a relative --since of 1h leaves them all out.
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 86_400_000;
    const t = (m: number) => new Date(base + m * 60_000).toISOString();
    const batch = [
      { eventId: 'w-1', type: 'search', sessionId: 's-1', query: 'zonk', eventTime: t(0) },
      { eventId: 'w-2', type: 'view', sessionId: 's-1', itemIds: ['CSV-1'], eventTime: t(1) },
    ];
    const batchFile = file('batch.json', JSON.stringify({ events: batch }));
    const write = await rouge$('events', 'write', batchFile);
    expect(write.code, write.err).toBe(0);
    expect(write.out).toBe('Wrote 2 events.\n');
    const again = await rouge$('events', 'write', batchFile, '--json');
    expect(JSON.parse(again.out)).toEqual({ written: 0, duplicates: 2 });
    // All or nothing: one bad event refuses the batch.
    const bad = await rouge$('events', 'write', file('bad-batch.json', JSON.stringify([{ ...batch[0], eventId: 'w-3' }, { eventId: 'w-4', type: 'nope', sessionId: 's', eventTime: t(2) }])));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('USER_EVENTS_INVALID');

    const history = [
      JSON.stringify({ eventId: 'h-1', type: 'view', userId: 'alice', itemIds: ['CSV-1'], eventTime: t(5) }),
      '{"eventId": "h-2", broken',
      JSON.stringify({ eventId: 'h-3', type: 'purchase', userId: 'alice', itemIds: ['CSV-1'], value: { amount: 1999, currency: 'EUR' }, eventTime: t(6) }),
      JSON.stringify({ eventId: 'w-1', type: 'search', sessionId: 's-1', query: 'zonk', eventTime: t(0) }),
    ].join('\n');
    const imp = await rouge$('events', 'import', file('history.jsonl', history));
    expect(imp.code, imp.err).toBe(0);
    expect(imp.out).toMatch(/^Imported history\.jsonl: 2 written, 1 duplicates \(already stored\), 1 rejected \(operation [0-9A-Z]{26}\)\.$/m);
    expect(imp.out).toMatch(/^2\s+LINE_MALFORMED\s+-\s+line 2 is not valid JSON/m);
    // CSV is for items only.
    expect((await rouge$('events', 'import', file('history.csv', 'a,b\n'))).code).toBe(2);

    const out = await rouge$('events', 'export');
    expect(out.code, out.err).toBe(0);
    const events = out.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.eventId)).toEqual(['w-1', 'w-2', 'h-1', 'h-3']);
    expect(out.err).toContain('Exported 4 events.');

    const target = join(dir, 'since.jsonl');
    const since = await rouge$('events', 'export', '--since', t(5), '-o', target);
    expect(since.code, since.err).toBe(0);
    expect(since.out).toBe(`Exported 2 events to ${target}.\n`);
    expect(readFileSync(target, 'utf8').trim().split('\n').map((l) => JSON.parse(l).eventId)).toEqual(['h-1', 'h-3']);
    // A relative --since: the events are two days old, so the last hour holds none.
    const recent = await rouge$('events', 'export', '--since', '1h');
    expect(recent.code, recent.err).toBe(0);
    expect(recent.out).toBe('');
    expect(recent.err).toMatch(/^Exported 0 events since \d{4}-/m);
    expect((await rouge$('events', 'export', '--since', 'yesterday')).code).toBe(2);
    expect(existsSync(target)).toBe(true);
  }, SLOW);
});
