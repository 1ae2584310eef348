import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { monotonicFactory } from 'ulid';
import { BlobErrors, HashingCounter, PlatformErrors, cutPage, nowIso, type BlobStore, type Emit, type EventOutbox, type PageRequest } from '../platform/index.js';
import * as errors from './errors.js';
import type { Frameworks } from './frameworks.js';
import { checkAlias, checkLabels, parseVersionRef, type VersionRef } from './names.js';
import type { RegistryStore } from './store.js';
import type { VersionRow } from './tables.js';
import { toVersion, type ModelVersion } from './views.js';
import { toResolved, type ResolvedVersion } from './resolved.js';
import type { Transaction } from 'kysely';
import type { RegistryTables } from './tables.js';

/** Largest `lineage` a version may carry, as JSON. */
const MAX_LINEAGE_BYTES = 16 * 1024;

/** Where a version is deployed (endpoint names); serving registers one. Empty when nowhere. */
export type DeployedCheck = (project: string, model: string, version: number) => Promise<string[]>;

/** The `metadata` part of an upload. */
export interface VersionMetadata {
  framework: string;
  aliases?: string[];
  metrics?: Record<string, number>;
  labels?: Record<string, string>;
  description?: string;
  lineage?: { operation?: string; pipelineRun?: string; parentVersion?: number; [k: string]: unknown };
  sha256?: string;
  spec?: unknown;
}

/**
 * Versions: immutable once written, numbered 1, 2, 3 per model from a
 * per-model counter (a deleted version's number is never given out again);
 * aliases that move atomically; `default` always on exactly one version.
 * Every change to a model's versions or aliases locks the model's row first
 * (RegistryStore.lockModel), so they run one at a time per model. Artifacts stream
 * through a local temporary file (hashed and size-checked on the way, so the
 * runtime can inspect them) into the blob store, and the version row, its
 * aliases and its events are written in one transaction afterwards. A blob
 * whose row never got written is recorded in `model_uploads` and swept.
 */
export class VersionService {
  private readonly nextUploadId = monotonicFactory();

  constructor(
    private readonly store: RegistryStore,
    private readonly blobs: BlobStore,
    private readonly outbox: EventOutbox,
    private readonly options: { tmpDir: string; maxArtifactBytes: number },
    private readonly deployed: () => readonly DeployedCheck[],
    private readonly frameworks: Frameworks,
  ) {}

