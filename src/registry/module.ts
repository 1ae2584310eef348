import { tmpdir } from 'node:os';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import { extensionPoint, type RougeModule } from '../platform/index.js';
import { FRAMEWORKS, Frameworks } from './frameworks.js';
import { registryMigrations } from './migrations.js';
import { ModelService } from './model-service.js';
import { registerRegistryRoutes } from './routes.js';
import { registerVertexModelReads } from './routes-vertex.js';
import { RegistryStore } from './store.js';
import { VersionService, type DeployedCheck } from './version-service.js';

/** What other modules get from the registry. */
export interface RegistryFace {
  models: ModelService;
  versions: VersionService;
}

/**
 * Where a module that serves versions says where one is deployed, so the
 * registry refuses to delete it (serving contributes its endpoints' check).
 */
export const DEPLOYED_CHECKS = extensionPoint<DeployedCheck>('registry.deployedChecks');

/** How often a worker sweeps artifacts whose version row was never written, and how old they must be. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;
const SWEEP_OLDER_THAN_MS = 60 * 60 * 1000;
/** How long an upload's staging file may sit untouched before a start deletes it (a live upload writes to it all the time). */
const STALE_UPLOAD_MS = 60 * 1000;

/**
 * The model registry as a module: models, versions, aliases and artifacts;
 * management routes on `api`; the frameworks other modules contribute to
 * `FRAMEWORKS`.
 */
export const registryModule: RougeModule<RegistryFace> = {
  name: 'registry',
  migrations: registryMigrations,
  permissions: {
    viewer: ['registry.models.get', 'registry.models.list', 'registry.versions.get', 'registry.versions.list', 'registry.versions.download'],
    editor: ['registry.models.create', 'registry.models.update', 'registry.models.delete', 'registry.versions.create', 'registry.versions.update', 'registry.versions.delete'],
  },
  setup(ctx) {
    const store = new RegistryStore(ctx.store);
    const deployed = () => ctx.contributions(DEPLOYED_CHECKS);
    const frameworks = new Frameworks(() => ctx.contributions(FRAMEWORKS));
    const models = new ModelService(store, ctx.blobs, ctx.outbox, deployed, ctx.hold);
    const tmpDir = ctx.config.dataDir === ':memory:' ? join(tmpdir(), 'rouge-uploads') : join(ctx.config.dataDir, 'tmp');
    const versions = new VersionService(store, ctx.blobs, ctx.outbox, { tmpDir, maxArtifactBytes: ctx.config.maxArtifactBytes }, deployed, frameworks);
    let sweep: NodeJS.Timeout | undefined;
    return {
      face: { models, versions },
      routes: {
        api: async (app) => {
          await app.register(async (scope) => {
            await scope.register(multipart);
            registerRegistryRoutes(scope, models, versions, ctx.config.maxArtifactBytes);
            registerVertexModelReads(scope, models, versions);
          });
        },
      },
      countInProject: async (project, db) => ({ kind: 'models', count: await models.count(project, db) }),
      async start() {
        // Files of uploads whose process was killed mid-way; a live upload touches its file continuously.
        await versions.cleanStaleUploads(STALE_UPLOAD_MS).catch((err: unknown) => ctx.log.warn({ err }, 'cleaning stale uploads failed'));
        if (!ctx.worker) return;
        // Artifacts whose version row was never written (the uploader died in between).
        sweep = setInterval(() => void versions.sweepUploads(SWEEP_OLDER_THAN_MS).catch(() => undefined), SWEEP_EVERY_MS);
        sweep.unref();
      },
      async close() {
        if (sweep) clearInterval(sweep);
      },
    };
  },
};
