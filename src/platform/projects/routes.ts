import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { PageQuery, readPage } from '../http/pagination.js';
import { DisplayName, Empty, ProjectName, Timestamp } from '../http/schemas.js';
import type { ProjectService } from './service.js';

const Project = Type.Object({
  name: Type.String({ description: 'resource name, projects/{projectId}' }),
  projectId: Type.String(),
  displayName: Type.String(),
  timeZone: Type.String(),
  createTime: Timestamp,
  updateTime: Timestamp,
});

const CreateBody = Type.Object(
  {
    name: ProjectName,
    displayName: Type.Optional(DisplayName),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'an IANA time zone such as Asia/Kolkata (default UTC)' })),
  },
  { additionalProperties: false },
);
const ProjectParams = Type.Object({ project: ProjectName });
const ListQuery = Type.Object(PageQuery, { additionalProperties: false });

/** HTTP routes for projects under /v1/projects; `visibleTo` says which projects a caller may list. */
export function registerProjectRoutes(app: FastifyInstance, projects: ProjectService, visibleTo: (principal: string) => Promise<string[] | 'all'>): void {
  app.post<{ Body: Static<typeof CreateBody> }>(
    '/v1/projects',
    {
      config: { permission: 'resourcemanager.projects.create', idempotent: true },
      schema: { tags: ['projects'], summary: 'Create a project', body: CreateBody, response: { 200: Project } },
    },
    async (request) => projects.create(request.body),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/v1/projects',
    {
      // Any caller may list; the list holds only the projects it has a binding in (all, for an org admin).
      config: { permission: 'authenticated' },
      schema: { tags: ['projects'], summary: 'List projects', querystring: ListQuery, response: { 200: Type.Object({ projects: Type.Array(Project), nextPageToken: Type.Optional(Type.String()) }) } },
    },
    async (request) => projects.list(readPage(request.query), await visibleTo(request.principalName)),
  );

  app.get<{ Params: Static<typeof ProjectParams> }>(
    '/v1/projects/:project',
    {
      config: { permission: 'resourcemanager.projects.get' },
      schema: { tags: ['projects'], summary: 'Get a project', params: ProjectParams, response: { 200: Project } },
    },
    async (request) => projects.get(request.params.project),
  );

  app.delete<{ Params: Static<typeof ProjectParams> }>(
    '/v1/projects/:project',
    {
      config: { permission: 'resourcemanager.projects.delete', auditScope: 'org' },
      schema: { tags: ['projects'], summary: 'Delete an empty project', params: ProjectParams, response: { 200: Empty } },
    },
    async (request) => {
      await projects.delete(request.params.project);
      return {};
    },
  );
}
