import type { FastifyInstance } from 'fastify';
import type { CatalogFace } from '../../catalog/index.js';
import type { AuctionService } from '../auction-service.js';
import * as S from '../schemas.js';
import type { AdsSettings } from '../settings.js';
import { runTopsortAuctions } from './auctions.js';
import { writeTopsortEvents } from './events.js';

/** A body of any JSON shape: the handlers check Topsort's shapes themselves, to answer Topsort's errCodes. */
const AnyBody = { type: 'object' };

/**
 * The drop-in for storefronts on Topsort, on the `inference` role: point
 * Topsort's SDK (or any client of its REST API) at
 * `<rouge>/v1/projects/{p}/topsort` with a `predictor` key. Requests and
 * answers take Topsort's shapes and status codes (auctions 201, events 204
 * with no body), and every error on these routes, 401, 403 and 429 included,
 * is Topsort's `{errCode, docUrl, message}`.
 */
export function registerTopsortRoutes(app: FastifyInstance, d: { auctions: AuctionService; catalog: CatalogFace; settings: (project: string) => Promise<AdsSettings> }): void {
  const tags = ['sponsored products (Topsort drop-in)'];
  const config = { audit: false, plainJson: true, exposure: 'public', protocol: 'errcode' } as const;
  app.post<{ Params: { project: string } }>('/v1/projects/:project/topsort/v2/auctions', {
    config: { ...config, permission: 'ads.auctions.create' },
    schema: { tags, summary: 'Topsort\'s POST /v2/auctions: listings auctions, answered 201 with results[].winners[]', params: S.ProjectParams, body: AnyBody },
  }, async (request, reply) => reply.code(201).send(await runTopsortAuctions(d.auctions, request.params.project, request.body)));
  app.post<{ Params: { project: string } }>('/v1/projects/:project/topsort/v2/events', {
    config: { ...config, permission: 'catalog.userEvents.write' },
    schema: { tags, summary: 'Topsort\'s POST /v2/events: impressions, clicks, purchases and page views, answered 204', params: S.ProjectParams, body: AnyBody },
  }, async (request, reply) => {
    const { currency } = await d.settings(request.params.project);
    await writeTopsortEvents(d.catalog, request.params.project, currency, request.body);
    return reply.code(204).send();
  });
}
