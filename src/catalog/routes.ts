import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { Type, type Static } from 'typebox';
import { Empty, readPage, validateValue, type Jobs } from '../platform/index.js';
import * as errors from './errors.js';
import type { EventService } from './event-service.js';
import type { Importer, ImportFormat } from './imports.js';
import type { ItemService } from './item-service.js';
import * as S from './schemas.js';

const CSV = 'text/csv';
const JSONL_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines'];

const Operation = Type.Object({ name: Type.String(), done: Type.Boolean(), metadata: Type.Object({}, { additionalProperties: true }), response: Type.Optional(Type.Unknown()) }, { additionalProperties: true });
const CategoryNode = Type.Object({ name: Type.String(), path: Type.Array(Type.String()), itemCount: Type.Integer(), children: Type.Array(Type.Unknown()) });

type P = Static<typeof S.ProjectParams>;
type I = Static<typeof S.ItemParams>;

function mediaType(request: FastifyRequest): string {
  return String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The catalog's management routes, on the `api` role (Google Retail API
 * names): items under /v1/projects/{p}/catalog/items, `:import`, the category
 * tree, synonyms, and `userEvents:import|export`. Registered in a scope of
 * their own so that the CSV and JSONL body parsers exist only here. The
 * storefront's routes (`catalog:search`, `userEvents:write`) are in
 * routes-data.ts, on `inference`.
 */
