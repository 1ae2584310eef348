import type { Kysely } from 'kysely';
import type { BlobStore, EventOutbox, PageRequest, ProjectHold } from '../platform/index.js';
import { cutPage, nowIso } from '../platform/index.js';
import * as errors from './errors.js';
import { checkLabels } from './names.js';
import type { RegistryStore } from './store.js';
import { toModel, type Model } from './views.js';
import type { DeployedCheck } from './version-service.js';
import type { Transaction } from 'kysely';
import type { RegistryTables } from './tables.js';

export interface CreateModel {
  name: string;
  displayName?: string;
  description?: string;
  labels?: Record<string, string>;
}

/** Models: named containers of versions. */
export class ModelService {
  constructor(
    private readonly store: RegistryStore,
    private readonly blobs: BlobStore,
    private readonly outbox: EventOutbox,
    private readonly deployed: () => readonly DeployedCheck[],
    /** Checks and holds the model's project inside the transaction that creates it. */
    private readonly hold: ProjectHold,
  ) {}

  async create(project: string, input: CreateModel): Promise<Model> {
    const now = nowIso();
    const row = { project, name: input.name, display_name: input.displayName ?? input.name, description: input.description ?? '', labels: JSON.stringify(checkLabels(input.labels)), create_time: now, update_time: now, last_version: 0 };
    const model = toModel(row);
    await this.outbox.transaction(async (trx: Transaction<RegistryTables>, emit) => {
      // Held in this transaction, a concurrent project delete either waits and counts this model or fails the hold.
      await this.hold(project, trx);
      if (!(await this.store.insertModel(row, trx))) throw errors.MODEL_ALREADY_EXISTS({ model: model.name });
      emit(project, { type: 'rouge.model.created', subject: `models/${input.name}`, data: model });
    });
    return model;
  }

  async get(project: string, name: string): Promise<Model> {
    const row = await this.store.getModel(project, name);
    if (!row) throw errors.MODEL_NOT_FOUND({ model: `projects/${project}/models/${name}` });
    return toModel(row);
  }

  async list(project: string, page: PageRequest): Promise<{ models: Model[]; nextPageToken?: string }> {
    const { items, nextPageToken } = cutPage(await this.store.listModels(project, page.pageSize + 1, page.after?.[0]), page.pageSize, (r) => [r.name]);
    return { models: items.map(toModel), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  /** Changes the fields named in `updateMask` (all given fields when it is empty). */
  async update(project: string, name: string, patch: Partial<Pick<CreateModel, 'displayName' | 'description' | 'labels'>>, updateMask: string[]): Promise<Model> {
    const mask = updateMask.length > 0 ? new Set(updateMask) : new Set(Object.keys(patch));
    const set: Record<string, string> = { update_time: nowIso() };
    if (mask.has('displayName') && patch.displayName !== undefined) set.display_name = patch.displayName;
    if (mask.has('description') && patch.description !== undefined) set.description = patch.description;
    if (mask.has('labels')) set.labels = JSON.stringify(checkLabels(patch.labels ?? {}));
    if (!(await this.store.updateModel(project, name, set))) throw errors.MODEL_NOT_FOUND({ model: `projects/${project}/models/${name}` });
    return this.get(project, name);
  }

  /** Deletes the model with all its versions and their artifacts; refused while a version is deployed. */
  async delete(project: string, name: string): Promise<void> {
    await this.get(project, name);
    const versions = await this.store.versionsOf(project, name);
    for (const check of this.deployed()) {
      for (const v of versions) {
        const where = await check(project, name, v.version);
        if (where.length > 0) throw errors.VERSION_DEPLOYED({ ref: `${name}@${v.version}`, endpoints: where.join(', ') });
      }
    }
    await this.outbox.transaction(async (trx: Transaction<RegistryTables>, emit) => {
      await this.store.deleteModel(project, name, trx);
      emit(project, { type: 'rouge.model.deleted', subject: `models/${name}`, data: { name: `projects/${project}/models/${name}` } });
    });
    for (const v of versions) if (v.artifact_key) await this.blobs.delete(v.artifact_key).catch(() => undefined);
  }

  /** Models in the project, counted through `db` (the deleting transaction) when given. */
  count(project: string, db?: Kysely<any>): Promise<number> {
    return this.store.countModels(project, db);
  }
}
