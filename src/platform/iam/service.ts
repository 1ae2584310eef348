import type { Kysely, Transaction } from 'kysely';
import { cutPage, type PageRequest } from '../http/pagination.js';
import type { ProjectHold } from '../projects/index.js';
import { nowIso } from '../store/index.js';
import type { Authorizer } from './authorizer.js';
import * as errors from './errors.js';
import type { KeyVerifier } from './key-verifier.js';
import { generateKey, hashSecret, redactedKey } from './keys.js';
import { parsePrincipal, serviceAccountPrincipal, userPrincipal } from './principals.js';
import type { ResourceKinds } from './resource-kinds.js';
import type { RoleTable } from './roles.js';
import type { IamStore } from './store.js';
import { ORG, type ApiKeyRow, type BindingRow, type IamTables, type ServiceAccountRow, type UserRow } from './tables.js';

export interface User { name: string; principal: string; displayName: string; createTime: string }
export interface ServiceAccount { name: string; principal: string; project: string; serviceAccountId: string; displayName: string; description: string; createTime: string }
export interface ApiKeyInfo { keyId: string; principal: string; displayName: string; redactedKey: string; createTime: string; expireTime: string; revokeTime?: string; lastUseTime?: string; state: 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'REVOKING' }
export interface CreatedKey { key: string; keyId: string; expireTime: string; principal: string }
export interface Binding { principal: string; role: string; resource?: string; createTime: string }

/** The longest lifetime a key may ask for, matching the ceiling of --key-ttl-days. */
const MAX_KEY_LIFETIME_MS = 3650 * 86_400_000;

const toUser = (r: UserRow): User => ({ name: `users/${r.name}`, principal: userPrincipal(r.name), displayName: r.display_name, createTime: r.create_time });
const toServiceAccount = (r: ServiceAccountRow): ServiceAccount => ({
  name: `projects/${r.project}/serviceAccounts/${r.name}`,
  principal: serviceAccountPrincipal(r.name, r.project),
  project: r.project,
  serviceAccountId: r.name,
  displayName: r.display_name,
  description: r.description,
  createTime: r.create_time,
});
const toBinding = (r: BindingRow): Binding => ({ principal: r.principal, role: r.role, ...(r.resource ? { resource: r.resource } : {}), createTime: r.create_time });

function toKeyInfo(r: ApiKeyRow, now: string): ApiKeyInfo {
  const state = r.revoke_time !== null && r.revoke_time <= now ? 'REVOKED' : r.expire_time <= now ? 'EXPIRED' : r.revoke_time !== null ? 'REVOKING' : 'ACTIVE';
  return {
    keyId: r.key_id,
    principal: r.principal,
    displayName: r.display_name,
    redactedKey: redactedKey(r.key_id),
    createTime: r.create_time,
    expireTime: r.expire_time,
    ...(r.revoke_time ? { revokeTime: r.revoke_time } : {}),
    ...(r.last_used_time ? { lastUseTime: r.last_used_time } : {}),
    state,
  };
}

/** Options for a new key: a lifetime, or an absolute expiry. */
export interface KeyOptions { displayName?: string; expireTime?: string; ttlSeconds?: number }

/**
 * Users, service accounts, API keys and role bindings. Changes that affect
 * authentication or authorisation also clear this process's caches at once;
 * other processes see them within the cache TTL.
 */
export class IamService {
  constructor(
    private readonly store: IamStore,
    private readonly verifier: KeyVerifier,
    private readonly authorizer: Authorizer,
    private readonly pepper: string,
    private readonly defaultKeyTtlDays: number,
    /** Checks and holds the project inside the transaction that creates a service account or writes a binding there. */
    private readonly hold: ProjectHold,
    /** The app's roles: which a binding may name. */
    private readonly roles: RoleTable,
    /** The resource kinds a binding may name, with their existence checks. */
    private readonly resources: ResourceKinds,
    /** Tells other processes to drop a cached key or binding set. */
    private readonly notify: (change: { keyId?: string; principal?: string }) => void = () => undefined,
  ) {}

  // Users
  async createUser(name: string, displayName?: string): Promise<User> {
    const row = { name, display_name: displayName ?? name, create_time: nowIso() };
    if (!(await this.store.insertUser(row))) throw errors.USER_ALREADY_EXISTS({ user: name });
    return toUser(row);
  }
  async getUser(name: string): Promise<User> {
    const row = await this.store.getUser(name);
    if (!row) throw errors.USER_NOT_FOUND({ user: name });
    return toUser(row);
  }
  async listUsers(page: PageRequest): Promise<{ users: User[]; nextPageToken?: string }> {
    const { items, nextPageToken } = cutPage(await this.store.listUsers(page.pageSize + 1, page.after?.[0]), page.pageSize, (r) => [r.name]);
    return { users: items.map(toUser), ...(nextPageToken ? { nextPageToken } : {}) };
  }
  async deleteUser(name: string, caller: string): Promise<void> {
    const principal = userPrincipal(name);
    if (principal === caller) throw errors.CANNOT_DELETE_SELF();
    await this.forgetKeysOf(ORG, principal);
    if (!(await this.store.deletePrincipal(principal, { table: 'users', name }))) throw errors.USER_NOT_FOUND({ user: name });
    this.authorizer.invalidate(principal);
    this.notify({ principal });
  }

