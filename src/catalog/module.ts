import { Counter } from 'prom-client';
import type { RougeModule } from '../platform/index.js';
import type { EventService } from './event-service.js';
import { createCatalog } from './catalog.js';
import type { ItemService } from './item-service.js';
import type { CategoryMatchResult, QueryCacheStats } from './query-cache.js';
import type { EventsFileCounts } from './events-file.js';
import type { UserEvent } from './events.js';
import { catalogMigrations } from './migrations.js';
import { EVENT_SINKS } from './event-sinks.js';

/** How often a worker looks for staged import bodies no import needs, and how old they must be. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;
const SWEEP_GRACE_MS = 10 * 60 * 1000;

/** What other modules get from the catalog. */
export interface CatalogFace {
  items: ItemService;
  events: EventService;
  /** Deletes staged import bodies no open import will read, older than `graceMs` (the worker runs it every 10 minutes). */
  sweepStagedImports(graceMs: number): Promise<number>;
  /**
   * The categories a query matches, best first (the same match
   * `catalog:search` makes, without its items), from a per-process cache of
   * 50,000 answers that the catalogue's change signals invalidate in every
   * process. A hit costs a few microseconds, a miss a search (3-4 ms of CPU
   * on 100,000 items). The answer is frozen: copy it to change it.
   *
   * @example
   * const { matched, categories } = await catalog.matchCategories('shop', 'red lipstick');
   * const allowed = new Set(categories.map((c) => c.path.join(' > ')));
   */
  matchCategories(project: string, query: string): Promise<CategoryMatchResult>;
  /** The query cache's hits and misses since start, and the answers it holds, for benchmarks and metrics. */
  queryCacheStats(): QueryCacheStats;
  /**
   * The valid events of a JSONL file (an export) under the project's import
   * area, streamed; refused lines are counted in `counts` and skipped. A URI
   * outside that area is BLOB_URI_OUTSIDE_PROJECT, a missing file IMPORT_SOURCE_NOT_FOUND.
   */
  readEventsFile(project: string, blobUri: string, counts: EventsFileCounts): AsyncGenerator<UserEvent>;
  /** Checks, before a job is queued, that a URI names a file `readEventsFile` may read (its errors, at once). */
  checkImportUri(project: string, blobUri: string): Promise<void>;
}

/**
 * The catalog as a module: management routes on `api`; the storefront's
 * `catalog:search` and `userEvents:write` on `inference`, whose processes also
 * build the search indexes at start; imports on `worker`.
 */
export const catalogModule: RougeModule<CatalogFace> = {
  name: 'catalog',
  migrations: catalogMigrations,
  permissions: {
    viewer: ['catalog.items.get', 'catalog.items.list', 'catalog.categories.list', 'catalog.search', 'catalog.synonyms.get'],
    // Events name shoppers, so reading them back in bulk is an editor's right, not every viewer's.
    editor: ['catalog.items.update', 'catalog.items.delete', 'catalog.items.import', 'catalog.synonyms.update', 'catalog.userEvents.write', 'catalog.userEvents.import', 'catalog.userEvents.export'],
    ingestor: ['catalog.items.get', 'catalog.items.update', 'catalog.items.delete', 'catalog.items.import', 'catalog.userEvents.write', 'catalog.userEvents.import'],
    predictor: ['catalog.search'],
  },
  async setup(ctx) {
    const catalog = await createCatalog({ store: ctx.store, blobs: ctx.blobs, outbox: ctx.outbox, cache: ctx.cache, jobs: ctx.jobs, log: ctx.log, hold: ctx.hold, sinks: () => ctx.contributions(EVENT_SINKS) });
    let sweep: NodeJS.Timeout | undefined;
    // Read at scrape time from the cache's own counters: nothing is added to the lookup's path.
    new Counter({
      name: 'rouge_catalog_query_cache_total', help: 'Query-to-category lookups (matchCategories) answered from the cache (hit) or by a search (miss), since start',
      labelNames: ['result'], registers: [ctx.metrics],
      collect() {
        const { hits, misses } = catalog.queryCacheStats();
        this.reset();
        this.inc({ result: 'hit' }, hits);
        this.inc({ result: 'miss' }, misses);
      },
    });
    return {
      face: {
        items: catalog.items,
        events: catalog.events,
        sweepStagedImports: (graceMs) => catalog.sweepStaged(graceMs),
        matchCategories: (project, query) => catalog.matchCategories(project, query),
        readEventsFile: (project, blobUri, counts) => catalog.readEventsFile(project, blobUri, counts),
        checkImportUri: async (project, blobUri) => {
          await catalog.resolveImportUri(project, blobUri);
        },
        queryCacheStats: () => catalog.queryCacheStats(),
      },
      routes: { api: catalog.registerRoutes, inference: catalog.registerDataRoutes },
      jobs: catalog.jobs,
      // Items and events do not block a delete: the project's deletion removes them, and every
      // catalog write holds its project, so one racing the delete is removed with it or refused.
      deleteProject: (project, trx) => catalog.deleteProject(project, trx),
      // Search is served on inference: build its indexes there, in slices between requests.
      start: () => {
        if (ctx.roles.has('inference')) catalog.warmSearch();
        if (ctx.worker) {
          // Staged bodies of imports that ended without deleting theirs (failed, cancelled, or never enqueued).
          const run = () => void catalog.sweepStaged(SWEEP_GRACE_MS).catch((err: unknown) => ctx.log.warn({ err }, 'sweeping staged imports failed'));
          run();
          sweep = setInterval(run, SWEEP_EVERY_MS);
          sweep.unref();
        }
      },
      close: async () => {
        if (sweep) clearInterval(sweep);
        await catalog.close();
      },
    };
  },
};
