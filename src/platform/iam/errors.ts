import { defineError } from '../errors/index.js';

export const KEY_INVALID = defineError('KEY_INVALID', 401, 'UNAUTHENTICATED', (p: { why: string }) =>
  `${p.why}; send Authorization: Bearer rk_<keyId>_<secret> with a key from "rouge keys create" or POST .../keys.`);
export const BASIC_CREDENTIALS_INVALID = defineError('BASIC_CREDENTIALS_INVALID', 401, 'UNAUTHENTICATED', () =>
  'The Basic credentials are not a valid token for this route (revoked, or never issued); create one (for a feed: rouge feeds tokens create), or send Authorization: Bearer with an API key.');
export const KEY_EXPIRED = defineError('KEY_EXPIRED', 401, 'UNAUTHENTICATED', (p: { keyId: string; expireTime: string }) =>
  `API key ${p.keyId} expired at ${p.expireTime}; create a new key.`);
export const KEY_REVOKED = defineError('KEY_REVOKED', 401, 'UNAUTHENTICATED', (p: { keyId: string }) =>
  `API key ${p.keyId} has been revoked; create a new key.`);
export const PERMISSION_DENIED = defineError('PERMISSION_DENIED', 403, 'PERMISSION_DENIED', (p: { principal: string; permission: string; resource: string; roles: string; organisation?: boolean }) =>
  `${p.principal} lacks permission ${p.permission} on ${p.resource}; ${p.roles ? `ask ${p.organisation ? 'an organisation' : 'a project'} admin for a binding with role ${p.roles}` : 'only an organisation admin may do this'}.`);
export const USER_NOT_FOUND = defineError('USER_NOT_FOUND', 404, 'NOT_FOUND', (p: { user: string }) =>
  `User ${p.user} does not exist; list users with GET /v1/users.`);
export const USER_ALREADY_EXISTS = defineError('USER_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { user: string }) =>
  `User ${p.user} already exists.`);
export const SERVICE_ACCOUNT_NOT_FOUND = defineError('SERVICE_ACCOUNT_NOT_FOUND', 404, 'NOT_FOUND', (p: { serviceAccount: string }) =>
  `Service account ${p.serviceAccount} does not exist; list them with GET /v1/projects/{project}/serviceAccounts.`);
export const SERVICE_ACCOUNT_ALREADY_EXISTS = defineError('SERVICE_ACCOUNT_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { serviceAccount: string }) =>
  `Service account ${p.serviceAccount} already exists.`);
export const API_KEY_NOT_FOUND = defineError('API_KEY_NOT_FOUND', 404, 'NOT_FOUND', (p: { keyId: string; principal: string }) =>
  `${p.principal} has no API key ${p.keyId}; list its keys to find the keyId.`);
export const PRINCIPAL_NOT_FOUND = defineError('PRINCIPAL_NOT_FOUND', 400, 'INVALID_ARGUMENT', (p: { principal: string }) =>
  `Principal ${p.principal} does not exist; create the user or service account first (principals look like user:alice or serviceAccount:web@storefront).`);
export const PRINCIPAL_INVALID = defineError('PRINCIPAL_INVALID', 400, 'INVALID_ARGUMENT', (p: { principal: string }) =>
  `${JSON.stringify(p.principal)} is not a principal; use user:{name} or serviceAccount:{name}@{project}.`);
export const ROLE_UNKNOWN = defineError('ROLE_UNKNOWN', 400, 'INVALID_ARGUMENT', (p: { role: string; roles: string }) =>
  `Role ${JSON.stringify(p.role)} cannot be bound in a project; use one of ${p.roles}.`);
export const BINDING_NOT_FOUND = defineError('BINDING_NOT_FOUND', 404, 'NOT_FOUND', (p: { binding: string }) =>
  `No binding ${p.binding}; list bindings with GET /v1/projects/{project}/bindings.`);
export const BINDING_ALREADY_EXISTS = defineError('BINDING_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { binding: string }) =>
  `Binding ${p.binding} already exists.`);
export const LAST_ADMIN_BINDING = defineError('LAST_ADMIN_BINDING', 400, 'FAILED_PRECONDITION', (p: { project: string }) =>
  `This is the last admin binding of project ${p.project}; add another admin before removing it.`);
export const INVALID_EXPIRY = defineError('INVALID_EXPIRY', 400, 'INVALID_ARGUMENT', (p: { problem: string }) =>
  `Invalid key expiry: ${p.problem}.`);
export const CANNOT_DELETE_SELF = defineError('CANNOT_DELETE_SELF', 400, 'FAILED_PRECONDITION', () =>
  'You cannot delete the principal you are signed in as; use another admin.');
export const BINDING_RESOURCE_INVALID = defineError('BINDING_RESOURCE_INVALID', 400, 'INVALID_ARGUMENT', (p: { resource: string; kinds: string }) =>
  `${JSON.stringify(p.resource)} is not a resource a binding can name; use one of ${p.kinds}, or leave resource out to bind on the whole project.`);
export const BINDING_RESOURCE_NOT_FOUND = defineError('BINDING_RESOURCE_NOT_FOUND', 404, 'NOT_FOUND', (p: { resource: string }) =>
  `${p.resource} does not exist, so no binding can name it; create it first, or check the name.`);
