import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RougeModule } from '../platform/index.js';
import { DEPLOYED_CHECKS, registryModule } from '../registry/index.js';
import { ArtifactCache } from './artifact-cache.js';
import { deployHandler } from './deploy-job.js';
import { Predictor } from './predictor.js';
import { RequestLogger } from './request-log.js';
import { registerEndpointRoutes } from './routes-endpoints.js';
import { registerVertexEndpointReads } from './routes-vertex.js';
import { registerOipRoutes } from './routes-oip.js';
import { registerVertexRoutes } from './routes-predict.js';
import { ServingRuntime } from './runtime.js';
import { RUNTIMES } from './runtimes.js';
import { DEPLOY_JOB, EndpointService } from './service.js';
import { ServingMetrics } from './serving-metrics.js';
import { ServingStore } from './store.js';
import { servingMigration } from './tables.js';

/** How often a worker looks for deploys whose worker died, and how old their rows must be. */
const ABANDONED_AFTER_MS = 60_000;

/** What other modules get from serving. */
export interface ServingFace {
  endpoints: EndpointService;
  runtime: ServingRuntime;
  /** Sampled request logs, written to the blob store in batches. */
  requestLogs: RequestLogger;
  /**
   * A Vertex-style prediction made in process by another module (a
   * recommender re-ranking its candidates): routed by the endpoint's split,
   * sticky on `routingKey`, counted and logged like a `:predict` call.
   */
  predict(project: string, endpoint: string, instances: unknown[], routingKey?: string): Promise<{ predictions: unknown[]; deployedModelId: string }>;
}

/**
 * Serving as a module: endpoint management on `api`; `:predict`, `:rawPredict`
 * and the Open Inference Protocol on `inference` (which loads every endpoint's
 * models before it reports ready); the deploy job on `worker`. Endpoints are a
 * bindable resource kind (`endpoints/{e}`), so a storefront key can be a
 * `predictor` on one endpoint only.
 */
export const servingModule: RougeModule<ServingFace> = {
  name: 'serving',
  requires: [registryModule],
  migrations: { '0001_serving': servingMigration },
  permissions: {
    viewer: ['serving.endpoints.get', 'serving.endpoints.list'],
    editor: ['serving.endpoints.create', 'serving.endpoints.update', 'serving.endpoints.delete', 'serving.endpoints.deploy', 'serving.endpoints.undeploy', 'serving.endpoints.predict'],
    predictor: ['serving.endpoints.predict'],
  },
  async setup(ctx) {
    const { versions } = ctx.use(registryModule);
    const inference = ctx.roles.has('inference');
    const store = new ServingStore(ctx.store);
    const metrics = new ServingMetrics(ctx.metrics);
    // An in-memory app (tests) gets a private cache directory, removed when it closes.
    const memory = ctx.config.dataDir === ':memory:';
    const cacheDir = memory ? await mkdtemp(join(tmpdir(), 'rouge-model-cache-')) : join(ctx.config.dataDir, 'model-cache');
    const runtime = new ServingRuntime(
      store, versions, new ArtifactCache(ctx.blobs, cacheDir),
      { batch: (project, endpoint, id, rows) => metrics.batchSize.labels(`${project}.${endpoint}`, id).observe(rows) },
      () => ctx.contributions(RUNTIMES),
    );
    const endpoints = new EndpointService(store, versions, ctx.jobs, ctx.outbox, ctx.cache, ctx.hold, (f) => runtime.serves(f));
    const logger = new RequestLogger(ctx.blobs, metrics);
    const predictor = new Predictor(runtime, metrics, logger);
    ctx.contribute(DEPLOYED_CHECKS, (project, model, version) => store.endpointsServing(project, model, version));
    if (inference) await runtime.start(ctx.cache);
    let sweep: NodeJS.Timeout | undefined;
    return {
      face: {
        endpoints, runtime, requestLogs: logger,
        predict: async (project, endpoint, instances, routingKey) => {
          const r = await predictor.predict(project, endpoint, { id: 'in-process', headers: routingKey === undefined ? {} : { 'x-rouge-routing-key': routingKey } }, instances, undefined);
          return { predictions: r.predictions, deployedModelId: r.deployedModelId };
        },
      },
      routes: {
        api: (app) => {
          registerEndpointRoutes(app, endpoints);
          registerVertexEndpointReads(app, endpoints);
        },
        inference: (app) => {
          registerVertexRoutes(app, predictor);
          registerOipRoutes(app, predictor, runtime);
        },
      },
      jobs: [{ kind: DEPLOY_JOB, handler: deployHandler({ store, versions, runtime, outbox: ctx.outbox, endpoints, servesTraffic: inference }), concurrency: 2, leaseMs: 120_000 }],
      resources: [{ collection: 'endpoints', exists: async (project, id) => (await store.getEndpoint(project, id)) !== undefined }],
      readiness: async () => (inference && !runtime.isReady() ? 'models are still loading' : undefined),
      countInProject: async (project, db) => ({ kind: 'endpoints', count: await endpoints.count(project, db) }),
      start() {
        if (!ctx.worker) return;
        // Deploys whose worker was killed mid-load end FAILED instead of DEPLOYING for ever.
        const run = () => void endpoints.failAbandonedDeploys(ABANDONED_AFTER_MS).catch((err: unknown) => ctx.log.warn({ err }, 'sweeping abandoned deploys failed'));
        run();
        sweep = setInterval(run, ABANDONED_AFTER_MS);
        sweep.unref();
      },
      async close() {
        if (sweep) clearInterval(sweep);
        await logger.close();
        await runtime.close();
        if (memory) await rm(cacheDir, { recursive: true, force: true });
      },
    };
  },
};
