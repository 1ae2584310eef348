import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { LocationName, ProjectName, VertexGetQuery, VertexListQuery, readPage, withLocation } from '../platform/index.js';
import * as S from './schemas.js';
import type { EndpointService, EndpointView } from './service.js';

const ListParams = Type.Object({ project: ProjectName, location: LocationName });
const GetParams = Type.Object({ project: ProjectName, location: LocationName, endpoint: S.EndpointName });

/** An endpoint named as Vertex names it, the deployed models' model paths included. */
function asVertex(e: EndpointView, location: string): EndpointView {
  return { ...e, name: withLocation(e.name, location), deployedModels: e.deployedModels.map((d) => ({ ...d, model: withLocation(d.model, location) })) };
}

/**
 * Endpoint reads in Vertex AI's `locations/{l}` form, which the official
 * clients (`EndpointServiceClient.getEndpoint`/`listEndpoints`) always use.
 * The body is Rouge's endpoint, a superset of Vertex's Endpoint message, with
 * names carrying the caller's location.
 */
export function registerVertexEndpointReads(app: FastifyInstance, endpoints: EndpointService): void {
  const tags = ['serving'];
  const base = '/v1/projects/:project/locations/:location/endpoints';
  app.get<{ Params: Static<typeof ListParams>; Querystring: Static<typeof VertexListQuery> }>(base, { config: { permission: 'serving.endpoints.list' }, schema: { tags, summary: 'List endpoints (Vertex AI form)', params: ListParams, querystring: VertexListQuery, response: { 200: Type.Object({ endpoints: Type.Array(S.Endpoint), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => {
      const page = await endpoints.list(request.params.project, readPage(request.query));
      return { ...page, endpoints: page.endpoints.map((e) => asVertex(e, request.params.location)) };
    });
  app.get<{ Params: Static<typeof GetParams>; Querystring: Static<typeof VertexGetQuery> }>(`${base}/:endpoint`, { config: { permission: 'serving.endpoints.get', resource: (p: Record<string, string>) => `endpoints/${p.endpoint}` }, schema: { tags, summary: 'Get an endpoint (Vertex AI form)', params: GetParams, querystring: VertexGetQuery, response: { 200: S.Endpoint } } },
    async (request) => asVertex(await endpoints.get(request.params.project, request.params.endpoint), request.params.location));
}
