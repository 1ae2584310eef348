import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { BlobStore, Cache, EventOutbox, JobDeclaration, Jobs, ProjectHold, Store } from '../platform/index.js';
import { readEventsFile, type EventsFileCounts } from './events-file.js';
import type { UserEvent } from './events.js';
import { EventService } from './event-service.js';
import type { EventSink } from './event-sinks.js';
import { EventStore } from './event-store.js';
import { ImportStore } from './import-store.js';
import { Importer } from './imports.js';
import { ItemService } from './item-service.js';
import { ItemStore, type Db } from './item-store.js';
import { QueryCache, type CategoryMatchResult, type QueryCacheStats } from './query-cache.js';
import { registerCatalogRoutes } from './routes.js';
import { registerCatalogDataRoutes } from './routes-data.js';
import { SearchIndex } from './search-index.js';

/** What the catalog needs from the platform. */
export interface CatalogDeps {
  store: Store;
  blobs: BlobStore;
  outbox: EventOutbox;
  /** The signals port: item changes reach every process's search index through it. */
  cache: Cache;
  jobs: Jobs;
  log?: FastifyBaseLogger;
  /** The modules that act on written events (read at each write: contributed after the catalog is built). */
  sinks?: () => readonly EventSink[];
  /**
   * Checks and holds the project in the transaction of every item, synonym and
   * event write (the app passes ProjectService.hold), so none lands in a project
   * that does not exist or is being deleted. Without it (tools and tests that
   * drive imports with no projects, as Jobs does) any project is taken.
   */
  hold?: ProjectHold;
  /** Largest import body in bytes (default 1 GiB); bigger files are imported from the blob store. */
  maxImportBytes?: number;
  /** Records per import transaction (default 1000). */
  importChunkSize?: number;
  /** Lease of an import job: how soon another worker resumes an import whose worker died (default 60 s). */
  importLeaseMs?: number;
  /** How often each process checks its search index against the store (default 30 s). */
  reconcileMs?: number;
  /** Answers `matchCategories` keeps, over all projects (default 50,000). */
  queryCacheSize?: number;
}

/** The catalog's services and its lifecycle, as `createCatalog` returns them. */
export interface Catalog {
  items: ItemService;
  events: EventService;
  /** Registers the management routes (items, imports, categories, synonyms, event import and export): the `api` role's. */
  registerRoutes(app: FastifyInstance): void;
  /** The import job kinds, for the worker role's worker. */
  jobs: JobDeclaration[];
  /** Deletes staged import bodies no open import will read, older than `graceMs`; returns how many. */
  sweepStaged(graceMs: number): Promise<number>;
  /** Registers the storefront's routes (`catalog:search`, `userEvents:write`): the `inference` role's. */
  registerDataRoutes(app: FastifyInstance): void;
  /**
   * Builds every project's search index in the background (call once the
   * process serves requests: builds run in slices, so /readyz and other
   * requests are answered meanwhile). Failures are logged; the first search
   * of a project builds its index anyway.
   */
  warmSearch(): void;
  /** The categories a query matches, best first, from the query cache (see `CatalogFace.matchCategories`). */
  matchCategories(project: string, query: string): Promise<CategoryMatchResult>;
  /** The query cache's counters. */
  queryCacheStats(): QueryCacheStats;
  /** The valid events of a JSONL file under the project's import area; `counts` tallies lines and refused ones. */
  readEventsFile(project: string, blobUri: string, counts: EventsFileCounts): AsyncGenerator<UserEvent>;
  /** The blob key of a URI under the project's import area (the import's checks). */
  resolveImportUri(project: string, blobUri: string): Promise<string>;
  /** Deletes a project's catalogue and events (a project deletion hook). */
  deleteProject(project: string, trx: Db): Promise<void>;
  /** Stops listening for index changes. */
  close(): Promise<void>;
}

/**
 * Builds the catalog over the platform's ports: the stores, the search index
 * (subscribed to the signals channel, so changes from any process arrive
 * within milliseconds), and the import job handlers on the worker when there
 * is one.
 *
 * The app builds it through `catalogModule`; tools and test workers that run
 * imports without an app call it directly.
 *
 * @example
 * const catalog = await createCatalog({ store, blobs, outbox, cache, jobs });
 * for (const j of catalog.jobs) worker.register(j.kind, j.handler, j);
 */
export async function createCatalog(deps: CatalogDeps): Promise<Catalog> {
  const itemStore = new ItemStore(deps.store);
  const eventStore = new EventStore(deps.store);
  const index = new SearchIndex(itemStore, deps.cache, deps.log);
  await index.start(deps.reconcileMs);
  const hold: ProjectHold = deps.hold ?? (async () => undefined);
  const queries = new QueryCache(index, deps.queryCacheSize);
  const items = new ItemService(itemStore, deps.outbox, index, hold);
  const events = new EventService(eventStore, hold, deps.sinks);
  const importer = new Importer(
    { blobs: deps.blobs, jobs: deps.jobs, items: itemStore, events: eventStore, imports: new ImportStore(deps.store), index },
    { maxImportBytes: deps.maxImportBytes ?? 1024 ** 3, chunkSize: deps.importChunkSize ?? 1000, leaseMs: deps.importLeaseMs ?? 60_000 },
  );
  return {
    items,
    events,
    readEventsFile: (project, blobUri, counts) => readEventsFile({ blobs: deps.blobs, importer }, project, blobUri, counts),
    resolveImportUri: (project, blobUri) => importer.resolveBlobUri(project, blobUri),
    jobs: importer.jobs(),
    sweepStaged: (graceMs) => importer.sweepStaged(graceMs),
    registerRoutes: (app) => registerCatalogRoutes(app, { items, events, importer, jobs: deps.jobs }),
    registerDataRoutes: (app) => registerCatalogDataRoutes(app, { items, events }),
    matchCategories: (project, query) => queries.match(project, query),
    queryCacheStats: () => queries.stats(),
    warmSearch: () => void index.warm().catch((err: unknown) => deps.log?.warn({ err }, 'catalog search warm-up failed; first searches build their index')),
    async deleteProject(project, trx) {
      await itemStore.deleteProject(project, trx);
      await eventStore.deleteProject(project, trx);
      index.drop(project);
    },
    close: () => index.close(),
  };
}