export function registerCatalogRoutes(app: FastifyInstance, deps: { items: ItemService; events: EventService; importer: Importer; jobs: Jobs }): void {
  const { items, events, importer } = deps;
  void app.register(async (scope) => {
    // Import bodies stay streams: they go to the blob store, never into memory.
    scope.addContentTypeParser([CSV, ...JSONL_TYPES], (_request, payload, done) => done(null, payload));

    const tags = ['catalog'];
    const base = '/v1/projects/:project/catalog';
    scope.put<{ Params: I; Body: Static<typeof S.ItemBody> }>(`${base}/items/:id`, { config: { permission: 'catalog.items.update' }, schema: { tags, summary: 'Create or replace an item', params: S.ItemParams, body: S.ItemBody, response: { 200: S.Item } } },
      async (request) => (await items.upsert(request.params.project, request.params.id, request.body)).item);
    scope.get<{ Params: I }>(`${base}/items/:id`, { config: { permission: 'catalog.items.get' }, schema: { tags, params: S.ItemParams, response: { 200: S.Item } } },
      async (request) => items.get(request.params.project, request.params.id));
    scope.patch<{ Params: I; Body: Static<typeof S.PatchItemBody> }>(`${base}/items/:id`, { config: { permission: 'catalog.items.update' }, schema: { tags, summary: 'Change price or availability', params: S.ItemParams, body: S.PatchItemBody, response: { 200: S.Item } } },
      async (request) => items.patch(request.params.project, request.params.id, request.body));
    scope.delete<{ Params: I }>(`${base}/items/:id`, { config: { permission: 'catalog.items.delete' }, schema: { tags, params: S.ItemParams, response: { 200: Empty } } },
      async (request) => {
        await items.delete(request.params.project, request.params.id);
        return {};
      });
    scope.get<{ Params: P; Querystring: Static<typeof S.ListItemsQuery> }>(`${base}/items`, { config: { permission: 'catalog.items.list' }, schema: { tags, summary: 'List items in id order, optionally filtered', params: S.ProjectParams, querystring: S.ListItemsQuery, response: { 200: Type.Object({ items: Type.Array(S.Item), nextPageToken: Type.Optional(Type.String()) }) } } },
      async (request) => items.list(request.params.project, request.query.filter, readPage(request.query)));
    scope.post<{ Params: P; Body: unknown }>(`${base}/items::import`, {
      config: { permission: 'catalog.items.import' },
      schema: { tags, summary: 'Import items from a JSONL or CSV body, or from {"blobUri"}; returns an Operation', params: S.ProjectParams, consumes: ['application/json', CSV, ...JSONL_TYPES], response: { 200: Operation } },
    }, async (request) => startImport(request, 'items'));
    scope.get<{ Params: P }>(`${base}/categories`, { config: { permission: 'catalog.categories.list' }, schema: { tags, summary: 'The category tree with item counts', params: S.ProjectParams, response: { 200: Type.Object({ categories: Type.Array(CategoryNode), totalItems: Type.Integer() }) } } },
      async (request) => items.categories(request.params.project));
    scope.get<{ Params: P }>(`${base}/synonyms`, { config: { permission: 'catalog.synonyms.get' }, schema: { tags, params: S.ProjectParams, response: { 200: S.SynonymsBody } } },
      async (request) => items.synonyms(request.params.project));
    scope.put<{ Params: P; Body: Static<typeof S.SynonymsBody> }>(`${base}/synonyms`, { config: { permission: 'catalog.synonyms.update' }, schema: { tags, summary: 'Replace the synonym groups search uses', params: S.ProjectParams, body: S.SynonymsBody, response: { 200: S.SynonymsBody } } },
      async (request) => items.setSynonyms(request.params.project, request.body.synonyms));

    const etags = ['userEvents'];
    scope.post<{ Params: P; Body: unknown }>('/v1/projects/:project/userEvents::import', {
      config: { permission: 'catalog.userEvents.import' },
      schema: { tags: etags, summary: 'Import event history from a JSONL body or {"blobUri"}; returns an Operation', params: S.ProjectParams, consumes: ['application/json', ...JSONL_TYPES], response: { 200: Operation } },
    }, async (request) => startImport(request, 'events'));
    scope.get<{ Params: P; Querystring: Static<typeof S.ExportQuery> }>('/v1/projects/:project/userEvents::export', {
      config: { permission: 'catalog.userEvents.export', audit: false },
      schema: { tags: etags, summary: 'Stream stored events as JSONL, one per line, oldest first', params: S.ProjectParams, querystring: S.ExportQuery },
    }, async (request, reply) => {
      const since = request.query.since ? new Date(request.query.since).toISOString() : undefined;
      const lines = (async function* () {
        for await (const e of events.export(request.params.project, since)) yield `${JSON.stringify(e)}\n`;
      })();
      reply.type('application/x-ndjson');
      return reply.send(Readable.from(lines));
    });
  });

  async function startImport(request: FastifyRequest<{ Params: P; Body: unknown }>, what: 'items' | 'events') {
    const project = request.params.project;
    const type = mediaType(request);
    const header = request.headers['idempotency-key'];
    const idempotencyKey = typeof header === 'string' && /^[\x21-\x7e]{1,255}$/.test(header) ? header : undefined;
    if (type === 'application/json') {
      const body = validateValue<Static<typeof S.BlobImportBody>>(S.BlobImportBody, request.body, 'body');
      const key = await importer.resolveBlobUri(project, body.blobUri);
      const format: ImportFormat = body.format ?? (/\.csv$/i.test(key) ? 'csv' : 'jsonl');
      if (what === 'events' && format === 'csv') throw errors.IMPORT_MEDIA_TYPE({ contentType: 'text/csv', accepted: 'JSONL' });
      return importer.enqueue(project, what, { blobKey: key, staged: false }, format, idempotencyKey, request.principalName);
    }
    const format: ImportFormat | undefined = type === CSV && what === 'items' ? 'csv' : JSONL_TYPES.includes(type) ? 'jsonl' : undefined;
    if (!format) {
      const accepted = what === 'items' ? 'application/x-ndjson, text/csv or application/json {"blobUri"}' : 'application/x-ndjson or application/json {"blobUri"}';
      throw errors.IMPORT_MEDIA_TYPE({ contentType: type, accepted });
    }
    const staged = await importer.stage(project, request.body as Readable, format);
    return importer.enqueue(project, what, { blobKey: staged.key, staged: true, sha256: staged.sha256 }, format, idempotencyKey, request.principalName);
  }
}
