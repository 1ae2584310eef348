import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { PlatformErrors as E } from '../errors/index.js';
import { PageQuery, cutPage, readPage } from '../http/pagination.js';
import { ProjectName } from '../http/schemas.js';
import { toCloudEvent } from './cloud-event.js';
import type { EventOutbox } from './outbox.js';

const Params = Type.Object({ project: ProjectName });
const Query = Type.Object(
  {
    ...PageQuery,
    type: Type.Optional(Type.String({ maxLength: 200, description: 'only events of this type, e.g. rouge.operation.done' })),
    since: Type.Optional(Type.String({ maxLength: 64, description: 'only events at or after this RFC 3339 time' })),
  },
  { additionalProperties: false },
);
const CloudEvent = Type.Object({
  specversion: Type.String(), id: Type.String(), source: Type.String(), type: Type.String(), subject: Type.String(),
  time: Type.String(), datacontenttype: Type.String(), data: Type.Unknown(),
});

/** GET /v1/projects/{p}/cloudEvents: the project's platform events, oldest first. */
export function registerEventRoutes(app: FastifyInstance, outbox: EventOutbox): void {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/v1/projects/:project/cloudEvents',
    {
      config: { permission: 'platform.cloudEvents.list' },
      schema: { tags: ['events'], summary: 'Platform events (CloudEvents 1.0), oldest first', params: Params, querystring: Query, response: { 200: Type.Object({ cloudEvents: Type.Array(CloudEvent), nextPageToken: Type.Optional(Type.String()) }) } },
    },
    async (request) => {
      const { since } = request.query;
      let sinceIso: string | undefined;
      if (since !== undefined) {
        const t = Date.parse(since);
        if (!Number.isFinite(t)) throw E.INVALID_FIELD({ message: `Invalid query.since: ${JSON.stringify(since)} is not an RFC 3339 time such as 2026-11-27T00:00:00Z.` });
        sinceIso = new Date(t).toISOString();
      }
      const page = readPage(request.query);
      const rows = await outbox.list(request.params.project, { type: request.query.type, since: sinceIso }, page.pageSize + 1, page.after?.[0]);
      const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.id]);
      return { cloudEvents: items.map(toCloudEvent), ...(nextPageToken ? { nextPageToken } : {}) };
    },
  );
}
