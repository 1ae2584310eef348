import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Empty, OperationSchema, PageQuery, ProjectName, readPage, readUpdateMask, type Jobs } from '../platform/index.js';
import type { CatalogFace } from '../catalog/index.js';
import { experimentOf, type RecommenderService } from './recommenders.js';
import { experimentReport } from './report.js';
import * as S from './schemas.js';
import { TRAIN_JOB } from './training.js';

const ProjectParams = Type.Object({ project: ProjectName });
const ListQuery = Type.Object(PageQuery, { additionalProperties: false });
const PatchQuery = Type.Object({ updateMask: Type.Optional(Type.String({ maxLength: 200, description: 'comma-separated: model, displayName, rules, fields, rerank, experiment' })) }, { additionalProperties: false });
type P = Static<typeof S.RecommenderParams>;

/** Recommender management and training, on the `api` role. */
export function registerPlacementRoutes(app: FastifyInstance, deps: { recommenders: RecommenderService; jobs: Jobs; catalog: CatalogFace }): void {
  const { recommenders, jobs, catalog } = deps;
  const tags = ['recommendations'];
  const base = '/v1/projects/:project/recommenders';
  const resource = (p: Record<string, string>) => `recommenders/${p.recommender}`;

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof S.CreateRecommenderBody> }>(base, { config: { permission: 'placements.recommenders.create', idempotent: true }, schema: { tags, summary: 'Create a recommender: a placement of one kind that follows a model alias', params: ProjectParams, body: S.CreateRecommenderBody, response: { 200: S.Recommender } } },
    async (request) => recommenders.create(request.params.project, request.body));
  app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof ListQuery> }>(base, { config: { permission: 'placements.recommenders.list' }, schema: { tags, params: ProjectParams, querystring: ListQuery, response: { 200: Type.Object({ recommenders: Type.Array(S.Recommender), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => recommenders.list(request.params.project, readPage(request.query)));
  app.get<{ Params: P }>(`${base}/:recommender`, { config: { permission: 'placements.recommenders.get', resource }, schema: { tags, params: S.RecommenderParams, response: { 200: S.Recommender } } },
    async (request) => recommenders.get(request.params.project, request.params.recommender));
  app.patch<{ Params: P; Querystring: Static<typeof PatchQuery>; Body: Static<typeof S.PatchRecommenderBody> }>(`${base}/:recommender`, { config: { permission: 'placements.recommenders.update', resource }, schema: { tags, summary: 'Change a recommender\'s model, rules, fields or display name (?updateMask=...)', params: S.RecommenderParams, querystring: PatchQuery, body: S.PatchRecommenderBody, response: { 200: S.Recommender } } },
    async (request) => recommenders.update(request.params.project, request.params.recommender, request.body, readUpdateMask(request.query.updateMask, ['model', 'displayName', 'rules', 'fields', 'rerank', 'experiment'])));
  app.delete<{ Params: P }>(`${base}/:recommender`, { config: { permission: 'placements.recommenders.delete', resource }, schema: { tags, params: S.RecommenderParams, response: { 200: Empty } } },
    async (request) => {
      await recommenders.delete(request.params.project, request.params.recommender);
      return {};
    });
  app.get<{ Params: P; Querystring: Static<typeof S.ReportQuery> }>(`${base}/:recommender/experiments/report`, { config: { permission: 'placements.recommenders.get', resource }, schema: { tags, summary: 'An experiment\'s numbers per variant over a window (default the last 7 days), with 95% intervals', params: S.RecommenderParams, querystring: S.ReportQuery, response: { 200: S.ReportResponse } } },
    async (request) => {
      const row = await recommenders.row(request.params.project, request.params.recommender);
      return experimentReport(catalog, request.params.project, request.params.recommender, experimentOf(row), request.query);
    });
  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof S.TrainBody> }>('/v1/projects/:project/recs::train', { config: { permission: 'placements.recs.train', idempotent: true }, schema: { tags, summary: 'Train a recommendation model from the project\'s events; an Operation whose response names the new version', params: ProjectParams, body: S.TrainBody, response: { 200: OperationSchema } } },
    async (request) => {
      // A file outside the project's import area, or missing, is refused now rather than by the job.
      if (request.body.eventsUri) await catalog.checkImportUri(request.params.project, request.body.eventsUri);
      return jobs.enqueue(request.params.project, TRAIN_JOB, request.body, { createdBy: request.principalName });
    });
}
