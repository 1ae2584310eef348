import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toItemRow } from '../src/catalog/items.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { deleteDuringPausedWrite, writeDuringDelete } from './helpers/project-delete.js';
import { STORE_KINDS } from './helpers/stores.js';
import { finished, jsonl, reasonOf, until, violationsOf } from './catalog-helpers.js';

const lipstick = {
  title: 'Velvet Matte Lipstick', description: 'A long-wearing matte lipstick.', brand: 'Rouge Co', categoryPath: ['Makeup', 'Lips', 'Lipstick'],
  price: { amount: 1999, currency: 'EUR' }, availability: 'in_stock', link: 'https://shop.example/p/1', imageLink: 'https://cdn.example/1.jpg',
  condition: 'new', gtin: '4006381333931', attributes: { shade: 'ruby', volumeMl: 4 },
};

describe.each(STORE_KINDS)('catalog items on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'shop' } });
  });
  afterEach(async () => {
    await app.close();
  });
  const put = (id: string, body: unknown) => app.inject({ method: 'PUT', url: `/v1/projects/shop/catalog/items/${id}`, payload: body as object });

  it('creates an item with PUT, reads it back, and replaces it with a second PUT', async () => {
    const created = await put('SKU-1', lipstick);
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ name: 'projects/shop/catalog/items/SKU-1', id: 'SKU-1', price: { amount: 1999, currency: 'EUR' }, attributes: { shade: 'ruby', volumeMl: 4 } });
    const replaced = await put('SKU-1', { title: 'Velvet Lipstick', categoryPath: ['Makeup', 'Lips', 'Lipstick'] });
    expect(replaced.json()).toMatchObject({ title: 'Velvet Lipstick', availability: 'in_stock', condition: 'new', brand: '' });
    expect(replaced.json().price).toBeUndefined();
    expect(replaced.json().createTime).toBe(created.json().createTime);
    const got = await app.inject({ url: '/v1/projects/shop/catalog/items/SKU-1' });
    expect(got.json()).toEqual(replaced.json());
    const events = (await app.inject({ url: '/v1/projects/shop/cloudEvents?type=rouge.catalog.item.created' })).json().cloudEvents;
    expect(events).toHaveLength(1);
  });

  it('patches price and availability only', async () => {
    await put('SKU-1', lipstick);
    const res = await app.inject({ method: 'PATCH', url: '/v1/projects/shop/catalog/items/SKU-1', payload: { price: { amount: 1499, currency: 'EUR' }, availability: 'out_of_stock' } });
    expect(res.json()).toMatchObject({ price: { amount: 1499 }, availability: 'out_of_stock', title: lipstick.title });
    const bad = await app.inject({ method: 'PATCH', url: '/v1/projects/shop/catalog/items/SKU-1', payload: { title: 'x' } });
    expect(reasonOf(bad)).toBe('UNKNOWN_FIELD');
    const missing = await app.inject({ method: 'PATCH', url: '/v1/projects/shop/catalog/items/NOPE', payload: { availability: 'preorder' } });
    expect(missing.statusCode).toBe(404);
    expect(reasonOf(missing)).toBe('ITEM_NOT_FOUND');
  });

  it('deletes an item, and a second delete is 404', async () => {
    await put('SKU-1', lipstick);
    expect((await app.inject({ method: 'DELETE', url: '/v1/projects/shop/catalog/items/SKU-1' })).statusCode).toBe(200);
    expect(reasonOf(await app.inject({ url: '/v1/projects/shop/catalog/items/SKU-1' }))).toBe('ITEM_NOT_FOUND');
    expect((await app.inject({ method: 'DELETE', url: '/v1/projects/shop/catalog/items/SKU-1' })).statusCode).toBe(404);
  });

  it.each([
    ['a negative price', { price: { amount: -1, currency: 'EUR' } }, 'INVALID_FIELD', 'price.amount'],
    ['a fractional price', { price: { amount: 19.99, currency: 'EUR' } }, 'INVALID_FIELD', 'price.amount'],
    ['an unknown currency', { price: { amount: 100, currency: 'XYZ' } }, 'CURRENCY_UNKNOWN', 'price.currency'],
    ['a categoryPath that is a string', { categoryPath: 'Makeup > Lips' }, 'INVALID_FIELD', 'categoryPath'],
    ['a categoryPath holding a number', { categoryPath: ['Makeup', 3] }, 'INVALID_FIELD', 'categoryPath[1]'],
    ['a link that is not http(s)', { link: 'javascript:alert(1)' }, 'INVALID_FIELD', 'link'],
    ['an ftp image link', { imageLink: 'ftp://cdn.example/1.jpg' }, 'INVALID_FIELD', 'imageLink'],
    ['an unknown availability', { availability: 'sold' }, 'INVALID_FIELD', 'availability'],
    ['an unknown field', { colour: 'red' }, 'UNKNOWN_FIELD', 'colour'],
  ])('refuses an item with %s, naming the field', async (_name, change, reason, field) => {
    const res = await put('SKU-1', { ...lipstick, ...change });
    expect(res.statusCode).toBe(400);
    expect(reasonOf(res)).toBe(reason);
    expect(violationsOf(res)[0]?.field).toBe(field);
    expect((await app.inject({ url: '/v1/projects/shop/catalog/items/SKU-1' })).statusCode).toBe(404);
  });

  it('refuses a body id that differs from the path', async () => {
    expect(reasonOf(await put('SKU-1', { ...lipstick, id: 'SKU-2' }))).toBe('ITEM_ID_MISMATCH');
  });

  it('lists items in pages and filters by availability, brand and category subtree', async () => {
    for (let i = 0; i < 5; i++) await put(`A-${i}`, { ...lipstick, availability: i % 2 ? 'out_of_stock' : 'in_stock' });
    await put('B-1', { title: 'Cream', categoryPath: ['Skincare', 'Face'], brand: 'Other' });
    await put('C-1', { title: 'Lips kit', categoryPath: ['Makeup', 'Lips Kits'] });
    const first = (await app.inject({ url: '/v1/projects/shop/catalog/items?pageSize=3' })).json();
    expect(first.items.map((i: { id: string }) => i.id)).toEqual(['A-0', 'A-1', 'A-2']);
    const second = (await app.inject({ url: `/v1/projects/shop/catalog/items?pageSize=3&pageToken=${first.nextPageToken}` })).json();
    expect(second.items.map((i: { id: string }) => i.id)).toEqual(['A-3', 'A-4', 'B-1']);
    const q = (filter: string) => app.inject({ url: `/v1/projects/shop/catalog/items?filter=${encodeURIComponent(filter)}` });
    expect((await q('availability = "out_of_stock"')).json().items.map((i: { id: string }) => i.id)).toEqual(['A-1', 'A-3']);
    expect((await q('brand = "Other"')).json().items.map((i: { id: string }) => i.id)).toEqual(['B-1']);
    expect((await q('category = "Makeup > Lips"')).json().items).toHaveLength(5);
    expect((await q('category = "Makeup" AND availability = "in_stock"')).json().items.map((i: { id: string }) => i.id)).toEqual(['A-0', 'A-2', 'A-4', 'C-1']);
    expect(reasonOf(await q('price > 3'))).toBe('FILTER_INVALID');
  });

  it('filters in the platform syntax: quoted keywords, OR, NOT, IN, has, prices, times and attributes, the same on both stores', async () => {
    await put('S-1', { ...lipstick, brand: 'Salt AND Pepper', price: { amount: 900, currency: 'EUR' }, attributes: { shade: 'ruby', volumeMl: 4 } });
    await put('S-2', { ...lipstick, brand: 'Salt', price: { amount: 2500, currency: 'EUR' }, attributes: { shade: 'coral', volumeMl: 5 }, availability: 'out_of_stock' });
    await put('S-3', { title: 'Night cream', categoryPath: ['Skincare', 'Face'], brand: 'Pepper', price: { amount: 4000, currency: 'INR' } });
    const ids = async (filter: string) => {
      const res = await app.inject({ url: `/v1/projects/shop/catalog/items?filter=${encodeURIComponent(filter)}` });
      expect(res.statusCode, `${filter}: ${res.body}`).toBe(200);
      return res.json().items.map((i: { id: string }) => i.id);
    };
    expect(await ids('brand = "Salt AND Pepper"')).toEqual(['S-1']);
    expect(await ids('brand IN ("Salt", "Pepper")')).toEqual(['S-2', 'S-3']);
    expect(await ids('price.amount < 3000 AND price.currency = "EUR"')).toEqual(['S-1', 'S-2']);
    expect(await ids('NOT category = "Makeup" OR availability = "out_of_stock"')).toEqual(['S-2', 'S-3']);
    expect(await ids('brand : "pepper"')).toEqual(['S-1', 'S-3']);
    expect(await ids('title : "CREAM" AND -brand = "Salt"')).toEqual(['S-3']);
    expect(await ids('attributes.shade = "ruby" OR attributes.volumeMl = "5"')).toEqual(['S-1', 'S-2']);
    expect(await ids('category != "Makeup > Lips" AND updateTime >= "2000-01-01T00:00:00Z"')).toEqual(['S-3']);
    expect(await ids('brand : "100%_"')).toEqual([]);
    for (const bad of ['availability = "sold"', 'price.amount = "cheap"', 'colour = "red"', 'brand = "x" AND (']) {
      const res = await app.inject({ url: `/v1/projects/shop/catalog/items?filter=${encodeURIComponent(bad)}` });
      expect([res.statusCode, reasonOf(res)], bad).toEqual([400, 'FILTER_INVALID']);
    }
  });

  it('lists the category tree with item counts', async () => {
    await put('L-1', lipstick);
    await put('L-2', lipstick);
    await put('G-1', { title: 'Gloss', categoryPath: ['Makeup', 'Lips', 'Gloss'] });
    await put('F-1', { title: 'Cream', categoryPath: ['Skincare', 'Face'] });
    const res = (await app.inject({ url: '/v1/projects/shop/catalog/categories' })).json();
    expect(res.totalItems).toBe(4);
    expect(res.categories).toEqual([
      { name: 'Makeup', path: ['Makeup'], itemCount: 3, children: [{ name: 'Lips', path: ['Makeup', 'Lips'], itemCount: 3, children: [
        { name: 'Gloss', path: ['Makeup', 'Lips', 'Gloss'], itemCount: 1, children: [] },
        { name: 'Lipstick', path: ['Makeup', 'Lips', 'Lipstick'], itemCount: 2, children: [] },
      ] }] },
      { name: 'Skincare', path: ['Skincare'], itemCount: 1, children: [{ name: 'Face', path: ['Skincare', 'Face'], itemCount: 1, children: [] }] },
    ]);
  });

  describe('items:import', () => {
    const importBody = (payload: string | object, contentType: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/v1/projects/shop/catalog/items:import', headers: { 'content-type': contentType, ...headers }, payload: payload as string });

    it('imports JSONL, counting inserted, updated and rejected lines with their numbers and reasons', async () => {
      await put('SKU-0', lipstick);
      const lines = [
        JSON.stringify({ id: 'SKU-0', ...lipstick, title: 'Renamed' }),
        JSON.stringify({ id: 'SKU-1', ...lipstick }),
        '{"id": "SKU-2", "title": broken',
        '',
        JSON.stringify({ id: 'SKU-3', ...lipstick, price: { amount: -5, currency: 'EUR' } }),
        JSON.stringify({ id: 'SKU-4', ...lipstick, price: { amount: 5, currency: 'ABC' } }),
        JSON.stringify({ id: 'SKU-5', ...lipstick }),
        '[1, 2]',
      ].join('\n');
      const res = await importBody(lines, 'application/x-ndjson');
      expect(res.statusCode).toBe(200);
      expect(res.json().name).toMatch(/^projects\/shop\/operations\//);
      const op = await finished(app, res.json().name);
      expect(op.response).toMatchObject({ inserted: 2, updated: 1, rejected: 4 });
      expect(op.response.rejections).toEqual([
        { line: 3, reason: 'LINE_MALFORMED', message: expect.stringContaining('line 3 is not valid JSON') },
        { line: 5, reason: 'INVALID_FIELD', field: 'price.amount', message: expect.any(String) },
        { line: 6, reason: 'CURRENCY_UNKNOWN', field: 'price.currency', message: expect.any(String) },
        { line: 8, reason: 'LINE_MALFORMED', message: 'line 8 is not a JSON object' },
      ]);
      expect(op.metadata.progress).toMatchObject({ recordsDone: 7, inserted: 2, updated: 1, rejected: 4 });
      expect((await app.inject({ url: '/v1/projects/shop/catalog/items/SKU-0' })).json().title).toBe('Renamed');
      expect((await app.inject({ url: '/v1/projects/shop/catalog/items/SKU-5' })).statusCode).toBe(200);
    });

    it('imports CSV with a price column, a category path joined by " > ", attribute columns and a quoted newline', async () => {
      const csv = [
        'id,title,description,brand,categoryPath,price,availability,attributes.shade',
        'C-1,Ruby Lipstick,"Two lines:\nmatte and bold",Rouge Co,Makeup > Lips > Lipstick,1999 EUR,in_stock,ruby',
        'C-2,"Gloss, clear",,Rouge Co,Makeup > Lips > Gloss,850 USD,preorder,',
        'C-3,Bad price,,X,Makeup,12.50 EUR,,',
        'C-4,Short line',
        'C-5,Broken "quote,,X,Makeup,100 EUR,,',
        'C-6,Last,,X,Makeup,100 INR,,',
      ].join('\n');
      const op = await finished(app, (await importBody(csv, 'text/csv')).json().name);
      expect(op.response).toMatchObject({ inserted: 3, updated: 0, rejected: 3 });
      expect(op.response.rejections.map((r: { line: number; reason: string }) => [r.line, r.reason])).toEqual([[5, 'LINE_MALFORMED'], [6, 'LINE_MALFORMED'], [7, 'LINE_MALFORMED']]);
      const c1 = (await app.inject({ url: '/v1/projects/shop/catalog/items/C-1' })).json();
      expect(c1).toMatchObject({ description: 'Two lines:\nmatte and bold', categoryPath: ['Makeup', 'Lips', 'Lipstick'], price: { amount: 1999, currency: 'EUR' }, attributes: { shade: 'ruby' } });
      expect((await app.inject({ url: '/v1/projects/shop/catalog/items/C-2' })).json()).toMatchObject({ title: 'Gloss, clear', availability: 'preorder', attributes: {} });
    });

    it('refuses a CSV whose header lacks a required column before starting an Operation', async () => {
      const res = await importBody('id,categoryPath,price\nX-1,Makeup,100 EUR\n', 'text/csv');
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('CSV_HEADER_INVALID');
      expect(res.json().error.message).toContain('title is missing');
      expect((await app.inject({ url: '/v1/projects/shop/operations' })).json().operations).toHaveLength(0);
      expect(reasonOf(await importBody('id,title,categoryPath,prce\n', 'text/csv'))).toBe('CSV_HEADER_INVALID');
    });

    it('answers an import into a project that does not exist with 404 PROJECT_NOT_FOUND, keeping neither job nor staged body', async () => {
      const res = await app.inject({
        method: 'POST', url: '/v1/projects/nowhere/catalog/items:import', headers: { 'content-type': 'application/x-ndjson' },
        payload: `${JSON.stringify({ id: 'SKU-1', ...lipstick })}\n`,
      });
      expect(res.statusCode).toBe(404);
      expect(reasonOf(res)).toBe('PROJECT_NOT_FOUND');
      expect(reasonOf(await app.inject({ url: '/v1/projects/nowhere/operations' }))).toBe('PROJECT_NOT_FOUND');
      expect(await app.rouge.blobs.list('catalog-imports/nowhere/')).toEqual([]);
    });

    it('imports from a blobUri in the project\'s import area, and refuses one outside it', async () => {
      await app.rouge.blobs.put('imports/shop/items.jsonl', Readable.from([jsonl([{ id: 'B-1', ...lipstick }, { id: 'B-2', ...lipstick }])]));
      const uri = app.rouge.blobs.uri('imports/shop/items.jsonl');
      const started = await importBody({ blobUri: uri }, 'application/json');
      expect(started.statusCode, started.body).toBe(200);
      const op = await finished(app, started.json().name);
      expect(op.response).toMatchObject({ inserted: 2, rejected: 0 });
      expect(await app.rouge.blobs.head('imports/shop/items.jsonl')).toBeDefined(); // the caller's file is left alone
      expect(reasonOf(await importBody({ blobUri: 'https://elsewhere.example/items.jsonl' }, 'application/json'))).toBe('BLOB_URI_INVALID');
      expect(reasonOf(await importBody({ blobUri: app.rouge.blobs.uri('imports/shop/missing.jsonl') }, 'application/json'))).toBe('IMPORT_SOURCE_NOT_FOUND');
      expect(reasonOf(await importBody({ blobUri: app.rouge.blobs.uri('uploads/items.jsonl') }, 'application/json'))).toBe('BLOB_URI_OUTSIDE_PROJECT');
      expect(reasonOf(await importBody({ blobUri: uri, extra: 1 }, 'application/json'))).toBe('UNKNOWN_FIELD');
    });

    it('refuses a body of another media type', async () => {
      const res = await importBody('<xml/>', 'application/xml');
      expect(res.statusCode).toBe(415);
    });

    it('returns the same Operation for a retried import with the same Idempotency-Key', async () => {
      const body = jsonl([{ id: 'I-1', ...lipstick }]);
      const a = (await importBody(body, 'application/x-ndjson', { 'idempotency-key': 'imp-1' })).json();
      const b = (await importBody(body, 'application/x-ndjson', { 'idempotency-key': 'imp-1' })).json();
      expect(b.name).toBe(a.name);
      expect((await finished(app, a.name)).response).toMatchObject({ inserted: 1 });
    });
  });

  describe('writes in a project that is missing or being deleted', () => {
    const rowsOf = async (table: string, project: string) =>
      Number((await app.rouge.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('project', '=', project).executeTakeFirstOrThrow()).n);
    const putIn = (project: string, id: string) => app.inject({ method: 'PUT', url: `/v1/projects/${project}/catalog/items/${id}`, payload: lipstick });
    const createProject = async (name: string) => expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name } })).statusCode).toBe(200);

    it('answers an item put, patch or delete and a synonyms change in a project that does not exist with 404 PROJECT_NOT_FOUND, storing nothing', async () => {
      const base = '/v1/projects/nowhere/catalog';
      const writes: Array<['PUT' | 'PATCH' | 'DELETE', string, object | undefined]> = [
        ['PUT', `${base}/items/SKU-1`, lipstick],
        ['PATCH', `${base}/items/SKU-1`, { availability: 'preorder' }],
        ['DELETE', `${base}/items/SKU-1`, undefined],
        ['PUT', `${base}/synonyms`, { synonyms: [['lipstick', 'lip colour']] }],
      ];
      for (const [method, url, payload] of writes) {
        const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(reasonOf(res), `${method} ${url}`).toBe('PROJECT_NOT_FOUND');
        expect(res.json().error.message).toContain('nowhere');
      }
      for (const table of ['catalog_items', 'catalog_settings', 'cloud_events']) expect(await rowsOf(table, 'nowhere'), table).toBe(0);
    });

    it('never leaves items in a deleted project when their writes race the delete, and never blocks it', async () => {
      for (let round = 0; round < 5; round++) {
        const project = `race-${round}`;
        await createProject(project);
        const [a, b, deleted] = await Promise.all([putIn(project, 'SKU-1'), putIn(project, 'SKU-2'), app.inject({ method: 'DELETE', url: `/v1/projects/${project}` })]);
        // Items do not keep a project: each write lands first and goes with it, or finds it gone.
        expect(deleted.statusCode).toBe(200);
        for (const written of [a, b]) if (written.statusCode !== 200) expect(reasonOf(written)).toBe('PROJECT_NOT_FOUND');
        expect(await rowsOf('catalog_items', project)).toBe(0);
      }
    });

    it('refuses an item written while the delete of its project is committing', async () => {
      await createProject('doomed');
      const { deleted, written } = await writeDuringDelete(app, kind, 'doomed', () => putIn('doomed', 'SKU-1'));
      expect(deleted.statusCode).toBe(200);
      expect(written.statusCode).toBe(404);
      expect(reasonOf(written)).toBe('PROJECT_NOT_FOUND');
      expect(await rowsOf('catalog_items', 'doomed')).toBe(0);
    });

    it.runIf(kind === 'postgres')('makes a delete wait for an item being written, then delete it with the project (PostgreSQL only: SQLite runs one write transaction at a time, so there is no row lock to wait on)', async () => {
      await createProject('racy');
      const blocker = toItemRow('racy', { id: 'SKU-1', title: 'blocker', categoryPath: ['Makeup'] }, new Date().toISOString());
      const { written, deleted } = await deleteDuringPausedWrite(app, 'racy', { table: 'catalog_items', row: blocker }, () => putIn('racy', 'SKU-1'));
      expect(written.statusCode).toBe(200);
      expect(deleted.statusCode).toBe(200);
      expect(await rowsOf('catalog_items', 'racy')).toBe(0);
      expect((await app.inject({ url: '/v1/projects/racy' })).statusCode).toBe(404);
    });
  });

  describe('permissions', () => {
    async function keyWithRole(role: string): Promise<string> {
      await app.inject({ method: 'POST', url: '/v1/projects/shop/serviceAccounts', payload: { name: role } });
      const key = (await app.inject({ method: 'POST', url: `/v1/projects/shop/serviceAccounts/${role}/keys`, payload: {} })).json().key as string;
      expect((await app.inject({ method: 'POST', url: '/v1/projects/shop/bindings', payload: { principal: `serviceAccount:${role}@shop`, role } })).statusCode).toBe(200);
      return key;
    }
    const as = (key: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) => app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

    it('lets an ingestor write items and events but not search, and a predictor search and report events but not write items', async () => {
      const ingestor = await keyWithRole('ingestor');
      const predictor = await keyWithRole('predictor');
      expect((await as(ingestor, 'PUT', '/v1/projects/shop/catalog/items/P-1', lipstick)).statusCode).toBe(200);
      const event = { eventId: 'e1', type: 'view', userId: 'u1', itemIds: ['P-1'], eventTime: new Date().toISOString() };
      expect((await as(ingestor, 'POST', '/v1/projects/shop/userEvents:write', { events: [event] })).statusCode).toBe(200);
      expect((await as(ingestor, 'GET', '/v1/projects/shop/catalog:search?query=lipstick')).statusCode).toBe(403);
      expect((await as(predictor, 'GET', '/v1/projects/shop/catalog:search?query=lipstick')).statusCode).toBe(200);
      expect((await as(predictor, 'PUT', '/v1/projects/shop/catalog/items/P-2', lipstick)).statusCode).toBe(403);
      // The storefront reports what shoppers do with the recommendations it is given (docs/iam.md).
      expect((await as(predictor, 'POST', '/v1/projects/shop/userEvents:write', { events: [{ ...event, eventId: 'from-storefront' }] })).statusCode).toBe(200);
      expect((await as(predictor, 'POST', '/v1/projects/shop/userEvents:import', { blobUri: 'file:///nowhere' })).statusCode).toBe(403);
      expect((await as(ADMIN_KEY, 'GET', '/v1/projects/shop/catalog/items/P-1')).statusCode).toBe(200);
    });
  });

  it('reaches the search index at once after a write, a patch and a delete', async () => {
    const search = async (q: string) => (await app.inject({ url: `/v1/projects/shop/catalog:search?query=${encodeURIComponent(q)}` })).json();
    await put('SKU-1', lipstick);
    expect((await search('lipstick')).items.map((i: { id: string }) => i.id)).toEqual(['SKU-1']);
    await put('SKU-2', { ...lipstick, title: 'Satin Lipstick' });
    await until('the new item in search', async () => ((await search('satin')).items.length === 1 ? true : undefined), 5000);
    await app.inject({ method: 'DELETE', url: '/v1/projects/shop/catalog/items/SKU-1' });
    await until('the deleted item to leave search', async () => ((await search('lipstick')).items.length === 1 ? true : undefined), 5000);
  });
});
