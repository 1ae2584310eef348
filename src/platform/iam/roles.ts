/**
 * Roles and their permissions. A permission is `service.resource.verb`; a
 * route declares the one it needs, and a role is a set of them. The platform
 * defines the base roles below; modules add permissions to them and define
 * roles of their own through their `RougeModule` declaration, and the app
 * builds one `RoleTable` from all of it. Nothing is granted at import.
 */
import type { RoleDefinition } from '../modules/module.js';

/** The platform's role names; modules may add more. */
export type RoleName = 'viewer' | 'editor' | 'admin' | 'predictor' | 'ingestor' | 'orgAdmin';

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
  'platform.applyRecords.get',
];

const ADMIN = [
  'iam.serviceAccounts.create',
  'iam.serviceAccounts.delete',
  'iam.serviceAccountKeys.create',
  'iam.serviceAccountKeys.list',
  'iam.serviceAccountKeys.delete',
  'iam.bindings.create',
  'iam.bindings.delete',
  'iam.auditLog.list',
  'platform.applyRecords.update',
];

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
  'iam.orgBindings.create',
  'iam.orgBindings.list',
  'iam.orgBindings.delete',
  'platform.metrics.get',
];

/** The platform's roles, before any module adds to them. */
export const PLATFORM_ROLES: readonly RoleDefinition[] = [
  { name: 'viewer', description: 'reads a project and its resources', permissions: VIEWER },
  { name: 'editor', description: 'viewer, plus creates and changes resources', inherits: ['viewer'], permissions: ['platform.operations.cancel'] },
  { name: 'admin', description: 'editor, plus service accounts, keys, bindings and the audit log', inherits: ['editor'], permissions: ADMIN },
  { name: 'predictor', description: 'calls the data plane only (predictions, recommendations)' },
  { name: 'ingestor', description: 'writes catalogue items and user events only' },
  { name: 'orgAdmin', description: 'every permission, organisation-wide; bound at the organisation, not in a project', permissions: ORG, scope: 'organisation' },
  { name: 'metricsViewer', description: 'reads /metrics (every project\'s request and model counters): for a Prometheus scraper\'s service account', permissions: ['platform.metrics.get'], scope: 'organisation' },
];

/**
 * The role table of one app: every role with the permissions it holds,
 * inherited ones included. Built once from the platform's roles and the
 * modules' declarations; an unknown inherited role or a grant to an unknown
 * role is a programming error and throws at build time.
 */
export class RoleTable {
  private readonly held = new Map<string, ReadonlySet<string>>();
  private readonly bindable: string[] = [];
  private readonly orgRoles: string[] = [];
  private readonly descriptions = new Map<string, string>();

  /**
   * @param definitions every role (the platform's first), in any order
   * @param grants extra permissions per role, from modules' `permissions`
   */
  constructor(definitions: readonly RoleDefinition[], grants: ReadonlyArray<Readonly<Record<string, readonly string[]>>> = []) {
    const own = new Map<string, Set<string>>();
    const inherits = new Map<string, readonly string[]>();
    for (const d of definitions) {
      if (own.has(d.name)) throw new Error(`role ${d.name} is defined twice`);
      own.set(d.name, new Set(d.permissions ?? []));
      inherits.set(d.name, d.inherits ?? []);
      this.descriptions.set(d.name, d.description);
      if (d.scope === 'organisation') this.orgRoles.push(d.name);
      else this.bindable.push(d.name);
    }
    for (const g of grants) {
      for (const [role, perms] of Object.entries(g)) {
        const set = own.get(role);
        if (!set) throw new Error(`permissions granted to unknown role ${role}`);
        for (const p of perms) set.add(p);
      }
    }
    const resolve = (name: string, seen: string[]): Set<string> => {
      if (seen.includes(name)) throw new Error(`roles inherit in a cycle: ${[...seen, name].join(' -> ')}`);
      const base = own.get(name);
      if (!base) throw new Error(`role ${seen.at(-1)} inherits unknown role ${name}`);
      const out = new Set(base);
      for (const parent of inherits.get(name) ?? []) for (const p of resolve(parent, [...seen, name])) out.add(p);
      return out;
    };
    const all = new Set<string>();
    for (const name of own.keys()) {
      const perms = resolve(name, []);
      this.held.set(name, perms);
      for (const p of perms) all.add(p);
    }
    // orgAdmin holds everything any role holds, so a module's new permission needs no extra line.
    if (this.held.has('orgAdmin')) this.held.set('orgAdmin', all);
  }

  /** True when the role grants the permission. */
  grants(role: string, permission: string): boolean {
    return this.held.get(role)?.has(permission) ?? false;
  }

  /** The roles a project binding may name. */
  bindableRoles(): readonly string[] {
    return this.bindable;
  }

  /** The roles an organisation binding may name (`orgAdmin`, `metricsViewer`). */
  organisationRoles(): readonly string[] {
    return this.orgRoles;
  }

  /** The bindable roles that grant a permission, for messages that say whom to ask for what. */
  rolesGranting(permission: string): string[] {
    return this.bindable.filter((r) => this.grants(r, permission));
  }

  /** The organisation roles that grant a permission (for organisation-level routes' messages). */
  organisationRolesGranting(permission: string): string[] {
    return this.orgRoles.filter((r) => r !== 'orgAdmin' && this.grants(r, permission));
  }

  /** Every role with its description and permissions, for docs and `GET /v1/roles`. */
  describe(): Array<{ name: string; description: string; scope: 'project' | 'organisation'; permissions: string[] }> {
    return [...this.held.entries()].map(([name, perms]) => ({
      name,
      description: this.descriptions.get(name) ?? '',
      scope: this.orgRoles.includes(name) ? 'organisation' : 'project',
      permissions: [...perms].sort(),
    }));
  }
}
