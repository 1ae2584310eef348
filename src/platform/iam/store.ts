import type { Kysely, Transaction } from 'kysely';
import { dialectOf, isUniqueViolation, type Store } from '../store/index.js';
import { ORG } from './tables.js';
import type { ApiKeyRow, BindingRow, IamTables, ServiceAccountRow, UserRow } from './tables.js';

type Db = Kysely<IamTables> | Transaction<IamTables>;

/** Inserts a row; false when its key exists. */
async function insertUnique(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

/**
 * Data access for principals, keys and bindings. Project-scoped tables are
 * always queried with their project; org-level rows use the empty project.
 */
export class IamStore {
  readonly db: Kysely<IamTables>;
  constructor(store: Store) {
    this.db = store.typed<IamTables>();
  }

  // Users (organisation level)
  insertUser(row: UserRow): Promise<boolean> {
    return insertUnique(() => this.db.insertInto('users').values(row).execute());
  }
  /** Reads through `db` when given (a binding's transaction checks its principal in it). */
  getUser(name: string, db: Db = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
  }
  listUsers(limit: number, after?: string): Promise<UserRow[]> {
    let q = this.db.selectFrom('users').selectAll().orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return q.execute();
  }

  // Service accounts (project level)
  /** Inserts (in the caller's transaction when given); false when the name is taken in the project. */
  insertServiceAccount(row: ServiceAccountRow, db: Db = this.db): Promise<boolean> {
    return insertUnique(() => db.insertInto('service_accounts').values(row).execute());
  }
  /** Reads through `db` when given (a binding's transaction checks its principal in it). */
  getServiceAccount(project: string, name: string, db: Db = this.db): Promise<ServiceAccountRow | undefined> {
    return db.selectFrom('service_accounts').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
  }
  listServiceAccounts(project: string, limit: number, after?: string): Promise<ServiceAccountRow[]> {
    let q = this.db.selectFrom('service_accounts').selectAll().where('project', '=', project).orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return q.execute();
  }
  /** Counts through `db` when given: project deletion counts inside its own transaction. */
  async countServiceAccounts(project: string, db: Db = this.db): Promise<number> {
    const r = await db.selectFrom('service_accounts').select((eb) => eb.fn.countAll<number>().as('n')).where('project', '=', project).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Deletes a principal with its keys and every binding naming it, in one transaction. */
  async deletePrincipal(principal: string, row: { table: 'users'; name: string } | { table: 'service_accounts'; project: string; name: string }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const res =
        row.table === 'users'
          ? await trx.deleteFrom('users').where('name', '=', row.name).executeTakeFirst()
          : await trx.deleteFrom('service_accounts').where('project', '=', row.project).where('name', '=', row.name).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) return false;
      await trx.deleteFrom('api_keys').where('principal', '=', principal).execute();
      await trx.deleteFrom('role_bindings').where('principal', '=', principal).execute();
      return true;
    });
  }

  // API keys
  insertKey(row: ApiKeyRow, db: Db = this.db): Promise<boolean> {
    return insertUnique(() => db.insertInto('api_keys').values(row).execute());
  }
  getKey(keyId: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
  }
  listKeys(project: string, principal: string): Promise<ApiKeyRow[]> {
    return this.db.selectFrom('api_keys').selectAll().where('project', '=', project).where('principal', '=', principal).orderBy('create_time').orderBy('key_id').execute();
  }
  /**
   * Sets the key's revocation time, never later than one already set:
   * revocation is final, so a second revoke (with a delay, by anyone) can bring
   * a revocation forward but never take it back or push it later.
   */
  async revokeKey(project: string, principal: string, keyId: string, revokeTime: string): Promise<boolean> {
    const res = await this.db
      .updateTable('api_keys')
      .set((eb) => ({ revoke_time: eb.case().when('revoke_time', 'is', null).then(revokeTime).when('revoke_time', '>', revokeTime).then(revokeTime).else(eb.ref('revoke_time')).end() }))
      .where('project', '=', project).where('principal', '=', principal).where('key_id', '=', keyId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
  /** Writes last-use times collected since the previous flush. */
  async touchKeys(lastUsed: Map<string, string>): Promise<void> {
    for (const [keyId, time] of lastUsed) {
      await this.db.updateTable('api_keys').set({ last_used_time: time }).where('key_id', '=', keyId).execute();
    }
  }

  // Role bindings
  /** Inserts (in the caller's transaction when given); false when the binding exists. */
  insertBinding(row: BindingRow, db: Db = this.db): Promise<boolean> {
    return insertUnique(() => db.insertInto('role_bindings').values(row).execute());
  }
  /** Bindings of one principal in one project (or org-level with ''), for authorisation. */
  bindingsOf(principal: string, project: string): Promise<BindingRow[]> {
    return this.db.selectFrom('role_bindings').selectAll().where('principal', '=', principal).where('project', '=', project).execute();
  }
  /** Projects where the principal holds any binding. */
  async projectsOf(principal: string): Promise<string[]> {
    const rows = await this.db.selectFrom('role_bindings').select('project').distinct().where('principal', '=', principal).where('project', '!=', '').execute();
    return rows.map((r) => r.project);
  }
  listBindings(project: string, filter: { principal?: string; role?: string }, limit: number, after?: string[]): Promise<BindingRow[]> {
    let q = this.db.selectFrom('role_bindings').selectAll().where('project', '=', project);
    if (filter.principal) q = q.where('principal', '=', filter.principal);
    if (filter.role) q = q.where('role', '=', filter.role);
    if (after) {
      const [p, r, res] = after;
      q = q.where((eb) =>
        eb.or([
          eb('principal', '>', p!),
          eb.and([eb('principal', '=', p!), eb('role', '>', r!)]),
          eb.and([eb('principal', '=', p!), eb('role', '=', r!), eb('resource', '>', res ?? '')]),
        ]),
      );
    }
    return q.orderBy('principal').orderBy('role').orderBy('resource').limit(limit).execute();
  }
  /**
   * Deletes a binding unless it is the project's last admin binding. Runs in
   * the caller's transaction, so the count and the delete are one step and two
   * removals cannot both pass (the caller holds the project in it too).
   */
  async deleteBinding(b: Omit<BindingRow, 'create_time'>, trx: Transaction<IamTables>): Promise<'deleted' | 'missing' | 'last-admin'> {
    const existing = await trx
      .selectFrom('role_bindings').select('role')
      .where('project', '=', b.project).where('principal', '=', b.principal).where('role', '=', b.role).where('resource', '=', b.resource)
      .executeTakeFirst();
    if (!existing) return 'missing';
    // A project keeps one admin, and the organisation one orgAdmin.
    const keeper = b.project === ORG ? 'orgAdmin' : 'admin';
    if (b.role === keeper && b.resource === '') {
      // FOR UPDATE locks the project's admin rows on PostgreSQL; SQLite already serialises writers.
      const q = trx.selectFrom('role_bindings').select('principal').where('project', '=', b.project).where('role', '=', keeper).where('resource', '=', '');
      const admins = await (dialectOf(this.db) === 'postgres' ? q.forUpdate() : q).execute();
      if (admins.length <= 1) return 'last-admin';
    }
    await trx.deleteFrom('role_bindings')
      .where('project', '=', b.project).where('principal', '=', b.principal).where('role', '=', b.role).where('resource', '=', b.resource)
      .execute();
    return 'deleted';
  }
  /** Removes every binding in a project (the project is being deleted). */
  async deleteProjectBindings(project: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('role_bindings').where('project', '=', project).execute();
  }
}