  // Service accounts
  async createServiceAccount(project: string, input: { name: string; displayName?: string; description?: string }): Promise<ServiceAccount> {
    const row = { project, name: input.name, display_name: input.displayName ?? input.name, description: input.description ?? '', create_time: nowIso() };
    // The hold and the insert share a transaction, so a concurrent project delete
    // either waits and counts this account or commits first and fails the hold.
    await this.store.db.transaction().execute(async (trx) => {
      await this.hold(project, trx);
      if (!(await this.store.insertServiceAccount(row, trx))) throw errors.SERVICE_ACCOUNT_ALREADY_EXISTS({ serviceAccount: serviceAccountPrincipal(input.name, project) });
    });
    return toServiceAccount(row);
  }
  async getServiceAccount(project: string, name: string): Promise<ServiceAccount> {
    const row = await this.store.getServiceAccount(project, name);
    if (!row) throw errors.SERVICE_ACCOUNT_NOT_FOUND({ serviceAccount: serviceAccountPrincipal(name, project) });
    return toServiceAccount(row);
  }
  async listServiceAccounts(project: string, page: PageRequest): Promise<{ serviceAccounts: ServiceAccount[]; nextPageToken?: string }> {
    const rows = await this.store.listServiceAccounts(project, page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.name]);
    return { serviceAccounts: items.map(toServiceAccount), ...(nextPageToken ? { nextPageToken } : {}) };
  }
  /** Deletes the account, its keys (they stop working) and every binding naming it, anywhere. */
  async deleteServiceAccount(project: string, name: string, caller: string): Promise<void> {
    const principal = serviceAccountPrincipal(name, project);
    if (principal === caller) throw errors.CANNOT_DELETE_SELF();
    await this.forgetKeysOf(project, principal);
    if (!(await this.store.deletePrincipal(principal, { table: 'service_accounts', project, name }))) {
      throw errors.SERVICE_ACCOUNT_NOT_FOUND({ serviceAccount: principal });
    }
    this.authorizer.invalidate(principal);
    this.notify({ principal });
  }
  /** Service accounts in the project, counted through `db` (the deleting transaction) when given. */
  countServiceAccounts(project: string, db?: Kysely<any>): Promise<number> {
    return this.store.countServiceAccounts(project, db);
  }

  // Keys. `project` is '' for a user's keys, the account's project for a service account's.
  async createKey(project: string, principal: string, options: KeyOptions = {}): Promise<CreatedKey> {
    await this.requirePrincipal(principal);
    const now = Date.now();
    let expire: number;
    if (options.expireTime !== undefined) {
      expire = Date.parse(options.expireTime);
      if (!Number.isFinite(expire)) throw errors.INVALID_EXPIRY({ problem: 'expireTime is not an RFC 3339 time' });
    } else {
      expire = now + (options.ttlSeconds !== undefined ? options.ttlSeconds * 1000 : this.defaultKeyTtlDays * 86_400_000);
    }
    if (expire <= now) throw errors.INVALID_EXPIRY({ problem: 'the expiry must be in the future' });
    if (expire > now + MAX_KEY_LIFETIME_MS) throw errors.INVALID_EXPIRY({ problem: 'a key may live at most 3650 days; rotate long-lived keys instead' });
    const { keyId, secret, token } = generateKey();
    const expireTime = new Date(expire).toISOString();
    await this.store.insertKey({
      key_id: keyId, project, principal, secret_hash: hashSecret(this.pepper, secret),
      display_name: options.displayName ?? '', create_time: new Date(now).toISOString(), expire_time: expireTime,
      revoke_time: null, last_used_time: null,
    });
    return { key: token, keyId, expireTime, principal };
  }
  async listKeys(project: string, principal: string): Promise<{ keys: ApiKeyInfo[] }> {
    await this.requirePrincipal(principal);
    await this.verifier.flushLastUsed();
    const now = nowIso();
    return { keys: (await this.store.listKeys(project, principal)).map((r) => toKeyInfo(r, now)) };
  }
  /** Revokes now, or after `delaySeconds` so an old and a new key overlap during rotation. */
  async revokeKey(project: string, principal: string, keyId: string, delaySeconds = 0): Promise<ApiKeyInfo> {
    const when = new Date(Date.now() + delaySeconds * 1000).toISOString();
    if (!(await this.store.revokeKey(project, principal, keyId, when))) throw errors.API_KEY_NOT_FOUND({ keyId, principal });
    this.verifier.invalidate(keyId);
    this.notify({ keyId });
    const row = (await this.store.getKey(keyId))!;
    return toKeyInfo(row, nowIso());
  }

  // Bindings
  /** Grants a role. A project that does not exist is PROJECT_NOT_FOUND, checked before whether the principal exists. */
  async addBinding(project: string, input: { principal: string; role: string; resource?: string }): Promise<Binding> {
    this.checkBinding(project, input);
    // Outside the transaction: a module's check reads through its own handle, which on SQLite
    // would wait for ever on the one connection the transaction holds.
    if (input.resource) await this.resources.check(project, input.resource);
    const row = { project, principal: input.principal, role: input.role, resource: input.resource ?? '', create_time: nowIso() };
    // The hold and the insert share a transaction, so a concurrent project delete either
    // waits and deletes this binding with the project, or commits first and fails the hold.
    await this.store.db.transaction().execute(async (trx) => {
      await this.holdProject(project, trx);
      await this.requirePrincipal(input.principal, trx);
      if (!(await this.store.insertBinding(row, trx))) throw errors.BINDING_ALREADY_EXISTS({ binding: describeBinding(input) });
    });
    this.authorizer.invalidate(input.principal);
    this.notify({ principal: input.principal });
    return toBinding(row);
  }
  async listBindings(project: string, filter: { principal?: string; role?: string }, page: PageRequest): Promise<{ bindings: Binding[]; nextPageToken?: string }> {
    const rows = await this.store.listBindings(project, filter, page.pageSize + 1, page.after);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.principal, r.role, r.resource]);
    return { bindings: items.map(toBinding), ...(nextPageToken ? { nextPageToken } : {}) };
  }
  async removeBinding(project: string, input: { principal: string; role: string; resource?: string }): Promise<void> {
    this.checkBinding(project, input);
    const binding = { project, principal: input.principal, role: input.role, resource: input.resource ?? '' };
    // Held like a grant, so a removal in a project that does not exist says so rather than BINDING_NOT_FOUND.
    const outcome = await this.store.db.transaction().execute(async (trx) => {
      await this.holdProject(project, trx);
      return this.store.deleteBinding(binding, trx);
    });
    if (outcome === 'missing') throw errors.BINDING_NOT_FOUND({ binding: describeBinding(input) });
    if (outcome === 'last-admin') throw errors.LAST_ADMIN_BINDING({ project: project === ORG ? '(the organisation: its last orgAdmin)' : project });
    this.authorizer.invalidate(input.principal);
    this.notify({ principal: input.principal });
  }
  /** Projects the principal may see in a list: all for orgAdmin, else those it has a binding in. */
  async visibleProjects(principal: string): Promise<string[] | 'all'> {
    if (await this.authorizer.isOrgAdmin(principal)) return 'all';
    return this.store.projectsOf(principal);
  }

  private checkBinding(project: string, input: { principal: string; role: string; resource?: string }): void {
    if (!parsePrincipal(input.principal)) throw errors.PRINCIPAL_INVALID({ principal: input.principal });
    if (project === ORG) {
      const roles = this.roles.organisationRoles();
      if (!roles.includes(input.role)) throw errors.ROLE_UNKNOWN({ role: input.role, roles: `${roles.join(', ')} (organisation roles; project roles are bound in a project)` });
      if (input.resource) throw errors.BINDING_RESOURCE_INVALID({ resource: input.resource, kinds: 'none at the organisation level' });
      return;
    }
    const roles = this.roles.bindableRoles();
    if (!roles.includes(input.role)) throw errors.ROLE_UNKNOWN({ role: input.role, roles: roles.join(', ') });
    if (input.resource !== undefined && input.resource !== '' && !/^[a-zA-Z]+\/[^/]+$/.test(input.resource)) {
      throw errors.BINDING_RESOURCE_INVALID({ resource: input.resource, kinds: this.resources.names().join(', ') });
    }
  }

  /** Holds a real project in `trx`; organisation-level bindings (ORG) have no project row to hold. */
  private async holdProject(project: string, trx: Transaction<IamTables>): Promise<void> {
    if (project !== ORG) await this.hold(project, trx);
  }

  /** Throws unless the principal exists; reads through `db` when given, as inside a transaction it must. */
  private async requirePrincipal(principal: string, db?: Transaction<IamTables>): Promise<void> {
    const p = parsePrincipal(principal);
    if (!p) throw errors.PRINCIPAL_INVALID({ principal });
    const exists = p.kind === 'user' ? await this.store.getUser(p.name, db) : await this.store.getServiceAccount(p.project, p.name, db);
    if (!exists) throw errors.PRINCIPAL_NOT_FOUND({ principal });
  }

  private async forgetKeysOf(project: string, principal: string): Promise<void> {
    for (const k of await this.store.listKeys(project, principal)) {
      this.verifier.invalidate(k.key_id);
      this.notify({ keyId: k.key_id });
    }
  }
}

function describeBinding(b: { principal: string; role: string; resource?: string }): string {
  return `${b.principal} as ${b.role}${b.resource ? ` on ${b.resource}` : ''}`;
}
