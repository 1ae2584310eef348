import * as errors from './errors.js';
import type { RoleTable } from './roles.js';
import type { IamStore } from './store.js';
import type { BindingRow } from './tables.js';
import { ORG } from './tables.js';
import { TtlCache } from './ttl-cache.js';

/**
 * Decides whether a principal holds a permission on a project or a resource in
 * it, from its bindings: org-level `orgAdmin` grants everything; a project
 * binding covers the project's resources; a resource binding covers only that
 * resource (GCP's inheritance downward). Bindings are cached like keys.
 */
export class Authorizer {
  private readonly cache: TtlCache<BindingRow[]>;
  constructor(private readonly store: IamStore, cacheTtlMs: number, private readonly roles: RoleTable) {
    this.cache = new TtlCache(cacheTtlMs);
  }

  private async bindings(principal: string, project: string, now: number): Promise<BindingRow[]> {
    const key = `${principal}\u0000${project}`;
    let rows = this.cache.get(key, now);
    if (!rows) {
      rows = await this.store.bindingsOf(principal, project);
      this.cache.set(key, rows, now);
    }
    return rows;
  }

  /** True when the principal holds the role orgAdmin. */
  async isOrgAdmin(principal: string, now = Date.now()): Promise<boolean> {
    return (await this.bindings(principal, ORG, now)).some((b) => b.role === 'orgAdmin');
  }

  /** Resolves when allowed; throws PERMISSION_DENIED naming the permission and the roles that grant it. */
  async check(principal: string, permission: string, project: string, resource: string, now = Date.now()): Promise<void> {
    const org = await this.bindings(principal, ORG, now);
    const rows = project === ORG ? [] : await this.bindings(principal, project, now);
    this.decide(org, rows, principal, permission, project, resource);
  }

  /**
   * The same decision without a promise when the bindings it needs are cached:
   * true when allowed, undefined when they must be read from the store; throws
   * PERMISSION_DENIED as `check` does.
   */
  checkCached(principal: string, permission: string, project: string, resource: string, now = Date.now()): true | undefined {
    const org = this.cache.get(`${principal}\u0000${ORG}`, now);
    if (!org) return undefined;
    // orgAdmin needs no project lookup (nor a cached miss for it).
    if (org.some((b) => this.roles.grants(b.role, permission))) return true;
    const rows = project === ORG ? [] : this.cache.get(`${principal}\u0000${project}`, now);
    if (!rows) return undefined;
    this.decide(org, rows, principal, permission, project, resource);
    return true;
  }

  private decide(org: BindingRow[], rows: BindingRow[], principal: string, permission: string, project: string, resource: string): void {
    if (org.some((b) => this.roles.grants(b.role, permission))) return;
    if (rows.some((b) => (b.resource === '' || b.resource === resource) && this.roles.grants(b.role, permission))) return;
    const target = project === ORG ? 'the organisation' : `projects/${project}${resource ? `/${resource}` : ''}`;
    const organisation = project === ORG;
    const roles = (organisation ? this.roles.organisationRolesGranting(permission) : this.roles.rolesGranting(permission)).join(' or ');
    throw errors.PERMISSION_DENIED({ principal, permission, resource: target, roles, organisation }, { metadata: { principal, permission, resource: target } });
  }

  /** Forgets a principal's cached bindings in this process. */
  invalidate(principal: string): void {
    this.cache.deletePrefix(`${principal}\u0000`);
  }
}
