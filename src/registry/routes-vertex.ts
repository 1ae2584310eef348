import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { LocationName, ProjectName, RougeError, VertexGetQuery, VertexListQuery, customMethod, readPage } from '../platform/index.js';
import * as errors from './errors.js';
import type { ModelService } from './model-service.js';
import { MODEL_NAME_PATTERN } from './names.js';
import { ModelName } from './schemas.js';
import type { VersionService } from './version-service.js';
import { toVertexModel } from './vertex-model.js';

const ListParams = Type.Object({ project: ProjectName, location: LocationName });
const ModelWithRef = Type.String({ pattern: `${MODEL_NAME_PATTERN.slice(0, -1)}(@[a-zA-Z0-9-]{1,128})?$`, description: 'm, m@3 or m@champion' });
const GetParams = Type.Object({ project: ProjectName, location: LocationName, model: ModelWithRef });
const VersionsParams = Type.Object({ project: ProjectName, location: LocationName, model: ModelName });
const VertexModel = Type.Object({
  name: Type.String(), versionId: Type.String(), versionAliases: Type.Array(Type.String()), versionCreateTime: Type.String(), versionUpdateTime: Type.String(),
  displayName: Type.String(), description: Type.String(), versionDescription: Type.String(), labels: Type.Record(Type.String(), Type.String()),
  createTime: Type.String(), updateTime: Type.String(), artifactUri: Type.Optional(Type.String()), metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  framework: Type.String(), metrics: Type.Record(Type.String(), Type.Number()),
});
const ModelList = Type.Object({ models: Type.Array(VertexModel), nextPageToken: Type.Optional(Type.String()) });

/**
 * Model reads in Vertex AI's `locations/{l}` form, as the official
 * ModelServiceClient sends them: getModel (`models/m`, `models/m@3`,
 * `models/m@champion`), listModels (each model at its default version) and
 * listModelVersions (`models/m:listVersions`).
 */
export function registerVertexModelReads(app: FastifyInstance, models: ModelService, versions: VersionService): void {
  const tags = ['registry'];
  const base = '/v1/projects/:project/locations/:location/models';

  app.get<{ Params: Static<typeof ListParams>; Querystring: Static<typeof VertexListQuery> }>(base, { config: { permission: 'registry.models.list' }, schema: { tags, summary: 'List models at their default versions (Vertex AI form)', params: ListParams, querystring: VertexListQuery, response: { 200: ModelList } } },
    async (request) => {
      const { project, location } = request.params;
      const page = await models.list(project, readPage(request.query));
      const out = [];
      // A model with no version yet has nothing Vertex could show (its Model is a version).
      for (const m of page.models) {
        const v = await versions.get(project, m.modelId, 'default').catch((e: unknown) => (e instanceof RougeError && e.reason === errors.MODEL_VERSION_NOT_FOUND.reason ? undefined : Promise.reject(e)));
        if (v) out.push(toVertexModel(m, v, location));
      }
      return { models: out, ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    });
  app.get<{ Params: Static<typeof VersionsParams>; Querystring: Static<typeof VertexListQuery> }>(`${base}/${customMethod('model', 'listVersions')}`, { config: { permission: 'registry.versions.list' }, schema: { tags, summary: 'List a model\'s versions (Vertex AI form)', params: VersionsParams, querystring: VertexListQuery, response: { 200: ModelList } } },
    async (request) => {
      const { project, location, model } = request.params;
      const m = await models.get(project, model);
      const page = await versions.list(project, model, readPage(request.query));
      return { models: page.versions.map((v) => toVertexModel(m, v, location)), ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}) };
    });
  app.get<{ Params: Static<typeof GetParams>; Querystring: Static<typeof VertexGetQuery> }>(`${base}/:model`, { config: { permission: 'registry.versions.get' }, schema: { tags, summary: 'Get a model version: m (default), m@3 or m@alias (Vertex AI form)', params: GetParams, querystring: VertexGetQuery, response: { 200: VertexModel } } },
    async (request) => {
      const { project, location } = request.params;
      const at = request.params.model.indexOf('@');
      const name = at < 0 ? request.params.model : request.params.model.slice(0, at);
      const m = await models.get(project, name);
      return toVertexModel(m, await versions.get(project, name, at < 0 ? 'default' : request.params.model.slice(at + 1)), location);
    });
}
