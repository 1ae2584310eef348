/**
 * IAM: principals (users, service accounts), API keys, role bindings,
 * authentication and authorisation on every route, rate limits, audit log.
 */
export { createIam } from './iam.js';
export type { Iam } from './iam.js';
export { iamMigration } from './migrations.js';
export { auditCountMigration } from './tables.js';
export { RoleTable, PLATFORM_ROLES, AUTHENTICATED } from './roles.js';
export { ResourceKinds } from './resource-kinds.js';
export type { RoleName } from './roles.js';
export { parsePrincipal, userPrincipal, serviceAccountPrincipal } from './principals.js';
export type { Principal } from './principals.js';
export { IamService } from './service.js';
export type { User, ServiceAccount, ApiKeyInfo, CreatedKey, Binding } from './service.js';
export { parseKey, generateKey, hashSecret } from './keys.js';
export * as IamErrors from './errors.js';
