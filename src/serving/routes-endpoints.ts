import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Empty, PageQuery, ProjectName, customMethod, readPage, readUpdateMask } from '../platform/index.js';
import * as S from './schemas.js';
import type { EndpointService } from './service.js';

const ProjectParams = Type.Object({ project: ProjectName });
const ListQuery = Type.Object(PageQuery, { additionalProperties: false });
const PatchQuery = Type.Object({ updateMask: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
const Operation = Type.Object({ name: Type.String(), done: Type.Boolean(), metadata: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: true });

/** Endpoint management (Vertex names): create, get, list, delete, :deployModel, :undeployModel, PATCH trafficSplit. */
export function registerEndpointRoutes(app: FastifyInstance, endpoints: EndpointService): void {
  const tags = ['serving'];
  const base = '/v1/projects/:project/endpoints';
  type E = Static<typeof S.EndpointParams>;
  const resource = (p: Record<string, string>) => `endpoints/${p.endpoint}`;

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof S.CreateEndpointBody> }>(base, { config: { permission: 'serving.endpoints.create', idempotent: true }, schema: { tags, summary: 'Create an endpoint', params: ProjectParams, body: S.CreateEndpointBody, response: { 200: S.Endpoint } } },
    async (request) => endpoints.create(request.params.project, request.body));
  app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof ListQuery> }>(base, { config: { permission: 'serving.endpoints.list' }, schema: { tags, params: ProjectParams, querystring: ListQuery, response: { 200: Type.Object({ endpoints: Type.Array(S.Endpoint), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => endpoints.list(request.params.project, readPage(request.query)));
  app.get<{ Params: E }>(`${base}/:endpoint`, { config: { permission: 'serving.endpoints.get', resource }, schema: { tags, params: S.EndpointParams, response: { 200: S.Endpoint } } },
    async (request) => endpoints.get(request.params.project, request.params.endpoint));
  app.delete<{ Params: E }>(`${base}/:endpoint`, { config: { permission: 'serving.endpoints.delete', resource }, schema: { tags, summary: 'Delete an endpoint with no deployed models', params: S.EndpointParams, response: { 200: Empty } } },
    async (request) => {
      await endpoints.delete(request.params.project, request.params.endpoint);
      return {};
    });
  app.patch<{ Params: E; Querystring: Static<typeof PatchQuery>; Body: Static<typeof S.PatchEndpointBody> }>(`${base}/:endpoint`, { config: { permission: 'serving.endpoints.update', resource }, schema: { tags, summary: 'Change the traffic split (?updateMask=trafficSplit): canary, promote, roll back', params: S.EndpointParams, querystring: PatchQuery, body: S.PatchEndpointBody, response: { 200: S.Endpoint } } },
    async (request) => {
      readUpdateMask(request.query.updateMask, ['trafficSplit']);
      return endpoints.updateSplit(request.params.project, request.params.endpoint, request.body.trafficSplit ?? {});
    });
  app.post<{ Params: E; Body: Static<typeof S.DeployBody> }>(`${base}/${customMethod('endpoint', 'deployModel')}`, { config: { permission: 'serving.endpoints.deploy', resource }, schema: { tags, summary: 'Deploy a model version; returns an Operation that completes once the model is loaded and warmed', params: S.EndpointParams, body: S.DeployBody, response: { 200: Operation } } },
    async (request) => {
      // A binding on the endpoint alone does not reach the registry: deploying a version reads it,
      // so the caller must also be allowed to read the project's versions (GCP asks the same of
      // Vertex deploys: aiplatform.endpoints.deploy and aiplatform.models.get).
      await request.authorize('registry.versions.get');
      return endpoints.deployModel(request.params.project, request.params.endpoint, request.body.deployedModel, request.body.trafficSplit ?? {}, request.principalName);
    });
  app.post<{ Params: E; Body: Static<typeof S.UndeployBody> }>(`${base}/${customMethod('endpoint', 'undeployModel')}`, { config: { permission: 'serving.endpoints.undeploy', resource }, schema: { tags, summary: 'Undeploy a deployed model', params: S.EndpointParams, body: S.UndeployBody, response: { 200: S.Endpoint } } },
    async (request) => endpoints.undeployModel(request.params.project, request.params.endpoint, request.body.deployedModelId, request.body.trafficSplit));
}
