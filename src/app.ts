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
  type Iam,
  JobStore,
  JobWorker,
  Jobs,
  registerOperationRoutes,
  type Config,
  type ModuleMigrations,
  type Store,
} from './platform/index.js';

/** Every module's migrations, in dependency order. */
export const ALL_MIGRATIONS: ModuleMigrations[] = [platformMigrations];

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
  projects: ProjectService;
  iam: Iam;
  jobs: Jobs;
  /** This process's worker, when it runs the worker role. */
  worker?: JobWorker;
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
  const ownsStore = !options.store || options.closeStore === true;
  const store = options.store ?? (await openStore(config, ALL_MIGRATIONS));
  try {
    await store.migrate();
  } catch (e) {
    if (ownsStore) await store.close();
    throw e;
  }

  let iam: Iam;
  try {
    iam = await createIam(store, config);
  } catch (e) {
    if (ownsStore) await store.close();
    throw e;
  }

  const app = createHttpServer(config, options.logger);
  const metrics = createMetricsRegistry();
  installHttpMetrics(app, metrics);
  await installOpenApi(app, VERSION);
  iam.install(app);
  installIdempotency(app, store);
  registerHealthRoutes(app, store, metrics, []);

  const projects = new ProjectService(new ProjectStore(store));
  projects.registerResourceCounter(async (p) => ({ kind: 'service accounts', count: await iam.service.countServiceAccounts(p) }));
  projects.registerDeletionHook((trx, p) => iam.store.deleteProjectBindings(p, trx as never));
  const jobStore = new JobStore(store);
  const worker = config.roles.includes('worker')
    ? new JobWorker(jobStore, { pollMs: options.workerPollMs, defaultConcurrency: config.workerConcurrency, log: app.log })
    : undefined;
  const jobs = new Jobs(jobStore, worker);
  projects.registerResourceCounter(async (p) => ({ kind: 'unfinished operations', count: await jobs.countOpen(p) }));

  if (config.roles.includes('api')) {
    registerProjectRoutes(app, projects, (principal) => iam.service.visibleProjects(principal));
    iam.registerRoutes(app);
    registerOperationRoutes(app, jobs);
  }

  app.decorate('rouge', { config, store, projects, iam, jobs, ...(worker ? { worker } : {}) });
  worker?.start();
  app.addHook('onClose', async () => {
    await worker?.stop(config.shutdownTimeoutMs);
    await iam.close();
    if (ownsStore) await store.close();
  });
  await app.ready();
  return app;
}
