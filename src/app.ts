import { join } from 'node:path';
import { tmpdir } from 'node:os';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import {
  VERSION,
  createHttpServer,
  createMetricsRegistry,
  installHttpMetrics,
  installIdempotency,
  installOpenApi,
  loadConfig,
  openStore,
  platformMigrations,
  registerHealthRoutes,
  registerProjectRoutes,
  ProjectService,
  ProjectStore,
  createIam,
  openCache,
  openBlobStore,
  EventOutbox,
  registerEventRoutes,
  eventsMigration,
  type BlobStore,
  type Cache,
  type Iam,
  JobStore,
  JobWorker,
  Jobs,
  registerOperationRoutes,
  type Config,
  type ModuleMigrations,
  type ProjectHold,
  type Store,
} from './platform/index.js';
import { ModelService, RegistryStore, VersionService, registerRegistryRoutes, registryMigrations, type DeployedCheck } from './registry/index.js';
import { catalogMigrations, createCatalog, type Catalog } from './catalog/index.js';
import { createServing, servingMigration } from './serving/index.js';

/** Signals channel that wakes workers when a job is enqueued anywhere. */
const JOBS_CHANNEL = 'rouge.jobs';
/** How old an unpublished outbox event must be before a sweep republishes it. */
const OUTBOX_SWEEP_MS = 5000;

/** Every module's migrations, in dependency order. */
export const ALL_MIGRATIONS: ModuleMigrations[] = [
  platformMigrations,
  { module: 'registry', migrations: registryMigrations },
  { module: 'catalog', migrations: catalogMigrations },
  { module: 'serving', migrations: { '0001_serving': servingMigration } },
];

export interface BuildOptions {
  /** A full configuration; defaults to an in-memory embedded store, no port. */
  config?: Partial<Config>;
  /** An already-open store (tests share one); otherwise opened from config. */
  store?: Store;
  /** Close the given store when the app closes (tests hand over their store). */
  closeStore?: boolean;
  /** How often an idle worker polls for jobs (tests use a few ms). */
  workerPollMs?: number;
  /** Pino options or `false`; defaults to the configured level. */
  logger?: FastifyServerOptions['logger'];
}

/** The services the app built, for tests and for in-process callers. */
export interface RougeServices {
  config: Config;
  store: Store;
  cache: Cache;
  blobs: BlobStore;
  events: EventOutbox;
  projects: ProjectService;
  iam: Iam;
  models: ModelService;
  versions: VersionService;
  /** Serving registers a check here so deployed versions cannot be deleted. */
  deployedChecks: DeployedCheck[];
  serving: Awaited<ReturnType<typeof createServing>>;
  jobs: Jobs;
  /** This process's worker, when it runs the worker role. */
  worker?: JobWorker;
  catalog: Catalog;
}

declare module 'fastify' {
  interface FastifyInstance {
    rouge: RougeServices;
  }
}

/**
 * The app factory: builds the whole platform as a Fastify instance without
 * listening on a port, so a test can call it in-process with `app.inject()`.
 * Opens the store (unless given one), applies migrations, and registers the
 * routes of the roles the configuration asks for.
 *
 * @example
 * const app = await buildApp({ config: { dataDir: ':memory:' } });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * await app.close();
 */
