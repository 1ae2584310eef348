import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { decodeTime, monotonicFactory } from 'ulid';
import { RougeError, isValidBlobKey, nowIso, validateValue, type BlobStore, type JobContext, type JobDeclaration, type Jobs, type Operation } from '../platform/index.js';
import { checkCsvHeader, csvRecords, readCsvHeader } from './csv.js';
import * as errors from './errors.js';
import type { EventStore } from './event-store.js';
import { checkEvent, toEventRow } from './events.js';
import type { ChunkCounts, ImportStore } from './import-store.js';
import type { Db, ItemStore } from './item-store.js';
import { checkItem, toItemRow, type ItemInput } from './items.js';
import { ImportedItem } from './schemas.js';
import type { SearchIndex } from './search-index.js';
import { jsonlRecords, type SourceRecord } from './sources.js';
import type { CatalogTables, ItemRow, RejectionRow } from './tables.js';

export const ITEMS_IMPORT = 'catalog.items.import';
export const EVENTS_IMPORT = 'catalog.userEvents.import';
/** Where request bodies are staged for their import job: `catalog-imports/{project}/{ulid}.{format}`. */
const STAGING = 'catalog-imports/';
/** Where a project's files for `{"blobUri"}` imports live in the blob store. */
export const importArea = (project: string) => `imports/${project}/`;

/** Items an import must add before the store's statistics are refreshed (the search index's first build reads them all). */
const ANALYZE_AFTER = 10_000;

/** Rejected lines listed in an Operation's response; all of them stay counted. */
const LISTED_REJECTIONS = 1000;

export type ImportFormat = 'jsonl' | 'csv';

interface ImportPayload {
  blobKey: string;
  format: ImportFormat;
  /** The body was staged by Rouge, which deletes it once the import is done. */
  staged: boolean;
}

export interface ImportOptions {
  /** Largest import body, in bytes (larger files go through the blob store). */
  maxImportBytes: number;
  /** Records per transaction: the unit of progress and of resumption. */
  chunkSize: number;
  /** How long a worker's claim on an import lasts without renewal. */
  leaseMs: number;
}

/** What a finished import reports. */
export interface ImportResult {
  '@type': string;
  inserted?: number;
  updated?: number;
  written?: number;
  duplicates?: number;
  rejected: number;
  rejections: Array<{ line: number; reason: string; field?: string; message: string }>;
  rejectionsTruncated?: boolean;
}

/**
 * Imports of items and events: a body is staged to the blob store and the
 * work runs as a durable job, so a big file never blocks a request and a
 * killed process does not lose the import. Each chunk of records is written
 * in one transaction together with the import's progress row; a run that
 * starts again (the previous worker died) skips exactly the records that
 * progress row says are stored, so nothing is counted twice or lost.
 */
export class Importer {
  private readonly nextId = monotonicFactory();
  private readonly db: Kysely<CatalogTables>;

  constructor(
    private readonly deps: { blobs: BlobStore; jobs: Jobs; items: ItemStore; events: EventStore; imports: ImportStore; index: SearchIndex },
    private readonly options: ImportOptions,
  ) {
    this.db = deps.items.db;
  }

  /** Registers both import handlers on this process's worker. */
  /** The import job kinds, for the worker role. */
  jobs(): JobDeclaration[] {
    return [
      { kind: ITEMS_IMPORT, handler: (payload, ctx) => this.run(payload as ImportPayload, ctx, 'items'), leaseMs: this.options.leaseMs, concurrency: 2 },
      { kind: EVENTS_IMPORT, handler: (payload, ctx) => this.run(payload as ImportPayload, ctx, 'events'), leaseMs: this.options.leaseMs, concurrency: 2 },
    ];
  }

