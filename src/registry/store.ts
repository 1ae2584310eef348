import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation, type Dialect, type Store } from '../platform/index.js';
import type { AliasRow, ModelRow, RegistryTables, VersionRow } from './tables.js';

type Db = Kysely<RegistryTables> | Transaction<RegistryTables>;

/** Data access for models, versions, aliases and pending uploads; every query takes the project. */
export class RegistryStore {
  readonly db: Kysely<RegistryTables>;
  private readonly dialect: Dialect;
  constructor(store: Store) {
    this.db = store.typed<RegistryTables>();
    this.dialect = store.dialect;
  }

  async insertModel(row: ModelRow, db: Db = this.db): Promise<boolean> {
    try {
      await db.insertInto('models').values(row).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
  getModel(project: string, name: string, db: Db = this.db): Promise<ModelRow | undefined> {
    return db.selectFrom('models').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
  }
  listModels(project: string, limit: number, after?: string): Promise<ModelRow[]> {
    let q = this.db.selectFrom('models').selectAll().where('project', '=', project).orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return q.execute();
  }
  async updateModel(project: string, name: string, set: Partial<Pick<ModelRow, 'display_name' | 'description' | 'labels' | 'update_time'>>): Promise<boolean> {
    const r = await this.db.updateTable('models').set(set).where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  /**
   * Locks the model's row until the transaction ends, so the changes that
   * must see a model's versions and aliases whole (an upload, an alias move,
   * a version delete) run one at a time per model. Every such transaction
   * takes this lock first, so they cannot deadlock on each other's alias
   * rows. On SQLite transactions never interleave and FOR UPDATE does not
   * exist: the read alone suffices. False when the model does not exist.
   */
  async lockModel(project: string, name: string, db: Transaction<RegistryTables>): Promise<boolean> {
    let q = db.selectFrom('models').select('name').where('project', '=', project).where('name', '=', name);
    if (this.dialect === 'postgres') q = q.forUpdate();
    return (await q.executeTakeFirst()) !== undefined;
  }
  async deleteModel(project: string, name: string, db: Transaction<RegistryTables>): Promise<void> {
    await this.lockModel(project, name, db);
    await db.deleteFrom('model_aliases').where('project', '=', project).where('model', '=', name).execute();
    await db.deleteFrom('model_versions').where('project', '=', project).where('model', '=', name).execute();
    await db.deleteFrom('models').where('project', '=', project).where('name', '=', name).execute();
  }
  async countModels(project: string, db: Db = this.db): Promise<number> {
    const r = await db.selectFrom('models').select((eb) => eb.fn.countAll<number>().as('n')).where('project', '=', project).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Takes the model's next version number, inside the transaction that writes
   * the version: one UPDATE ... RETURNING, which also locks the model's row
   * (see lockModel), so two uploads never get the same number and a number
   * whose version was deleted is never given out again. Undefined when the
   * model does not exist (it was deleted after the upload began).
   */
  async nextVersion(project: string, model: string, db: Transaction<RegistryTables>): Promise<number | undefined> {
    const r = await db.updateTable('models')
      .set((eb) => ({ last_version: eb('last_version', '+', 1) }))
      .where('project', '=', project).where('name', '=', model)
      .returning('last_version')
      .executeTakeFirst();
    return r === undefined ? undefined : Number(r.last_version);
  }
  async insertVersion(row: VersionRow, db: Db): Promise<void> {
    await db.insertInto('model_versions').values(row).execute();
  }
  getVersion(project: string, model: string, version: number, db: Db = this.db): Promise<VersionRow | undefined> {
    return db.selectFrom('model_versions').selectAll().where('project', '=', project).where('model', '=', model).where('version', '=', version).executeTakeFirst();
  }
  listVersions(project: string, model: string, limit: number, after?: number): Promise<VersionRow[]> {
    let q = this.db.selectFrom('model_versions').selectAll().where('project', '=', project).where('model', '=', model).orderBy('version').limit(limit);
    if (after !== undefined) q = q.where('version', '>', after);
    return q.execute();
  }
  async deleteVersion(project: string, model: string, version: number, db: Db): Promise<void> {
    await db.deleteFrom('model_aliases').where('project', '=', project).where('model', '=', model).where('version', '=', version).execute();
    await db.deleteFrom('model_versions').where('project', '=', project).where('model', '=', model).where('version', '=', version).execute();
  }
  versionsOf(project: string, model: string, db: Db = this.db): Promise<Array<Pick<VersionRow, 'version' | 'artifact_key'>>> {
    return db.selectFrom('model_versions').select(['version', 'artifact_key']).where('project', '=', project).where('model', '=', model).execute();
  }

  aliasesOf(project: string, model: string, db: Db = this.db): Promise<AliasRow[]> {
    return db.selectFrom('model_aliases').selectAll().where('project', '=', project).where('model', '=', model).orderBy('alias').execute();
  }
  async aliasVersion(project: string, model: string, alias: string, db: Db = this.db): Promise<number | undefined> {
    const r = await db.selectFrom('model_aliases').select('version').where('project', '=', project).where('model', '=', model).where('alias', '=', alias).executeTakeFirst();
    return r?.version;
  }
  /** Points an alias at a version, moving it if it sat elsewhere: one upsert, so concurrent moves leave exactly one holder. */
  async setAlias(project: string, model: string, alias: string, version: number, now: string, db: Db): Promise<void> {
    await db.insertInto('model_aliases').values({ project, model, alias, version, update_time: now })
      .onConflict((oc) => oc.columns(['project', 'model', 'alias']).doUpdateSet({ version, update_time: now }))
      .execute();
  }
  async removeAlias(project: string, model: string, alias: string, version: number, db: Db): Promise<void> {
    await db.deleteFrom('model_aliases').where('project', '=', project).where('model', '=', model).where('alias', '=', alias).where('version', '=', version).execute();
  }

  async recordUpload(row: RegistryTables['model_uploads']): Promise<void> {
    await this.db.insertInto('model_uploads').values(row).execute();
  }
  async forgetUpload(project: string, uploadId: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('model_uploads').where('project', '=', project).where('upload_id', '=', uploadId).execute();
  }
  /** Uploads older than the cutoff that never became a version (across projects: a sweep). */
  staleUploads(before: string, limit: number): Promise<RegistryTables['model_uploads'][]> {
    return this.db.selectFrom('model_uploads').selectAll().where('create_time', '<', before).orderBy('create_time').limit(limit).execute();
  }
}