export async function buildApp(options: BuildOptions = {}): Promise<FastifyInstance> {
  const config: Config = { ...loadConfig({ env: {} }), dataDir: ':memory:', logLevel: 'silent', ...options.config };
  // Everything opened so far, closed in reverse if a later step fails or the app closes.
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const store = options.store ?? (await openStore(config, ALL_MIGRATIONS));
    if (!options.store || options.closeStore === true) closers.push(() => store.close());
    await store.migrate();
    const cache = await openCache(config, { keyPrefix: config.cachePrefix });
    closers.push(() => cache.close());
    const blobs = await openBlobStore(config);
    closers.push(() => blobs.close());
    const outbox = new EventOutbox(store, cache);
    // Built first: every module that creates resources in a project is handed its hold.
    const projects = new ProjectService(new ProjectStore(store), outbox);
    const hold: ProjectHold = (project, trx) => projects.hold(project, trx);
    const iam = await createIam(store, config, cache, hold);
    closers.push(() => iam.close());

    const app = createHttpServer(config, options.logger);
    const metrics = createMetricsRegistry();
    installHttpMetrics(app, metrics);
    await installOpenApi(app, VERSION);
    iam.install(app);
    installIdempotency(app, store);
    const readiness: Array<() => Promise<string | undefined>> = [];
    registerHealthRoutes(app, store, metrics, readiness);

    // Every counter counts inside the deleting transaction, and every create holds its
    // project in its own, so a resource made during a delete is counted or refused.
    projects.registerResourceCounter(async (p, db) => ({ kind: 'service accounts', count: await iam.service.countServiceAccounts(p, db) }), { inTransaction: true });
    projects.registerDeletionHook((trx, p) => iam.store.deleteProjectBindings(p, trx as never));

    const jobStore = new JobStore(store);
    const worker = config.roles.includes('worker')
      ? new JobWorker(jobStore, { pollMs: options.workerPollMs, defaultConcurrency: config.workerConcurrency, log: app.log, outbox })
      : undefined;
    const jobs = new Jobs(jobStore, worker, outbox, hold);
    projects.registerResourceCounter(async (p, db) => ({ kind: 'unfinished operations', count: await jobs.countOpen(p, db) }), { inTransaction: true });
    // Work enqueued by any process wakes every worker at once instead of at its next poll.
    jobs.onEnqueue(() => void cache.publish(JOBS_CHANNEL, 'enqueued').catch(() => undefined));
    if (worker) closers.push(await cache.subscribe(JOBS_CHANNEL, () => worker.wake()));

    const deployedChecks: DeployedCheck[] = [];
    const registryStore = new RegistryStore(store);
    const models = new ModelService(registryStore, blobs, outbox, () => deployedChecks, hold);
    const tmpDir = config.dataDir === ':memory:' ? join(tmpdir(), 'rouge-uploads') : join(config.dataDir, 'tmp');
    const versions = new VersionService(registryStore, blobs, outbox, { tmpDir, maxArtifactBytes: config.maxArtifactBytes }, () => deployedChecks);
    projects.registerResourceCounter(async (p, db) => ({ kind: 'models', count: await models.count(p, db) }), { inTransaction: true });
    const catalog = await createCatalog({ store, blobs, outbox, cache, jobs, worker, log: app.log, hold });
    closers.push(() => catalog.close());
    // Catalog items and events do not block a delete: the project's deletion removes them, and
    // every catalog write holds its project, so one racing the delete is removed with it or refused.
    projects.registerDeletionHook((trx, p) => catalog.deleteProject(p, trx));

    const serving = await createServing({
      store, blobs, cache, outbox, jobs, worker, versions, metrics, dataDir: config.dataDir, inference: config.roles.includes('inference'), hold,
    });
    closers.push(() => serving.close());
    deployedChecks.push(serving.deployedCheck);
    readiness.push(serving.readiness);
    projects.registerResourceCounter(async (p, db) => ({ kind: 'endpoints', count: await serving.count(p, db) }), { inTransaction: true });

    if (config.roles.includes('api')) {
      await app.register(multipart);
      registerProjectRoutes(app, projects, (principal) => iam.service.visibleProjects(principal));
      iam.registerRoutes(app);
      registerOperationRoutes(app, jobs);
      registerEventRoutes(app, outbox);
      registerRegistryRoutes(app, models, versions, config.maxArtifactBytes);
      catalog.registerRoutes(app);
      serving.registerApiRoutes(app);
    }
    if (config.roles.includes('inference')) serving.registerInferenceRoutes(app);
    if (worker) {
      // Artifacts whose version row was never written (the uploader died in between).
      const sweepUploads = setInterval(() => void versions.sweepUploads(60 * 60 * 1000).catch(() => undefined), 10 * 60 * 1000);
      sweepUploads.unref();
      closers.push(async () => clearInterval(sweepUploads));
    }

    app.decorate('rouge', { config, store, cache, blobs, events: outbox, projects, iam, jobs, models, versions, deployedChecks, catalog, serving, ...(worker ? { worker } : {}) });

    // Events committed by a process that died before publishing them go out now, then every few seconds.
    await outbox.replay();
    const sweep = setInterval(() => void outbox.replay(OUTBOX_SWEEP_MS).catch(() => undefined), OUTBOX_SWEEP_MS);
    sweep.unref();
    closers.push(async () => clearInterval(sweep));
    worker?.start();
    if (worker) closers.push(() => worker.stop(config.shutdownTimeoutMs));
    app.addHook('onClose', closeAll);
    await app.ready();
    return app;
  } catch (e) {
    await closeAll();
    throw e;
  }
}
