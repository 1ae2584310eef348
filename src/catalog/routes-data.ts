import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { readPage } from '../platform/index.js';
import type { EventService } from './event-service.js';
import type { ItemService } from './item-service.js';
import * as S from './schemas.js';

/** Largest `userEvents:write` body: 1,000 events of a few hundred bytes each, with room to spare. */
const WRITE_BODY_LIMIT = 16 * 1024 * 1024;

const SearchResponse = Type.Object({
  categories: Type.Array(Type.Object({ path: Type.Array(Type.String()), score: Type.Number(), matchedItems: Type.Integer() })),
  items: Type.Array(S.Item),
  totalSize: Type.Integer(),
  matched: Type.Boolean(),
  message: Type.Optional(Type.String()),
  nextPageToken: Type.Optional(Type.String()),
});

type P = Static<typeof S.ProjectParams>;

/**
 * The storefront's catalog routes, on the `inference` role with the other
 * hot paths (BRIEF section 4): `catalog:search` and `userEvents:write`.
 * Neither is audited per call: they are the data plane.
 */
export function registerCatalogDataRoutes(app: FastifyInstance, deps: { items: ItemService; events: EventService }): void {
  const { items, events } = deps;
  void app.register(async (scope) => {
    const tags = ['catalog'];
    scope.get<{ Params: P; Querystring: Static<typeof S.SearchQuery> }>('/v1/projects/:project/catalog::search', {
      config: { permission: 'catalog.search', audit: false, exposure: 'public' },
      schema: { tags, summary: 'Map a query to the catalogue categories it means, with the matching items inside them', params: S.ProjectParams, querystring: S.SearchQuery, response: { 200: SearchResponse } },
    }, async (request) => items.search(request.params.project, request.query.query, request.query.pageSize ?? 20, readPage({ pageToken: request.query.pageToken }), request.query.filter));

    const etags = ['userEvents'];
    scope.post<{ Params: P; Body: Static<typeof S.WriteEventsBody> }>('/v1/projects/:project/userEvents::write', {
      // Full validation is ours: the schema documents the body, and a failure is re-checked event by event to list every bad index.
      attachValidation: true,
      bodyLimit: WRITE_BODY_LIMIT,
      config: { permission: 'catalog.userEvents.write', audit: false, exposure: 'public' },
      schema: { tags: etags, summary: 'Write up to 1,000 events, all or nothing; resent eventIds are stored once', params: S.ProjectParams, body: S.WriteEventsBody, response: { 200: Type.Object({ written: Type.Integer(), duplicates: Type.Integer() }) } },
    }, async (request) => {
      if (request.validationError) {
        const body = request.body as { events?: unknown } | undefined;
        // Only a well-formed list of 1 to 1,000 events is checked one by one; anything else is the schema's error as it stands.
        const list = body && typeof body === 'object' && Object.keys(body).length === 1 && Array.isArray(body.events) && body.events.length >= 1 && body.events.length <= 1000 ? body.events : undefined;
        if (!list) throw request.validationError;
        return events.write(request.params.project, list);
      }
      return events.write(request.params.project, request.body.events, true);
    });
  });
}
