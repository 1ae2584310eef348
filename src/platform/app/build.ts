import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { BlobStore } from '../blobs/index.js';
import { openBlobStore } from '../blobs/index.js';
import type { Cache } from '../cache/index.js';
import { openCache } from '../cache/index.js';
import { ALL_ROLES, loadConfig, type Config, type Role } from '../config/index.js';
import { EventOutbox, registerEventRoutes } from '../events/index.js';
import { ApplyRecordStore, registerApplyRecordRoutes } from '../apply/index.js';
import { registerConsoleRoutes, registerModuleListRoute } from '../console/index.js';
import {
  ANY_ROLE, RouteTable, addRouteHook, createHttpServer, createMetricsRegistry, installHttpMetrics, installIdempotency, installOpenApi, installRoleGate,
  registerForRole, registerHealthRoutes,
} from '../http/index.js';
import { PLATFORM_ROLES, ResourceKinds, RoleTable, createIam, type Iam } from '../iam/index.js';
import { JobStore, JobWorker, Jobs, registerOperationRoutes } from '../jobs/index.js';
import { platformMigrations } from '../migrations.js';
import { Contributions, type ModuleContext, type ModuleParts, type RougeModule } from '../modules/index.js';
import { ProjectService, ProjectStore, registerProjectRoutes, type ProjectHold } from '../projects/index.js';
import { openStore, type ModuleMigrations, type Store } from '../store/index.js';
import { VERSION } from '../version.js';
import { orderModules } from './order.js';
import { holdSingleProcessLock } from './single-process-lock.js';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';
import { mkdirSync } from 'node:fs';

/** Signals channel that wakes workers when a job is enqueued anywhere. */
const JOBS_CHANNEL = 'rouge.jobs';
/** How old an unpublished outbox event must be before a sweep republishes it. */
const OUTBOX_SWEEP_MS = 5000;

