import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { registerFastRoute, type Call } from '../platform/index.js';
import type { AuctionRequest, AuctionResult, AuctionService } from './auction-service.js';
import * as errors from './errors.js';
import * as S from './schemas.js';

/** The permission that shows an auction's reasons: an ads manager's. */
export const DEBUG_AUCTIONS = 'ads.auctions.debug';

/**
 * `POST /v1/projects/{p}/auctions` on the `inference` role, for a storefront
 * that composes its own pages: Topsort's listings auction, one at a time.
 * Relevance comes from `query` (the categories it matches), `itemIds` (their
 * categories) or `candidates` (the products that may win).
 */
export function registerAuctionRoute(app: FastifyInstance, auctions: AuctionService, authorize: (principal: string, permission: string, project: string) => Promise<void>): void {
  registerFastRoute(app, {
    url: '/v1/projects/:project/auctions',
    config: { permission: 'ads.auctions.create', audit: false, plainJson: true, exposure: 'public' },
    schema: { tags: ['sponsored products'], summary: 'Run an auction for sponsored slots', params: S.ProjectParams, body: S.AuctionBody },
    handler: async (call: Call<Static<typeof S.AuctionBody>>): Promise<AuctionResult> => {
      const project = call.params.project!;
      const b = call.body;
      const given = [b.query, b.itemIds, b.candidates].filter((x) => x !== undefined).length;
      if (given !== 1) throw errors.AUCTION_INPUT_INVALID({ why: 'give exactly one of query, itemIds or candidates: what the page is about decides which products are relevant' });
      if (b.debug) await authorize(call.principal, DEBUG_AUCTIONS, project);
      const req: AuctionRequest = {
        slots: b.slots, ...(b.exclude ? { exclude: new Set(b.exclude) } : {}),
        ...(b.userId !== undefined ? { userId: b.userId } : {}), ...(b.sessionId !== undefined ? { sessionId: b.sessionId } : {}), ...(b.debug ? { debug: true } : {}),
      };
      if (b.candidates) req.candidates = b.candidates;
      if (b.query !== undefined) req.categories = await auctions.categoriesOfQuery(project, b.query);
      if (b.itemIds) {
        const ctx = await auctions.categoriesOf(project, b.itemIds);
        req.categories = ctx.categories;
        req.exclude = new Set([...(req.exclude ?? []), ...b.itemIds]);
        if (b.otherBrandsOnly) req.excludeBrands = ctx.brands;
      }
      return auctions.run(project, req);
    },
  });
}
