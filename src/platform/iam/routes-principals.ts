import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { PageQuery, readPage } from '../http/pagination.js';
import { DisplayName, Empty } from '../http/schemas.js';
import { serviceAccountPrincipal, userPrincipal } from './principals.js';
import { AUTHENTICATED } from './roles.js';
import * as S from './schemas.js';
import type { IamService } from './service.js';
import { ORG } from './tables.js';

const ListQuery = Type.Object(PageQuery, { additionalProperties: false });
const UserParams = Type.Object({ user: S.UserName });
const UserKeyParams = Type.Object({ user: S.UserName, keyId: Type.String({ pattern: '^[A-Za-z0-9]{6,32}$' }) });
const SaParams = Type.Object({ project: S.ProjectParams.properties.project, serviceAccount: S.ServiceAccountName });
const SaKeyParams = Type.Object({ ...SaParams.properties, keyId: Type.String({ pattern: '^[A-Za-z0-9]{6,32}$' }) });
const CreateUser = Type.Object({ name: S.UserName, displayName: Type.Optional(DisplayName) }, { additionalProperties: false });
const CreateSa = Type.Object(
  { name: S.ServiceAccountName, displayName: Type.Optional(DisplayName), description: Type.Optional(Type.String({ maxLength: 1024 })) },
  { additionalProperties: false },
);
const self = (p: Record<string, string>) => userPrincipal(p.user ?? '');
/** Every field of a new key is optional, so a POST with no body at all means `{}`. */
const emptyBodyIsEmptyObject = async (request: { body: unknown }) => {
  if (request.body === undefined || request.body === null) request.body = {};
};