export interface BuildOptions {
  /** The modules to build, in any order that their `requires` allow; defaults to none (the platform alone). */
  modules?: readonly RougeModule<any>[];
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

/** The platform's services and the modules' faces, for tests, `rouge serve` and in-process callers. */
export interface RougeServices {
  config: Config;
  store: Store;
  cache: Cache;
  blobs: BlobStore;
  events: EventOutbox;
  projects: ProjectService;
  iam: Iam;
  jobs: Jobs;
  /** This process's worker, when it runs the worker role. */
  worker?: JobWorker;
  /** Every route of every role, as a reverse proxy needs them (`rouge routes`). */
  routes: RouteTable;
  roles: RoleTable;
  /** The face of a module in this app; throws for one it was not built with. */
  use<F>(module: RougeModule<F>): F;
  /** Runs every module's start (warm-ups); `rouge serve` calls it once the process listens. */
  start(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    rouge: RougeServices;
  }
}

/** Every migration of the platform and the given modules, in dependency order. */
export function migrationsOf(modules: readonly RougeModule<any>[]): ModuleMigrations[] {
  return [platformMigrations, ...orderModules(modules).filter((m) => m.migrations).map((m) => ({ module: m.name, migrations: { ...m.migrations! } }))];
}

/**
 * Builds the platform and the given modules as one Fastify instance without
 * listening on a port. Opens the store (unless given one) and applies every
 * migration; builds the role table from the platform's roles and the modules'
 * declarations; sets each module up in dependency order; registers every
 * role's routes (a process answers the roles it does not run with 404
 * ROUTE_ON_OTHER_ROLE), job handlers where the worker runs, readiness checks,
 * project counters and deletion hooks.
 *
 * @example
 * const app = await buildPlatformApp({ modules: [notesModule], config: { dataDir: ':memory:' } });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * await app.close();
 */
export async function buildPlatformApp(options: BuildOptions = {}): Promise<FastifyInstance> {
  const config: Config = { ...loadConfig({ env: {} }), dataDir: ':memory:', logLevel: 'silent', ...options.config };
  const modules = orderModules(options.modules ?? []);
  const roles = new Set<Role>(config.roles);
  // Everything opened so far, closed in reverse if a later step fails or the app closes.
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    // One process per embedded store: taken before the store opens, so a second one touches nothing.
    if (!options.store && !config.databaseUrl && config.dataDir !== ':memory:') {
      try {
        mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
        closers.push(lockDataDir(config.dataDir));
      } catch (e) {
        // A data dir that cannot be made is reported by the store, with the setting to fix.
        if (e instanceof DataDirLockedError) throw e;
      }
    }
    const store = options.store ?? (await openStore(config, migrationsOf(modules)));
    if (!options.store || options.closeStore === true) closers.push(() => store.close());
    await store.migrate();
    if (config.singleProcess) closers.push(await holdSingleProcessLock(store));
    const cache = await openCache(config, { keyPrefix: config.cachePrefix });
    closers.push(() => cache.close());
    const blobs = await openBlobStore(config);
    closers.push(() => blobs.close());
    const outbox = new EventOutbox(store, cache);
    // Built first: every module that creates resources in a project is handed its hold.
    const projects = new ProjectService(new ProjectStore(store), outbox);
    const hold: ProjectHold = (project, trx) => projects.hold(project, trx);
    const roleTable = new RoleTable([...PLATFORM_ROLES, ...modules.flatMap((m) => m.roles ?? [])], modules.flatMap((m) => (m.permissions ? [m.permissions] : [])));
    const resources = new ResourceKinds();
    const iam = await createIam(store, config, cache, hold, { roles: roleTable, resources });
    closers.push(() => iam.close());

    const app = createHttpServer(config, options.logger);
    const metrics = createMetricsRegistry();
    installHttpMetrics(app, metrics);
    await installOpenApi(app, VERSION);
    installRoleGate(app, config.roles);
    iam.install(app);
    installIdempotency(app, store);
    // A list under a project that does not exist is 404 PROJECT_NOT_FOUND, as a get is, not 200 and empty.
    addRouteHook(app, 'preHandler', ((request: FastifyRequest, _reply: unknown, done: (e?: Error) => void) => {
      const project = (request.params as { project?: string } | undefined)?.project;
      if (project === undefined) return done();
      projects.get(project).then(() => done(), done);
    }) as never, (cfg, methods) => methods.includes('GET') && /\.list$/.test(cfg.permission ?? ''));
    const routes = new RouteTable();
    const readiness: Array<() => Promise<string | undefined>> = [];
    await registerForRole(app, routes, ANY_ROLE, true, (scope) => registerHealthRoutes(scope, store, metrics, readiness));
    routes.add('GET', '/openapi.json', ANY_ROLE);

    // Every counter counts inside the deleting transaction, and every create holds its
    // project in its own, so a resource made during a delete is counted or refused.
    projects.registerResourceCounter(async (p, db) => ({ kind: 'service accounts', count: await iam.service.countServiceAccounts(p, db) }), { inTransaction: true });
    projects.registerDeletionHook((trx, p) => iam.store.deleteProjectBindings(p, trx));

    const jobStore = new JobStore(store);
    const worker = roles.has('worker')
      ? new JobWorker(jobStore, { pollMs: options.workerPollMs, defaultConcurrency: config.workerConcurrency, log: app.log, outbox })
      : undefined;
    const jobs = new Jobs(jobStore, worker, outbox, hold);
    projects.registerResourceCounter(async (p, db) => ({ kind: 'unfinished operations', count: await jobs.countOpen(p, db) }), { inTransaction: true });
    // Work enqueued by any process wakes every worker at once instead of at its next poll.
    jobs.onEnqueue(() => void cache.publish(JOBS_CHANNEL, 'enqueued').catch(() => undefined));
    if (worker) closers.push(await cache.subscribe(JOBS_CHANNEL, () => worker.wake()));

    await registerForRole(app, routes, 'api', roles.has('api'), (scope) => registerConsoleRoutes(scope, config.consoleDir));
    await registerForRole(app, routes, 'api', roles.has('api'), (scope) => {
      registerProjectRoutes(scope, projects, (principal) => iam.service.visibleProjects(principal));
      iam.registerRoutes(scope);
      registerOperationRoutes(scope, jobs);
      registerEventRoutes(scope, outbox);
      registerModuleListRoute(scope, modules.map((m) => ({ name: m.name, requires: (m.requires ?? []).map((r) => r.name) })));
      // A record spans projects: the caller needs the permission in each (an orgAdmin holds it everywhere; '' is the organisation).
      registerApplyRecordRoutes(scope, new ApplyRecordStore(store), async (principal, permission, projects) => {
        if (config.authDisabled) return;
        for (const p of projects.length ? projects : ['']) await iam.authorizer.check(principal, permission, p, '');
      });
    });

    const contributions = new Contributions();
    for (const m of modules) for (const c of m.contributes ?? []) contributions.add(c.point, c.value);
    const built = new Map<string, ModuleParts<unknown>>();
    for (const m of modules) {
      const ctx: ModuleContext = {
        config, roles, store, cache, blobs, outbox, jobs, worker, hold, projects, metrics, log: app.log,
        authorize: (principal, permission, project, resource = '') => (config.authDisabled ? Promise.resolve() : iam.authorizer.check(principal, permission, project, resource)),
        use: (dep) => {
          if (!(m.requires ?? []).includes(dep)) throw new Error(`module ${m.name} uses ${dep.name} without declaring it in requires`);
          return built.get(dep.name)!.face as never;
        },
        contribute: (point, value) => contributions.add(point, value),
        contributions: (point) => contributions.list(point),
      };
      const parts = await m.setup(ctx);
      built.set(m.name, parts);
      if (parts.close) closers.push(parts.close);
      for (const kind of parts.resources ?? []) resources.add(kind);
      if (parts.readiness) readiness.push(parts.readiness);
      const count = parts.countInProject;
      // An in-transaction counter is always handed the deleting transaction.
      if (count) projects.registerResourceCounter((p, db) => count(p, db!), { inTransaction: true });
      if (parts.deleteProject) {
        const remove = parts.deleteProject;
        projects.registerDeletionHook((trx, p) => remove(p, trx));
      }
      if (worker) for (const j of parts.jobs ?? []) worker.register(j.kind, j.handler, j);
      for (const role of ALL_ROLES) {
        const register = parts.routes?.[role];
        if (register) await registerForRole(app, routes, role, roles.has(role), register);
      }
    }

    const use = <F>(module: RougeModule<F>): F => {
      const parts = built.get(module.name);
      if (!parts) throw new Error(`this app was built without module ${module.name}`);
      return parts.face as F;
    };
    const start = async () => {
      for (const parts of built.values()) await parts.start?.();
    };
    app.decorate('rouge', { config, store, cache, blobs, events: outbox, projects, iam, jobs, routes, roles: roleTable, use, start, ...(worker ? { worker } : {}) });

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
