import { adsModule } from '../ads/index.js';
import { catalogModule } from '../catalog/index.js';
import { contribute, type RougeModule } from '../platform/index.js';
import { PIPELINE_STEPS } from '../pipelines/index.js';
import { FRAMEWORKS, registryModule } from '../registry/index.js';
import { servingModule } from '../serving/index.js';
import { CompiledRecommenders } from './compiled.js';
import { recsFramework } from './framework.js';
import { ItemTable } from './item-table.js';
import { ModelCache } from './loaded-models.js';
import { Recommender } from './recommend.js';
import { RecommenderService } from './recommenders.js';
import { registerRecommendRoute } from './routes-recommend.js';
import { registerPlacementRoutes } from './routes.js';
import { PlacementStore } from './store.js';
import { placementsMigration, rerankExperimentMigration } from './tables.js';
import { checkRerankEndpoint } from './rerank-check.js';
import { TRAIN_JOB, runTraining, type TrainPayload } from './training.js';
import { evaluateRecsStep, trainRecsStep } from './pipeline-steps.js';

/** What other modules get from placements. */
export interface PlacementsFace {
  recommenders: RecommenderService;
  recommender: Recommender;
}

/**
 * Recommendations as a module: recommenders (placements of one kind that
 * follow a model alias) managed on `api`, `:recommend` served on `inference`,
 * training on `worker`; it adds the `rouge-recs` framework to the registry.
 * It composes organic results with the ads module's auction for sponsored
 * slots, handing it the page's categories and a quality function, never the model.
 */
export const placementsModule: RougeModule<PlacementsFace> = {
  name: 'placements',
  requires: [registryModule, catalogModule, servingModule, adsModule],
  migrations: { '0001_recommenders': placementsMigration, '0002_rerank_experiment': rerankExperimentMigration },
  permissions: {
    viewer: ['placements.recommenders.get', 'placements.recommenders.list', 'placements.recommenders.recommend'],
    editor: ['placements.recommenders.create', 'placements.recommenders.update', 'placements.recommenders.delete', 'placements.recs.train'],
    // The storefront calls recommenders and reports what shoppers do with them.
    predictor: ['placements.recommenders.recommend', 'catalog.userEvents.write'],
  },
  contributes: [contribute(FRAMEWORKS, recsFramework)],
  setup(ctx) {
    const registry = ctx.use(registryModule);
    const catalog = ctx.use(catalogModule);
    ctx.contribute(PIPELINE_STEPS, trainRecsStep({ catalog, registry, blobs: ctx.blobs }));
    ctx.contribute(PIPELINE_STEPS, evaluateRecsStep({ catalog, registry, blobs: ctx.blobs }));
    const serving = ctx.use(servingModule);
    const ads = ctx.use(adsModule);
    const store = new PlacementStore(ctx.store);
    const onError = (err: unknown) => ctx.log.warn({ err }, 'recommendations: a background refresh failed');
    let compiled: CompiledRecommenders | undefined;
    const recommenders = new RecommenderService(store, registry, ctx.hold, (project, name) => compiled!.changed(project, name), (project, endpoint) => checkRerankEndpoint(serving, registry, project, endpoint));
    compiled = new CompiledRecommenders(recommenders, ctx.cache);
    const items = new ItemTable(catalog, ctx.cache, onError);
    const models = new ModelCache(registry, ctx.blobs, ctx.outbox, onError);
    const recommender = new Recommender(compiled, models, items, catalog, serving, ads);
    // Signals must flow before the first request: subscriptions are made at build, not at listen.
    const subscribed = Promise.all([compiled.start(), items.start(), models.start()]);
    return {
      face: { recommenders, recommender },
      routes: {
        api: (app) => registerPlacementRoutes(app, { recommenders, jobs: ctx.jobs, catalog }),
        inference: (app) => registerRecommendRoute(app, recommender),
      },
      jobs: [{ kind: TRAIN_JOB, concurrency: 1, leaseMs: 10 * 60_000, handler: (payload: TrainPayload, job) => runTraining({ catalog, registry }, payload, job) }],
      resources: [{ collection: 'recommenders', exists: async (project, id) => (await store.get(project, id)) !== undefined }],
      deleteProject: async (project, trx) => {
        await store.deleteProject(project, trx);
        compiled!.dropProject(project);
        items.drop(project);
        models.dropProject(project);
      },
      readiness: async () => {
        await subscribed;
        return undefined;
      },
      close: async () => {
        await subscribed.catch(() => undefined);
        await Promise.all([compiled!.close(), items.close(), models.close()]);
      },
    };
  },
};
