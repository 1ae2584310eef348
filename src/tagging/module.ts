import { catalogModule } from '../catalog/index.js';
import { contribute, type Operation, type RougeModule } from '../platform/index.js';
import { FRAMEWORKS, registryModule, type ModelVersion } from '../registry/index.js';
import { PIPELINE_STEPS } from '../pipelines/index.js';
import { taggerFramework } from './classifier/framework.js';
import { taggerSteps } from './classifier/pipeline-steps.js';
import { TaggerLoader } from './classifier/loader.js';
import { runRetrain, TAGGER_TRAIN_JOB, type TaggerTrainPayload } from './classifier/retrain.js';
import { ReviewStore } from './classifier/review-store.js';
import { trainFromImages, type LabelledImage } from './classifier/seed.js';
import { registerClassifierRoutes } from './classifier/routes.js';
import { classifierMigration } from './classifier/tables.js';
import { VisionPool } from './vision/pool.js';
import { AddressPolicy } from '../platform/index.js';
import { operation, registerTaggingRoutes } from './routes.js';
import { DEFAULT_RULES } from './rules.js';
import { runTagging, TAGGING_JOB, type RunPayload } from './runner.js';
import { TaggingStore } from './store.js';
import { TextReader } from './text-reader.js';
import { FeedCache } from './feeds/cache.js';
import { registerFeedRoutes } from './feeds/routes.js';
import { feedsMigration, taggingMigration } from './tables.js';

/** What other modules get from tagging (feeds, the classifier): items' tags, and runs to start. */
export interface TaggingFace {
  store: TaggingStore;
  /**
   * Starts a run (an Operation); with `key`, at most one per project and key
   * ever (the demo's first analysis is started once, however many starts).
   */
  startRun(project: string, payload: RunPayload, opts?: { key?: string; createdBy?: string }): Promise<Operation>;
  /** Which tags the project's feeds carry in custom_label_0..4 (the demo sets colour family, image quality, background). */
  setFeedLabels(project: string, labels: Array<string | null>): Promise<void>;
  /** Trains a first tagger from labelled images in memory and registers it (tagger@champion unless told otherwise); the demo seeds its tagger with it. */
  trainFromImages(project: string, images: readonly LabelledImage[], opts: { model?: string; aliases?: string[]; createdBy: string; description: string }): Promise<ModelVersion>;
}

/**
 * Image analysis as a module: runs (Operations) on `worker` fetch each
 * item's image safely, analyse it once per content and store per-item
 * results and tags; runs, results and tags are read on `api`.
 */
export const taggingModule: RougeModule<TaggingFace> = {
  name: 'tagging',
  requires: [catalogModule, registryModule],
  contributes: [contribute(FRAMEWORKS, taggerFramework)],
  migrations: { '0001_tagging': taggingMigration, '0002_feeds': feedsMigration, '0003_classifier': classifierMigration },
  roles: [{ name: 'tagReviewer', description: 'Decides on image tag proposals (the review queue and page) and sees runs and tags', permissions: ['tagging.reviewTasks.list', 'tagging.reviewTasks.get', 'tagging.reviewTasks.resolve', 'tagging.images.get', 'tagging.runs.get', 'tagging.tags.get', 'catalog.items.get', 'catalog.items.list'] }],
  permissions: {
    viewer: ['tagging.runs.get', 'tagging.tags.get', 'tagging.feeds.get', 'tagging.reviewTasks.list', 'tagging.reviewTasks.get', 'tagging.images.get'],
    editor: ['tagging.runs.create', 'tagging.images.upload', 'tagging.feedSettings.update', 'tagging.feedTokens.create', 'tagging.feedTokens.list', 'tagging.feedTokens.delete', 'tagging.reviewTasks.resolve', 'tagging.taggers.train'],
    ingestor: ['tagging.images.upload'],
  },
  setup(ctx) {
    const catalog = ctx.use(catalogModule);
    const store = new TaggingStore(ctx.store);
    const policy = new AddressPolicy(ctx.config.fetchAllowCidrs);
    // The demo's images are served by this deployment itself: allowed on its own address, and only under /demo/images/.
    const own = new Set([`localhost:${ctx.config.port}`, `127.0.0.1:${ctx.config.port}`, `${ctx.config.host}:${ctx.config.port}`]);
    const trusted = (u: URL) => ctx.config.demo && own.has(u.host) && u.pathname.startsWith('/demo/images/');
    const reader = new TextReader();
    const feeds = new FeedCache(ctx.blobs, ctx.cache);
    const vision = new VisionPool();
    const taggers = new TaggerLoader(ctx.use(registryModule), ctx.blobs);
    const reviews = new ReviewStore(store.db);
    const onTagsChanged = (project: string) => feeds.changed(project);
    const deps = { store, blobs: ctx.blobs, policy, rules: DEFAULT_RULES, trusted, catalog, reader, vision, taggers, onTagsChanged };
    for (const step of taggerSteps({ registry: ctx.use(registryModule), taggers, reviews, images: deps })) ctx.contribute(PIPELINE_STEPS, step);
    const host = ctx.config.host === '0.0.0.0' || ctx.config.host === '::' ? 'localhost' : ctx.config.host;
    const baseUrl = `${ctx.config.tlsCert ? 'https' : 'http'}://${host}:${ctx.config.port}`;
    const subscribed = feeds.start();
    return {
      face: {
        store,
        setFeedLabels: async (project, labels) => {
          await store.putLabels(project, labels);
          await feeds.changed(project);
        },
        trainFromImages: (project, images, opts) => trainFromImages({ registry: ctx.use(registryModule), vision }, project, images, opts),
        startRun: (project, payload, opts = {}) => ctx.jobs.enqueue(project, TAGGING_JOB, payload, { ...(opts.key ? { idempotencyKey: opts.key } : {}), ...(opts.createdBy ? { createdBy: opts.createdBy } : {}) }),
      },
      routes: {
        api: (app) => {
          registerTaggingRoutes(app, { store, jobs: ctx.jobs, catalog, blobs: ctx.blobs });
          registerFeedRoutes(app, { store, catalog, cache: feeds, baseUrl, checkProject: (project) => ctx.projects.get(project) });
          registerClassifierRoutes(app, { store, reviews, jobs: ctx.jobs, catalog, blobs: ctx.blobs, onTagsChanged, run: (project, run) => operation(ctx.jobs, project, run) });
        },
      },
      jobs: [
        { kind: TAGGING_JOB, concurrency: 1, leaseMs: 5 * 60_000, handler: (payload: RunPayload, job) => runTagging(deps, store, payload, job) },
        { kind: TAGGER_TRAIN_JOB, concurrency: 1, leaseMs: 10 * 60_000, handler: (payload: TaggerTrainPayload, job) => runRetrain({ registry: ctx.use(registryModule), taggers, reviews, images: deps }, payload, job) },
      ],
      deleteProject: (project, trx) => store.deleteProject(project, trx),
      readiness: async () => {
        await subscribed;
        return undefined;
      },
      close: async () => {
        await subscribed.catch(() => undefined);
        await Promise.all([reader.close(), feeds.close(), vision.close()]);
      },
    };
  },
};