  /**
   * Stages a request body in the blob store under a name of its own (a ULID,
   * which also dates it for the sweep), hashing it on the way: two requests
   * never share a staged body, whatever their Idempotency-Keys.
   */
  async stage(project: string, body: Readable, format: ImportFormat): Promise<{ key: string; sha256: string }> {
    const key = `${STAGING}${project}/${this.nextId()}.${format}`;
    try {
      const info = await this.deps.blobs.put(key, body, { maxBytes: this.options.maxImportBytes, contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
      return { key, sha256: info.sha256 };
    } catch (e) {
      if (e instanceof RougeError && e.reason === 'BLOB_TOO_LARGE') throw errors.IMPORT_TOO_LARGE({ limit: this.options.maxImportBytes });
      throw e;
    }
  }

  /**
   * The blob key a `blobUri` names. Only files under the project's import area
   * (`imports/{project}/`) are read: the blob store also holds other projects'
   * files, staged request bodies and model artifacts, and a caller with
   * import rights in one project must not read any of those through an import
   * (nor see their first line in a rejection).
   */
  async resolveBlobUri(project: string, uri: string): Promise<string> {
    const prefix = this.deps.blobs.uri('x').slice(0, -1);
    let key = '';
    if (uri.startsWith(prefix)) {
      try {
        key = decodeURIComponent(uri.slice(prefix.length));
      } catch {
        key = '';
      }
    }
    if (!key || !isValidBlobKey(key)) throw errors.BLOB_URI_INVALID({ uri, store: this.deps.blobs.description });
    const area = importArea(project);
    if (!key.startsWith(area) || key.split('/').includes('..')) throw errors.BLOB_URI_OUTSIDE_PROJECT({ uri, area: `${prefix}${area}` });
    if (!(await this.deps.blobs.head(key))) throw errors.IMPORT_SOURCE_NOT_FOUND({ uri });
    return key;
  }

  /**
   * Checks what can be checked at once (a CSV header), then enqueues the
   * import and returns its Operation. With an Idempotency-Key, the same key
   * and the same request (kind, format, and body hash or source) return the
   * first Operation; the same key with another request is
   * IDEMPOTENCY_KEY_REUSED, concurrent requests included (the job's unique
   * key decides). A staged body that no new job will read is deleted at once.
   */
  async enqueue(project: string, what: 'items' | 'events', source: { blobKey: string; staged: false } | { blobKey: string; staged: true; sha256: string }, format: ImportFormat, idempotencyKey?: string, createdBy?: string): Promise<Operation> {
    const { blobKey, staged } = source;
    const drop = () => (staged ? this.deps.blobs.delete(blobKey).catch(() => undefined) : Promise.resolve());
    if (format === 'csv') {
      try {
        checkCsvHeader(await readCsvHeader((await this.deps.blobs.get(blobKey)).body));
      } catch (e) {
        await drop();
        throw e;
      }
    }
    const payload: ImportPayload = { blobKey, format, staged };
    const requestHash = createHash('sha256').update(`${what}\n${format}\n${source.staged ? `body:${source.sha256}` : `blob:${blobKey}`}`).digest('base64url');
    try {
      const { operation, created } = await this.deps.jobs.enqueueJob(project, what === 'items' ? ITEMS_IMPORT : EVENTS_IMPORT, payload, { ...(idempotencyKey ? { idempotencyKey, requestHash } : {}), ...(createdBy ? { createdBy } : {}) });
      if (!created) await drop(); // the first request's job reads its own copy
      return operation;
    } catch (e) {
      await drop();
      throw e;
    }
  }

  /**
   * Deletes staged bodies no queued or running import will read: those of
   * imports that ended (a success deletes its own; a failure, a cancel or a
   * process that died between staging and enqueueing leave theirs). Bodies
   * younger than `graceMs` are left: their job may not be enqueued yet.
   */
  async sweepStaged(graceMs: number, now = Date.now()): Promise<number> {
    const needed = new Set((await this.deps.jobs.openPayloads([ITEMS_IMPORT, EVENTS_IMPORT])).map((p) => (p as ImportPayload).blobKey));
    let removed = 0;
    let after: string | undefined;
    for (;;) {
      const keys = await this.deps.blobs.list(STAGING, { limit: 1000, ...(after ? { after } : {}) });
      if (keys.length === 0) return removed;
      for (const key of keys) {
        const name = key.slice(key.lastIndexOf('/') + 1).split('.')[0]!;
        let made: number;
        try {
          made = decodeTime(name);
        } catch {
          made = 0; // not a name Rouge gave: old enough to go
        }
        if (now - made < graceMs || needed.has(key)) continue;
        await this.deps.blobs.delete(key).catch(() => undefined);
        removed++;
      }
      after = keys.at(-1);
    }
  }

  private async run(payload: ImportPayload, ctx: JobContext, what: 'items' | 'events'): Promise<ImportResult> {
    const { project, id: operation } = ctx;
    const progress = await this.deps.imports.start(project, operation, nowIso());
    let done = progress.records_done;
    const totals = { inserted: progress.inserted, updated: progress.updated, duplicates: progress.duplicates, rejected: progress.rejected };
    if (!(await this.deps.blobs.head(payload.blobKey))) {
      // A finished import whose success was not recorded (the worker died) has deleted its staged body.
      if (payload.staged && done > 0) return this.result(project, operation, what);
      throw errors.IMPORT_SOURCE_NOT_FOUND({ uri: this.deps.blobs.uri(payload.blobKey) });
    }
    try {
      return await this.read(payload, ctx, what, done, totals);
    } catch (e) {
      // The last attempt failed: the Operation ends here, and so does the staged body.
      if (payload.staged && ctx.attempt >= ctx.maxAttempts) await this.deps.blobs.delete(payload.blobKey).catch(() => undefined);
      throw e;
    }
  }

  private async read(payload: ImportPayload, ctx: JobContext, what: 'items' | 'events', done: number, totals: Omit<ChunkCounts, 'records'>): Promise<ImportResult> {
    const { project, id: operation } = ctx;
    const body = (await this.deps.blobs.get(payload.blobKey)).body;
    const records = payload.format === 'csv' ? csvRecords(body) : jsonlRecords(body);
    let seen = 0;
    let chunk: SourceRecord[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('import stopped');
      const records = chunk;
      chunk = [];
      const { counts, ids } = await this.db.transaction().execute(async (trx) => {
        const out = what === 'items' ? await this.writeItems(project, operation, records, trx) : await this.writeEvents(project, operation, records, trx);
        if (!(await this.deps.imports.advance(project, operation, done, out.counts, out.rejections, nowIso(), trx))) {
          throw new Error('another run of this import recorded progress first; this run stops');
        }
        return out;
      });
      done += counts.records;
      totals.inserted += counts.inserted;
      totals.updated += counts.updated;
      totals.duplicates += counts.duplicates;
      totals.rejected += counts.rejected;
      if (ids.length > 0) await this.deps.index.signal({ project, ids }).catch(() => undefined);
      await ctx.progress({ recordsDone: done, ...(what === 'items' ? { inserted: totals.inserted, updated: totals.updated } : { written: totals.inserted, duplicates: totals.duplicates }), rejected: totals.rejected });
    };
    try {
      for await (const record of records) {
        if (seen++ < done) continue; // stored by an earlier run of this Operation
        chunk.push(record);
        if (chunk.length >= this.options.chunkSize) await flush();
      }
      await flush();
    } finally {
      body.destroy();
    }
    if (payload.staged) await this.deps.blobs.delete(payload.blobKey).catch(() => undefined);
    if (what === 'items' && totals.inserted >= ANALYZE_AFTER) await this.deps.items.refreshStatistics().catch(() => undefined);
    return this.result(project, operation, what);
  }

  private async writeItems(project: string, operation: string, records: SourceRecord[], trx: Db) {
    const rejections: RejectionRow[] = [];
    const rows = new Map<string, ItemRow>();
    let repeated = 0;
    const now = nowIso();
    for (const r of records) {
      try {
        if (r.error) throw r.error;
        const input = validateValue<ItemInput>(ImportedItem, r.value, 'body');
        checkItem(input, '');
        // The same id twice in a chunk: the later line wins and counts as an update.
        if (rows.has(input.id)) repeated++;
        rows.set(input.id, toItemRow(project, input, now));
      } catch (e) {
        rejections.push(rejectionOf(project, operation, r.line, e));
      }
    }
    const { inserted, updated } = await this.deps.items.upsertMany(project, [...rows.values()], trx);
    const counts: ChunkCounts = { records: records.length, inserted, updated: updated + repeated, duplicates: 0, rejected: rejections.length };
    return { counts, rejections, ids: [...rows.keys()] };
  }

  private async writeEvents(project: string, operation: string, records: SourceRecord[], trx: Db) {
    const rejections: RejectionRow[] = [];
    const rows = [];
    const now = Date.now();
    const ingest = nowIso();
    for (const r of records) {
      try {
        if (r.error) throw r.error;
        rows.push(toEventRow(project, checkEvent(r.value, 'body', now), ingest));
      } catch (e) {
        rejections.push(rejectionOf(project, operation, r.line, e));
      }
    }
    const written = await this.deps.events.insert(project, rows, trx);
    const counts: ChunkCounts = { records: records.length, inserted: written, updated: 0, duplicates: rows.length - written, rejected: rejections.length };
    return { counts, rejections, ids: [] as string[] };
  }

  private async result(project: string, operation: string, what: 'items' | 'events'): Promise<ImportResult> {
    const row = (await this.deps.imports.get(project, operation))!;
    const listed = await this.deps.imports.rejections(project, operation, LISTED_REJECTIONS);
    return {
      '@type': what === 'items' ? 'type.googleapis.com/rouge.catalog.ImportItemsResponse' : 'type.googleapis.com/rouge.catalog.ImportUserEventsResponse',
      ...(what === 'items' ? { inserted: row.inserted, updated: row.updated } : { written: row.inserted, duplicates: row.duplicates }),
      rejected: row.rejected,
      rejections: listed.map((r) => ({ line: r.line, reason: r.reason, ...(r.field ? { field: r.field } : {}), message: r.message })),
      ...(row.rejected > listed.length ? { rejectionsTruncated: true } : {}),
    };
  }
}

function rejectionOf(project: string, operation: string, line: number, e: unknown): RejectionRow {
  if (!(e instanceof RougeError)) throw e;
  const field = e.fieldViolations[0]?.field;
  return { project, operation, line, reason: e.reason, field: field && field !== 'body' ? field : null, message: e.message };
}