  async create(project: string, model: string, meta: VersionMetadata, artifact: Readable | undefined, createdBy: string): Promise<ModelVersion> {
    const framework = this.frameworks.get(meta.framework);
    for (const a of meta.aliases ?? []) checkAlias(a);
    const labels = checkLabels(meta.labels);
    if (!(await this.store.getModel(project, model))) throw errors.MODEL_NOT_FOUND({ model: `projects/${project}/models/${model}` });
    await this.checkParent(project, model, meta.lineage?.parentVersion);
    // Lineage is a record of where a version came from, not a place to store data (900 KB was accepted).
    const lineageBytes = Buffer.byteLength(JSON.stringify(meta.lineage ?? {}));
    if (lineageBytes > MAX_LINEAGE_BYTES) {
      throw PlatformErrors.INVALID_FIELD({ message: `Invalid metadata.lineage: it is ${lineageBytes} bytes as JSON; the limit is ${MAX_LINEAGE_BYTES}. Keep ids and links there, and the data elsewhere.` }, { fieldViolations: [{ field: 'metadata.lineage', description: 'too large' }] });
    }

    let spec: Record<string, unknown> | null = null;
    let signature: unknown = null;
    let inspectedMetadata: Record<string, unknown> | null = null;
    let blob: { key: string; uri: string; sha256: string; size: number } | undefined;
    let uploadId: string | undefined;
    if (framework.artifact === 'none') {
      if (artifact) throw errors.ARTIFACT_UNEXPECTED({ framework: framework.name });
      spec = framework.validateSpec!(meta.spec);
    } else {
      if (!artifact) throw errors.ARTIFACT_REQUIRED({ framework: framework.name });
      uploadId = this.nextUploadId();
      const staged = await this.stage(artifact, meta.sha256);
      try {
        const inspected = framework.inspect ? await framework.inspect(staged.path) : {};
        signature = inspected.signature ?? null;
        inspectedMetadata = inspected.metadata ?? null;
        const key = `models/${project}/${model}/${uploadId}/artifact${framework.extension ? `.${framework.extension}` : ''}`;
        await this.store.recordUpload({ project, upload_id: uploadId, model, blob_key: key, create_time: nowIso() });
        const info = await this.blobs.put(key, createReadStream(staged.path), { ifNoneMatch: true });
        blob = { key, uri: this.blobs.uri(key), sha256: info.sha256, size: info.size };
      } finally {
        await rm(staged.path, { force: true });
      }
    }

    const now = nowIso();
    try {
      const row = await this.outbox.transaction(async (db: Transaction<RegistryTables>, emit) => {
        const version = await this.store.nextVersion(project, model, db);
        if (version === undefined) throw errors.MODEL_NOT_FOUND({ model: `projects/${project}/models/${model}` });
        const row: VersionRow = {
          project, model, version, framework: framework.name, description: meta.description ?? '', labels: JSON.stringify(labels),
          metrics: JSON.stringify(meta.metrics ?? {}), lineage: JSON.stringify({ ...(meta.lineage ?? {}), createdBy }),
          signature: signature ? JSON.stringify(signature) : null, metadata: inspectedMetadata ? JSON.stringify(inspectedMetadata) : null, spec: spec ? JSON.stringify(spec) : null,
          artifact_uri: blob?.uri ?? null, artifact_key: blob?.key ?? null, artifact_sha256: blob?.sha256 ?? null, artifact_size: blob?.size ?? null,
          created_by: createdBy, create_time: now,
        };
        await this.store.insertVersion(row, db);
        const aliases = new Set(meta.aliases ?? []);
        if (version === 1) aliases.add('default');
        for (const alias of aliases) await this.moveAlias(project, model, alias, version, now, db, emit);
        if (uploadId) await this.store.forgetUpload(project, uploadId, db);
        emit(project, { type: 'rouge.model.version.created', subject: `models/${model}/versions/${version}`, data: { name: `projects/${project}/models/${model}/versions/${version}`, framework: framework.name, aliases: [...aliases], createdBy } });
        return row;
      });
      return toVersion(row, await this.store.aliasesOf(project, model));
    } catch (e) {
      if (blob) {
        await this.blobs.delete(blob.key).catch(() => undefined);
        await this.store.forgetUpload(project, uploadId!).catch(() => undefined);
      }
      throw e;
    }
  }

  /**
   * Lineage may name the version this one was retrained from; it must be a
   * version of the same model, or the lineage would point nowhere from the
   * start. Checked once, before the artifact is read: a parent deleted later
   * stays in the lineage as history.
   */
  private async checkParent(project: string, model: string, parent: number | undefined): Promise<void> {
    if (parent === undefined || (await this.store.getVersion(project, model, parent))) return;
    throw errors.PARENT_VERSION_NOT_FOUND({ model: `projects/${project}/models/${model}`, version: parent }, {
      fieldViolations: [{ field: 'metadata.lineage.parentVersion', description: `no version ${parent} in ${model}` }],
    });
  }

