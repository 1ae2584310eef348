import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { PageQuery, readPage } from '../http/pagination.js';
import { ProjectName } from '../http/schemas.js';
import { customMethod } from '../http/custom-method.js';
import { AUTHENTICATED } from '../iam/roles.js';
import type { Jobs } from './jobs.js';

const Params = Type.Object({ project: ProjectName, operation: Type.String({ pattern: '^[0-9A-Z]{26}$', description: 'the operation id' }) });
const ProjectParams = Type.Object({ project: ProjectName });
const ListQuery = Type.Object({ ...PageQuery, kind: Type.Optional(Type.String({ maxLength: 128 })), done: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
/** An Operation as every route that starts one answers it (google.longrunning.Operation). */
export const OperationSchema = Type.Object({
  name: Type.String(),
  done: Type.Boolean(),
  metadata: Type.Object({}, { additionalProperties: true }),
  error: Type.Optional(Type.Object({ code: Type.Integer(), message: Type.String(), details: Type.Array(Type.Object({}, { additionalProperties: true })) })),
  response: Type.Optional(Type.Unknown()),
});
const Operation = OperationSchema;

/** Operations (long-running work) under /v1/projects/{p}/operations. */
export function registerOperationRoutes(app: FastifyInstance, jobs: Jobs): void {
  const tags = ['operations'];
  // Whoever started an Operation may poll it (a key bound on one endpoint deploys there and must
  // see the result); anyone else needs platform.operations.get. So the check is made here, once
  // the Operation's creator is known, and not by the route's declared permission.
  app.get<{ Params: Static<typeof Params> }>('/v1/projects/:project/operations/:operation', { config: { permission: AUTHENTICATED }, schema: { tags, summary: 'Poll an operation', params: Params, response: { 200: Operation } } },
    async (request) => {
      const { operation, createdBy } = await jobs.getWithCreator(request.params.project, request.params.operation).catch(async (e: unknown) => {
        // A missing Operation is reported only to those who may read the project's Operations.
        await request.authorize('platform.operations.get');
        throw e;
      });
      if (createdBy !== request.principalName) await request.authorize('platform.operations.get');
      return operation;
    });
  app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof ListQuery> }>('/v1/projects/:project/operations', { config: { permission: 'platform.operations.list' }, schema: { tags, summary: 'List operations, newest first', params: ProjectParams, querystring: ListQuery, response: { 200: Type.Object({ operations: Type.Array(Operation), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => jobs.list(request.params.project, { kind: request.query.kind, done: request.query.done }, readPage(request.query)));
  app.post<{ Params: Static<typeof Params> }>(`/v1/projects/:project/operations/${customMethod('operation', 'cancel')}`, { config: { permission: 'platform.operations.cancel' }, schema: { tags, summary: 'Cancel an operation: queued ones stop at once, running ones at their next lease renewal', params: Params, response: { 200: Operation } } },
    async (request) => jobs.cancel(request.params.project, request.params.operation));
}