/** Users, service accounts, their keys, and whoami. */
export function registerPrincipalRoutes(app: FastifyInstance, iam: IamService): void {
  const tags = ['iam'];
  app.get('/v1/whoami', { config: { permission: AUTHENTICATED }, schema: { tags, summary: 'The caller\'s principal and key', response: { 200: Type.Object({ principal: Type.String(), keyId: Type.Optional(Type.String()), orgAdmin: Type.Boolean(), projects: Type.Array(Type.String()) }) } } },
    async (request) => {
      const visible = await iam.visibleProjects(request.principalName);
      return { principal: request.principalName, keyId: request.keyId, orgAdmin: visible === 'all', projects: visible === 'all' ? [] : visible };
    });

  app.post<{ Body: Static<typeof CreateUser> }>('/v1/users', { config: { permission: 'iam.users.create', idempotent: true }, schema: { tags, summary: 'Create a user', body: CreateUser, response: { 200: S.User } } },
    async (request) => iam.createUser(request.body.name, request.body.displayName));
  app.get<{ Querystring: Static<typeof ListQuery> }>('/v1/users', { config: { permission: 'iam.users.list' }, schema: { tags, querystring: ListQuery, response: { 200: Type.Object({ users: Type.Array(S.User), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => iam.listUsers(readPage(request.query)));
  app.get<{ Params: Static<typeof UserParams> }>('/v1/users/:user', { config: { permission: 'iam.users.get', allowSelf: self }, schema: { tags, params: UserParams, response: { 200: S.User } } },
    async (request) => iam.getUser(request.params.user));
  app.delete<{ Params: Static<typeof UserParams> }>('/v1/users/:user', { config: { permission: 'iam.users.delete' }, schema: { tags, summary: 'Delete a user, its keys and bindings', params: UserParams, response: { 200: Empty } } },
    async (request) => {
      await iam.deleteUser(request.params.user, request.principalName);
      return {};
    });

  app.post<{ Params: Static<typeof UserParams>; Body: Static<typeof S.CreateKeyBody> }>('/v1/users/:user/keys', { preValidation: emptyBodyIsEmptyObject, config: { permission: 'iam.userKeys.create', allowSelf: self, secretResponse: true }, schema: { tags, summary: 'Create a personal API key (shown once)', params: UserParams, body: S.CreateKeyBody, response: { 200: S.CreatedKey } } },
    async (request) => iam.createKey(ORG, userPrincipal(request.params.user), { ...request.body, ttlSeconds: S.seconds(request.body?.ttl) }));
  app.get<{ Params: Static<typeof UserParams> }>('/v1/users/:user/keys', { preValidation: emptyBodyIsEmptyObject, config: { permission: 'iam.userKeys.list', allowSelf: self }, schema: { tags, params: UserParams, response: { 200: Type.Object({ keys: Type.Array(S.KeyInfo) }) } } },
    async (request) => iam.listKeys(ORG, userPrincipal(request.params.user)));
  app.delete<{ Params: Static<typeof UserKeyParams>; Querystring: Static<typeof S.RevokeQuery> }>('/v1/users/:user/keys/:keyId', { config: { permission: 'iam.userKeys.delete', allowSelf: self }, schema: { tags, summary: 'Revoke a key, now or after ?delay=3600s', params: UserKeyParams, querystring: S.RevokeQuery, response: { 200: S.KeyInfo } } },
    async (request) => iam.revokeKey(ORG, userPrincipal(request.params.user), request.params.keyId, S.seconds(request.query.delay)));

  app.post<{ Params: Static<typeof S.ProjectParams>; Body: Static<typeof CreateSa> }>('/v1/projects/:project/serviceAccounts', { config: { permission: 'iam.serviceAccounts.create', idempotent: true }, schema: { tags, summary: 'Create a service account', params: S.ProjectParams, body: CreateSa, response: { 200: S.ServiceAccount } } },
    async (request) => iam.createServiceAccount(request.params.project, request.body));
  app.get<{ Params: Static<typeof S.ProjectParams>; Querystring: Static<typeof ListQuery> }>('/v1/projects/:project/serviceAccounts', { config: { permission: 'iam.serviceAccounts.list' }, schema: { tags, params: S.ProjectParams, querystring: ListQuery, response: { 200: Type.Object({ serviceAccounts: Type.Array(S.ServiceAccount), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => iam.listServiceAccounts(request.params.project, readPage(request.query)));
  app.get<{ Params: Static<typeof SaParams> }>('/v1/projects/:project/serviceAccounts/:serviceAccount', { config: { permission: 'iam.serviceAccounts.get' }, schema: { tags, params: SaParams, response: { 200: S.ServiceAccount } } },
    async (request) => iam.getServiceAccount(request.params.project, request.params.serviceAccount));
  app.delete<{ Params: Static<typeof SaParams> }>('/v1/projects/:project/serviceAccounts/:serviceAccount', { config: { permission: 'iam.serviceAccounts.delete' }, schema: { tags, summary: 'Delete a service account; its keys stop working', params: SaParams, response: { 200: Empty } } },
    async (request) => {
      await iam.deleteServiceAccount(request.params.project, request.params.serviceAccount, request.principalName);
      return {};
    });

  const saPrincipal = (p: { project: string; serviceAccount: string }) => serviceAccountPrincipal(p.serviceAccount, p.project);
  app.post<{ Params: Static<typeof SaParams>; Body: Static<typeof S.CreateKeyBody> }>('/v1/projects/:project/serviceAccounts/:serviceAccount/keys', { preValidation: emptyBodyIsEmptyObject, config: { permission: 'iam.serviceAccountKeys.create', secretResponse: true }, schema: { tags, summary: 'Create a service-account key (shown once)', params: SaParams, body: S.CreateKeyBody, response: { 200: S.CreatedKey } } },
    async (request) => iam.createKey(request.params.project, saPrincipal(request.params), { ...request.body, ttlSeconds: S.seconds(request.body?.ttl) }));
  app.get<{ Params: Static<typeof SaParams> }>('/v1/projects/:project/serviceAccounts/:serviceAccount/keys', { config: { permission: 'iam.serviceAccountKeys.list' }, schema: { tags, params: SaParams, response: { 200: Type.Object({ keys: Type.Array(S.KeyInfo) }) } } },
    async (request) => iam.listKeys(request.params.project, saPrincipal(request.params)));
  app.delete<{ Params: Static<typeof SaKeyParams>; Querystring: Static<typeof S.RevokeQuery> }>('/v1/projects/:project/serviceAccounts/:serviceAccount/keys/:keyId', { config: { permission: 'iam.serviceAccountKeys.delete' }, schema: { tags, summary: 'Revoke a key, now or after ?delay=3600s', params: SaKeyParams, querystring: S.RevokeQuery, response: { 200: S.KeyInfo } } },
    async (request) => iam.revokeKey(request.params.project, saPrincipal(request.params), request.params.keyId, S.seconds(request.query.delay)));
}
