import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Empty, PageQuery, customMethod, readPage, readUpdateMask } from '../platform/index.js';
import type { ModelService } from './model-service.js';
import * as S from './schemas.js';
import { readUpload } from './upload.js';
import type { VersionService } from './version-service.js';

const ListQuery = Type.Object(PageQuery, { additionalProperties: false });
const PatchQuery = Type.Object({ updateMask: Type.Optional(Type.String({ maxLength: 200, description: 'comma-separated: displayName, description, labels' })) }, { additionalProperties: false });

/** Registry routes under /v1/projects/{p}/models (Vertex AI Model Registry names). */
export function registerRegistryRoutes(app: FastifyInstance, models: ModelService, versions: VersionService, maxArtifactBytes: number): void {
  const tags = ['registry'];
  const base = '/v1/projects/:project/models';
  type P = Static<typeof S.ModelParams>;
  type V = Static<typeof S.VersionParams>;

  app.post<{ Params: { project: string }; Body: Static<typeof S.CreateModelBody> }>(base, { config: { permission: 'registry.models.create', idempotent: true }, schema: { tags, summary: 'Register a model', params: Type.Object({ project: S.ModelParams.properties.project }), body: S.CreateModelBody, response: { 200: S.Model } } },
    async (request) => models.create(request.params.project, request.body));
  app.get<{ Params: { project: string }; Querystring: Static<typeof ListQuery> }>(base, { config: { permission: 'registry.models.list' }, schema: { tags, params: Type.Object({ project: S.ModelParams.properties.project }), querystring: ListQuery, response: { 200: Type.Object({ models: Type.Array(S.Model), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => models.list(request.params.project, readPage(request.query)));
  app.get<{ Params: P }>(`${base}/:model`, { config: { permission: 'registry.models.get' }, schema: { tags, params: S.ModelParams, response: { 200: S.Model } } },
    async (request) => models.get(request.params.project, request.params.model));
  app.patch<{ Params: P; Querystring: Static<typeof PatchQuery>; Body: Static<typeof S.PatchModelBody> }>(`${base}/:model`, { config: { permission: 'registry.models.update' }, schema: { tags, params: S.ModelParams, querystring: PatchQuery, body: S.PatchModelBody, response: { 200: S.Model } } },
    async (request) => models.update(request.params.project, request.params.model, request.body, readUpdateMask(request.query.updateMask, ['displayName', 'description', 'labels'])));
  app.delete<{ Params: P }>(`${base}/:model`, { config: { permission: 'registry.models.delete' }, schema: { tags, summary: 'Delete a model with all its versions', params: S.ModelParams, response: { 200: Empty } } },
    async (request) => {
      await models.delete(request.params.project, request.params.model);
      return {};
    });

  app.post<{ Params: P }>(`${base}/:model/versions`, {
    config: { permission: 'registry.versions.create' },
    schema: { tags, summary: 'Upload a version: multipart/form-data with a "metadata" JSON part, then an "artifact" file part', params: S.ModelParams, consumes: ['multipart/form-data'], response: { 200: S.ModelVersion } },
  }, async (request) => readUpload(request, maxArtifactBytes, (meta, artifact) => versions.create(request.params.project, request.params.model, meta, artifact, request.principalName)));
  app.get<{ Params: P; Querystring: Static<typeof ListQuery> }>(`${base}/:model/versions`, { config: { permission: 'registry.versions.list' }, schema: { tags, params: S.ModelParams, querystring: ListQuery, response: { 200: Type.Object({ versions: Type.Array(S.ModelVersion), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => versions.list(request.params.project, request.params.model, readPage(request.query)));
  app.get<{ Params: V }>(`${base}/:model/versions/:version`, { config: { permission: 'registry.versions.get' }, schema: { tags, summary: 'Get a version by number or alias', params: S.VersionParams, response: { 200: S.ModelVersion } } },
    async (request) => versions.get(request.params.project, request.params.model, request.params.version));
  app.delete<{ Params: V }>(`${base}/:model/versions/:version`, { config: { permission: 'registry.versions.delete' }, schema: { tags, summary: 'Delete a version (not the default holder, not while deployed)', params: S.VersionParams, response: { 200: Empty } } },
    async (request) => {
      await versions.delete(request.params.project, request.params.model, request.params.version);
      return {};
    });
  app.post<{ Params: V; Body: Static<typeof S.MergeAliasesBody> }>(`${base}/:model/versions/${customMethod('version', 'mergeVersionAliases')}`, { config: { permission: 'registry.versions.update' }, schema: { tags, summary: 'Add or move aliases onto a version; a leading - removes one', params: S.VersionParams, body: S.MergeAliasesBody, response: { 200: S.ModelVersion } } },
    async (request) => versions.mergeAliases(request.params.project, request.params.model, request.params.version, request.body.versionAliases));
  app.get<{ Params: V }>(`${base}/:model/versions/:version/artifact`, { config: { permission: 'registry.versions.download' }, schema: { tags, summary: 'Download the artifact; X-Rouge-Sha256 carries its digest', params: S.VersionParams } },
    async (request, reply) => {
      const a = await versions.artifact(request.params.project, request.params.model, request.params.version);
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(a.size))
        .header('x-rouge-sha256', a.sha256)
        .header('etag', `"${a.sha256}"`)
        .header('content-disposition', `attachment; filename="${a.filename}"`);
      return reply.send(a.body);
    });
}
