/**
 * The one table of roles and their permissions. A permission is
 * `service.resource.verb`; a route declares the one it needs, and a role is
 * the set below. Later modules add their permissions here, never to the check.
 */

export type RoleName = 'viewer' | 'editor' | 'admin' | 'predictor' | 'ingestor' | 'orgAdmin';

/** Roles that can be bound on a project or a resource in it. */
export const PROJECT_ROLES: readonly RoleName[] = ['viewer', 'editor', 'admin', 'predictor', 'ingestor'];

/** A route that needs a valid key but no role: `whoami`, and lists filtered to what the caller may see. */
export const AUTHENTICATED = 'authenticated';

const VIEWER = [
  'resourcemanager.projects.get',
  'platform.operations.get',
  'platform.operations.list',
  'platform.cloudEvents.list',
  'iam.serviceAccounts.get',
  'iam.serviceAccounts.list',
  'iam.bindings.list',
];

const EDITOR = [...VIEWER, 'platform.operations.cancel'];

const ADMIN = [
  ...EDITOR,
  'iam.serviceAccounts.create',
  'iam.serviceAccounts.delete',
  'iam.serviceAccountKeys.create',
  'iam.serviceAccountKeys.list',
  'iam.serviceAccountKeys.delete',
  'iam.bindings.create',
  'iam.bindings.delete',
  'iam.auditLog.list',
];

const PREDICTOR: string[] = [];
const INGESTOR: string[] = [];

/** Organisation-level permissions: only `orgAdmin` holds them. */
const ORG = [
  'resourcemanager.projects.create',
  'resourcemanager.projects.delete',
  'iam.users.create',
  'iam.users.get',
  'iam.users.list',
  'iam.users.delete',
  'iam.userKeys.create',
  'iam.userKeys.list',
  'iam.userKeys.delete',
  'iam.orgAuditLog.list',
];

/** Role -> permissions. `orgAdmin` holds every permission, organisation-wide. */
export const ROLE_PERMISSIONS: Record<RoleName, ReadonlySet<string>> = {
  viewer: new Set(VIEWER),
  editor: new Set(EDITOR),
  admin: new Set(ADMIN),
  predictor: new Set(PREDICTOR),
  ingestor: new Set(INGESTOR),
  orgAdmin: new Set([...ADMIN, ...ORG]),
};

/**
 * Adds permissions to roles. Modules call this from their index at import
 * time, so the table stays the single source while each module owns its lines.
 *
 * @example
 * grantPermissions({ viewer: ['registry.models.get'], editor: ['registry.models.create'] });
 */
export function grantPermissions(grants: Partial<Record<RoleName, string[]>>): void {
  // Editor inherits viewer, admin inherits editor; orgAdmin inherits everything.
  const inherit: Record<RoleName, RoleName[]> = {
    viewer: ['viewer', 'editor', 'admin', 'orgAdmin'],
    editor: ['editor', 'admin', 'orgAdmin'],
    admin: ['admin', 'orgAdmin'],
    predictor: ['predictor', 'orgAdmin'],
    ingestor: ['ingestor', 'orgAdmin'],
    orgAdmin: ['orgAdmin'],
  };
  for (const [role, perms] of Object.entries(grants) as Array<[RoleName, string[]]>) {
    for (const target of inherit[role]) for (const p of perms) (ROLE_PERMISSIONS[target] as Set<string>).add(p);
  }
}

/** True when the role grants the permission. */
export function roleGrants(role: string, permission: string): boolean {
  return ROLE_PERMISSIONS[role as RoleName]?.has(permission) ?? false;
}

/** The project roles that grant a permission, for error messages that say whom to ask for what. */
export function rolesGranting(permission: string): RoleName[] {
  return PROJECT_ROLES.filter((r) => ROLE_PERMISSIONS[r].has(permission));
}
