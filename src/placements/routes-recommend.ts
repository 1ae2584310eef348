import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { customMethod, registerFastRoute, type Call } from '../platform/index.js';
import type { Recommender } from './recommend.js';
import * as S from './schemas.js';

/**
 * `:recommend`, the storefront's hot path, on the `inference` role. It goes
 * down the fast lane like `:predict`: authorised from cached state, validated
 * by a compiled schema, answered without Fastify's per-request machinery.
 */
export function registerRecommendRoute(app: FastifyInstance, recommender: Recommender): void {
  registerFastRoute(app, {
    url: `/v1/projects/:project/recommenders/${customMethod('recommender', 'recommend')}`,
    config: { permission: 'placements.recommenders.recommend', resource: (p: Record<string, string>) => `recommenders/${p.recommender}`, audit: false, plainJson: true, exposure: 'public' },
    schema: { tags: ['recommendations'], summary: 'Recommend items: the placement\'s kind, its rules and the request\'s context decide', params: S.RecommenderParams, body: S.RecommendBody },
    handler: (call: Call<Static<typeof S.RecommendBody>>) => recommender.recommend(call.params.project!, call.params.recommender!, call.body, call.principal),
  });
}
