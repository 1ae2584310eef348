/**
 * Serving: endpoints with deployed models and a traffic split, the ONNX
 * runtime in process and a proxy for custom model servers, dynamic batching,
 * Vertex AI :predict and the Open Inference Protocol v2, request logging.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { grantPermissions, type BlobStore, type Cache, type EventOutbox, type JobWorker, type Jobs, type ProjectHold, type Store } from '../platform/index.js';
import type { DeployedCheck, VersionService } from '../registry/index.js';
import { ArtifactCache } from './artifact-cache.js';
import { deployHandler } from './deploy-job.js';
import { Predictor } from './predictor.js';
import { RequestLogger } from './request-log.js';
import { registerEndpointRoutes } from './routes-endpoints.js';
import { registerOipRoutes } from './routes-oip.js';
import { registerVertexRoutes } from './routes-predict.js';
import { ServingRuntime } from './runtime.js';
import { DEPLOY_JOB, EndpointService } from './service.js';
import { ServingMetrics } from './serving-metrics.js';
import { ServingStore } from './store.js';

grantPermissions({
  viewer: ['serving.endpoints.get', 'serving.endpoints.list'],
  editor: ['serving.endpoints.create', 'serving.endpoints.update', 'serving.endpoints.delete', 'serving.endpoints.deploy', 'serving.endpoints.undeploy', 'serving.endpoints.predict'],
  predictor: ['serving.endpoints.predict'],
});

export { servingMigration } from './tables.js';
export { EndpointService } from './service.js';
export type { EndpointView, DeployedModelView } from './service.js';
export { ServingRuntime } from './runtime.js';
export * as ServingErrors from './errors.js';

export interface ServingDeps {
  store: Store;
  blobs: BlobStore;
  cache: Cache;
  outbox: EventOutbox;
  jobs: Jobs;
  worker: JobWorker | undefined;
  versions: VersionService;
  metrics: Registry;
  dataDir: string;
  /** This process runs the inference role: it loads models and answers predictions. */
  inference: boolean;
  /** Checks and holds an endpoint's project in the transaction that creates it (ProjectService.hold). */
  hold: ProjectHold;
}

/**
 * Builds serving and wires it to the platform: the deploy job on the worker
 * role, the runtime and protocol routes on the inference role, management
 * routes for the api role (registered by the caller with `registerRoutes`).
 *
 * @example
 * const serving = await createServing(deps);
 * if (roles.api) serving.registerApiRoutes(app);
 * if (roles.inference) serving.registerInferenceRoutes(app);
 */
export async function createServing(deps: ServingDeps) {
  const store = new ServingStore(deps.store);
  const metrics = new ServingMetrics(deps.metrics);
  // An in-memory app (tests) gets a private cache directory, so no two share local copies.
  const cacheDir = deps.dataDir === ':memory:' ? await mkdtemp(join(tmpdir(), 'rouge-model-cache-')) : join(deps.dataDir, 'model-cache');
  const runtime = new ServingRuntime(store, deps.versions, new ArtifactCache(deps.blobs, cacheDir), {
    batch: (project, endpoint, id, rows) => metrics.batchSize.labels(`${project}.${endpoint}`, id).observe(rows),
  });
  const endpoints = new EndpointService(store, deps.versions, deps.jobs, deps.outbox, deps.cache, deps.hold);
  const logger = new RequestLogger(deps.blobs, metrics);
  const predictor = new Predictor(runtime, metrics, logger);
  deps.worker?.register(DEPLOY_JOB, deployHandler({ store, versions: deps.versions, runtime, outbox: deps.outbox, endpoints, servesTraffic: deps.inference }), { concurrency: 2, leaseMs: 120_000 });
  if (deps.inference) await runtime.start(deps.cache);
  const deployedCheck: DeployedCheck = (project, model, version) => store.endpointsServing(project, model, version);
  return {
    endpoints,
    runtime,
    logger,
    deployedCheck,
    /** Endpoints in a project; counts through `db` when given (project deletion's transaction). */
    count: (project: string, db?: Kysely<any>) => endpoints.count(project, db),
    registerApiRoutes(app: FastifyInstance) {
      registerEndpointRoutes(app, endpoints);
    },
    registerInferenceRoutes(app: FastifyInstance) {
      registerVertexRoutes(app, predictor);
      registerOipRoutes(app, predictor, runtime);
    },
    /** Readiness: every endpoint loaded before the process takes traffic. */
    readiness: async () => (deps.inference && !runtime.isReady() ? 'models are still loading' : undefined),
    async close() {
      await logger.close();
      await runtime.close();
    },
  };
}