  /**
   * Deletes staged upload files older than `olderThanMs`: a process killed
   * mid-upload (kill -9) leaves its file behind, and three such kills once left
   * 480 MB. Run at start; a live upload's file is younger than any sensible age.
   */
  async cleanStaleUploads(olderThanMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.options.tmpDir);
    } catch {
      return 0; // no staging directory yet
    }
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of names) {
      if (!name.startsWith('upload-')) continue;
      const path = join(this.options.tmpDir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < cutoff) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Streams the artifact to a private temporary file, hashing and counting it. */
  private async stage(artifact: Readable, declaredSha256: string | undefined): Promise<{ path: string; sha256: string; size: number }> {
    await mkdir(this.options.tmpDir, { recursive: true, mode: 0o700 });
    const path = join(this.options.tmpDir, `upload-${randomUUID()}`);
    const counter = new HashingCounter('artifact', this.options.maxArtifactBytes);
    try {
      await pipeline(artifact, counter, createWriteStream(path, { mode: 0o600 }));
    } catch (e) {
      await rm(path, { force: true });
      if ((e as { reason?: string }).reason === BlobErrors.BLOB_TOO_LARGE.reason || (e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw errors.ARTIFACT_TOO_LARGE({ limit: this.options.maxArtifactBytes });
      }
      throw e;
    }
    const sha256 = counter.sha256();
    if (declaredSha256 && declaredSha256.toLowerCase() !== sha256) {
      await rm(path, { force: true });
      throw errors.ARTIFACT_SHA256_MISMATCH({ declared: declaredSha256, actual: sha256 });
    }
    return { path, sha256, size: counter.bytes };
  }

  private async moveAlias(project: string, model: string, alias: string, version: number, now: string, db: Transaction<RegistryTables>, emit: Emit): Promise<void> {
    const from = await this.store.aliasVersion(project, model, alias, db);
    if (from === version) return;
    await this.store.setAlias(project, model, alias, version, now, db);
    emit(project, { type: 'rouge.model.alias.moved', subject: `models/${model}`, data: { model: `projects/${project}/models/${model}`, alias, fromVersionId: from === undefined ? null : String(from), toVersionId: String(version) } });
  }

  /** Resolves `3` or an alias to a version number; MODEL_VERSION_NOT_FOUND otherwise. */
  async resolve(project: string, model: string, ref: VersionRef | string, db?: Transaction<RegistryTables>): Promise<number> {
    const r = typeof ref === 'string' ? parseVersionRef(ref) : ref;
    const label = `projects/${project}/models/${model}@${'version' in r ? r.version : r.alias}`;
    const version = 'version' in r ? r.version : await this.store.aliasVersion(project, model, r.alias, db);
    if (version === undefined || !(await this.store.getVersion(project, model, version, db))) {
      // A missing model is the more useful answer than a missing version of it (`nope@default`).
      if (!(await this.store.getModel(project, model, db))) throw errors.MODEL_NOT_FOUND({ model: `projects/${project}/models/${model}` });
      throw errors.MODEL_VERSION_NOT_FOUND({ ref: label });
    }
    return version;
  }

  async get(project: string, model: string, ref: VersionRef | string): Promise<ModelVersion> {
    const version = await this.resolve(project, model, ref);
    const row = (await this.store.getVersion(project, model, version))!;
    return toVersion(row, await this.store.aliasesOf(project, model));
  }

  /** The version a reference names now (`3`, `champion`), as runtimes need it; MODEL_VERSION_NOT_FOUND otherwise. */
  async resolveVersion(project: string, model: string, ref: VersionRef | string): Promise<ResolvedVersion> {
    const version = await this.resolve(project, model, ref);
    return toResolved((await this.store.getVersion(project, model, version))!);
  }

  async list(project: string, model: string, page: PageRequest): Promise<{ versions: ModelVersion[]; nextPageToken?: string }> {
    if (!(await this.store.getModel(project, model))) throw errors.MODEL_NOT_FOUND({ model: `projects/${project}/models/${model}` });
    const rows = await this.store.listVersions(project, model, page.pageSize + 1, page.after ? Number(page.after[0]) : undefined);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [String(r.version)]);
    const aliases = await this.store.aliasesOf(project, model);
    return { versions: items.map((r) => toVersion(r, aliases)), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  /**
   * The version of a model whose lineage names a pipeline step (its
   * `pipelineRun`), if one was registered: how a step run again finds what
   * an earlier attempt registered instead of registering a second. No model yet is none.
   */
  async findByPipelineRun(project: string, model: string, pipelineRun: string): Promise<ModelVersion | undefined> {
    if (!(await this.store.getModel(project, model))) return undefined;
    let after: string[] | undefined;
    do {
      const page = await this.list(project, model, { pageSize: 500, after });
      const found = page.versions.find((v) => (v.lineage as { pipelineRun?: string }).pipelineRun === pipelineRun);
      if (found) return found;
      after = page.nextPageToken ? [page.versions[page.versions.length - 1]!.versionId] : undefined;
    } while (after);
    return undefined;
  }

  /**
   * Vertex's MergeVersionAliases: `champion` puts (or moves) an alias on this
   * version, `-old` removes it from this version; `default` can move but never
   * be removed. All in one transaction.
   */
  async mergeAliases(project: string, model: string, ref: string, changes: string[]): Promise<ModelVersion> {
    for (const c of changes) checkAlias(c.startsWith('-') ? c.slice(1) : c);
    if (changes.includes('-default')) throw errors.ALIAS_DEFAULT_REQUIRED({ model: `projects/${project}/models/${model}` });
    const now = nowIso();
    const version = await this.outbox.transaction(async (db: Transaction<RegistryTables>, emit) => {
      // Serialised with deletes: a version resolved here cannot vanish before `default` lands on it.
      await this.store.lockModel(project, model, db);
      const version = await this.resolve(project, model, ref, db);
      for (const c of changes) {
        if (c.startsWith('-')) {
          const alias = c.slice(1);
          if ((await this.store.aliasVersion(project, model, alias, db)) !== version) continue;
          await this.store.removeAlias(project, model, alias, version, db);
          emit(project, { type: 'rouge.model.alias.moved', subject: `models/${model}`, data: { model: `projects/${project}/models/${model}`, alias, fromVersionId: String(version), toVersionId: null } });
        } else {
          await this.moveAlias(project, model, c, version, now, db, emit);
        }
      }
      return version;
    });
    // By number: the alias used as `ref` may itself have just moved away.
    return this.get(project, model, String(version));
  }

  /** Deletes a version and its artifact; refused for the holder of `default` and while deployed. */
  async delete(project: string, model: string, ref: string): Promise<void> {
    const version = await this.resolve(project, model, ref);
    const label = `projects/${project}/models/${model}@${version}`;
    for (const check of this.deployed()) {
      const where = await check(project, model, version);
      if (where.length > 0) throw errors.VERSION_DEPLOYED({ ref: label, endpoints: where.join(', ') });
    }
    const row = await this.outbox.transaction(async (db: Transaction<RegistryTables>, emit) => {
      // Under read committed, checking `default` and then deleting the alias
      // rows let a concurrent move of `default` onto this version land in
      // between, and the delete took `default` with it. With the model's row
      // locked, the moves wait for this transaction (or this waits for them,
      // and then sees where `default` went).
      await this.store.lockModel(project, model, db);
      const row = await this.store.getVersion(project, model, version, db);
      if (!row) throw errors.MODEL_VERSION_NOT_FOUND({ ref: label });
      if ((await this.store.aliasVersion(project, model, 'default', db)) === version) throw errors.VERSION_HOLDS_DEFAULT({ ref: label });
      await this.store.deleteVersion(project, model, version, db);
      emit(project, { type: 'rouge.model.version.deleted', subject: `models/${model}/versions/${version}`, data: { name: `projects/${project}/models/${model}/versions/${version}` } });
      return row;
    });
    if (row.artifact_key) await this.blobs.delete(row.artifact_key).catch(() => undefined);
  }

  /** Opens the artifact for download. */
  async artifact(project: string, model: string, ref: string): Promise<{ body: Readable; size: number; sha256: string; filename: string }> {
    const v = await this.resolveVersion(project, model, ref);
    if (!v.artifact) throw errors.VERSION_HAS_NO_ARTIFACT({ ref: `projects/${project}/models/${model}@${v.version}`, framework: v.framework });
    const { body, size } = await this.blobs.get(v.artifact.key);
    const ext = this.frameworks.get(v.framework).extension;
    return { body, size, sha256: v.artifact.sha256, filename: `${model}-${v.version}${ext ? `.${ext}` : ''}` };
  }

  /** Deletes blobs of uploads that never became versions (the process died in between). */
  async sweepUploads(olderThanMs: number): Promise<number> {
    const stale = await this.store.staleUploads(new Date(Date.now() - olderThanMs).toISOString(), 100);
    for (const u of stale) {
      await this.blobs.delete(u.blob_key).catch(() => undefined);
      await this.store.forgetUpload(u.project, u.upload_id);
    }
    return stale.length;
  }
}
