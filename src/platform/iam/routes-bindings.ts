import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { PageQuery, readPage } from '../http/pagination.js';
import { Empty } from '../http/schemas.js';
import { PlatformErrors } from '../errors/index.js';
import type { AuditStore } from './audit-store.js';
import { parseAuditFilter } from './audit-filter.js';
import * as S from './schemas.js';
import type { IamService } from './service.js';
import { ORG, type AuditRow } from './tables.js';
import { cutPage } from '../http/pagination.js';

const ListBindingsQuery = Type.Object({ ...PageQuery, principal: Type.Optional(S.PrincipalText), role: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });
const RemoveQuery = Type.Object({ principal: Type.Optional(S.PrincipalText), role: Type.Optional(Type.String({ maxLength: 64 })), resource: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
const AuditQuery = Type.Object({ ...PageQuery, filter: Type.Optional(Type.String({ maxLength: 2000, description: 'AIP-160 subset: principal="user:admin" AND result="denied" AND time>="2026-11-27T00:00:00Z"' })) }, { additionalProperties: false });
const AuditList = Type.Object({ auditEntries: Type.Array(S.AuditEntry), nextPageToken: Type.Optional(Type.String()) });

function toEntry(r: AuditRow) {
  return {
    time: r.time, principal: r.principal, permission: r.permission, resource: r.resource, method: r.method, result: r.result,
    status: r.status_code, ...(r.reason ? { reason: r.reason } : {}), requestId: r.request_id, ip: r.ip, userAgent: r.user_agent, count: r.count,
  };
}

/** Role bindings and the audit log. */
export function registerBindingAndAuditRoutes(app: FastifyInstance, iam: IamService, audit: AuditStore): void {
  const tags = ['iam'];
  app.post<{ Params: Static<typeof S.ProjectParams>; Body: Static<typeof S.BindingBody> }>('/v1/projects/:project/bindings', { config: { permission: 'iam.bindings.create', idempotent: true }, schema: { tags, summary: 'Grant a role to a principal on the project or one resource in it', params: S.ProjectParams, body: S.BindingBody, response: { 200: S.Binding } } },
    async (request) => iam.addBinding(request.params.project, request.body));
  app.get<{ Params: Static<typeof S.ProjectParams>; Querystring: Static<typeof ListBindingsQuery> }>('/v1/projects/:project/bindings', { config: { permission: 'iam.bindings.list' }, schema: { tags, params: S.ProjectParams, querystring: ListBindingsQuery, response: { 200: Type.Object({ bindings: Type.Array(S.Binding), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => iam.listBindings(request.params.project, { principal: request.query.principal, role: request.query.role }, readPage(request.query)));
  // DELETE takes the binding in the query (`?principal=&role=&resource=`) or, for clients that send one, a JSON body.
  app.delete<{ Params: Static<typeof S.ProjectParams>; Querystring: Static<typeof RemoveQuery>; Body: Static<typeof S.BindingBody> | undefined }>('/v1/projects/:project/bindings', { config: { permission: 'iam.bindings.delete' }, schema: { tags, summary: 'Remove a binding (refused for the last admin)', params: S.ProjectParams, querystring: RemoveQuery, response: { 200: Empty } } },
    async (request) => {
      const b = { ...request.query, ...(request.body ?? {}) } as { principal?: string; role?: string; resource?: string };
      for (const field of ['principal', 'role'] as const) {
        if (!b[field]) throw PlatformErrors.MISSING_FIELD({ message: `Missing required field ${field}: name the binding to remove with ?principal=...&role=...` });
      }
      await iam.removeBinding(request.params.project, { principal: b.principal ?? '', role: b.role ?? '', resource: b.resource });
      return {};
    });

  // Organisation bindings: orgAdmin, and roles such as metricsViewer that act on no project.
  const orgTags = ['iam'];
  app.post<{ Body: Static<typeof S.BindingBody> }>('/v1/bindings', { config: { permission: 'iam.orgBindings.create', idempotent: true, auditScope: 'org' }, schema: { tags: orgTags, summary: 'Grant an organisation role (orgAdmin, metricsViewer)', body: S.BindingBody, response: { 200: S.Binding } } },
    async (request) => iam.addBinding(ORG, request.body));
  app.get<{ Querystring: Static<typeof ListBindingsQuery> }>('/v1/bindings', { config: { permission: 'iam.orgBindings.list' }, schema: { tags: orgTags, querystring: ListBindingsQuery, response: { 200: Type.Object({ bindings: Type.Array(S.Binding), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => iam.listBindings(ORG, { principal: request.query.principal, role: request.query.role }, readPage(request.query)));
  app.delete<{ Querystring: Static<typeof RemoveQuery> }>('/v1/bindings', { config: { permission: 'iam.orgBindings.delete', auditScope: 'org' }, schema: { tags: orgTags, summary: 'Remove an organisation binding (refused for the last orgAdmin)', querystring: RemoveQuery, response: { 200: Empty } } },
    async (request) => {
      const { principal, role } = request.query as { principal?: string; role?: string };
      if (!principal || !role) throw PlatformErrors.MISSING_FIELD({ message: 'Missing required field: name the binding to remove with ?principal=...&role=...' });
      await iam.removeBinding(ORG, { principal, role });
      return {};
    });

  const list = async (project: string, query: Static<typeof AuditQuery>) => {
    const page = readPage(query);
    const rows = await audit.list(project, parseAuditFilter(query.filter), page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.id]);
    return { auditEntries: items.map(toEntry), ...(nextPageToken ? { nextPageToken } : {}) };
  };
  app.get<{ Params: Static<typeof S.ProjectParams>; Querystring: Static<typeof AuditQuery> }>('/v1/projects/:project/auditLog', { config: { permission: 'iam.auditLog.list' }, schema: { tags, summary: 'Audit entries of a project, newest first', params: S.ProjectParams, querystring: AuditQuery, response: { 200: AuditList } } },
    async (request) => list(request.params.project, request.query));
  app.get<{ Querystring: Static<typeof AuditQuery> }>('/v1/auditLog', { config: { permission: 'iam.orgAuditLog.list' }, schema: { tags, summary: 'Audit entries of organisation actions (projects, users), newest first', querystring: AuditQuery, response: { 200: AuditList } } },
    async (request) => list(ORG, request.query));
}
