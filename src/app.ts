import type { FastifyInstance } from 'fastify';
import { adsModule } from './ads/index.js';
import { catalogModule } from './catalog/index.js';
import { demoModule } from './demo/index.js';
import { pipelinesModule } from './pipelines/index.js';
import { placementsModule } from './placements/index.js';
import { buildPlatformApp, migrationsOf, type BuildOptions, type RougeModule } from './platform/index.js';
import { registryModule } from './registry/index.js';
import { servingModule } from './serving/index.js';
import { taggingModule } from './tagging/index.js';

/** The modules Rouge ships with. A new module is one folder and one line here. */
export const MODULES: readonly RougeModule<any>[] = [registryModule, servingModule, catalogModule, pipelinesModule, adsModule, placementsModule, taggingModule, demoModule];

/** Every migration of the platform and the shipped modules, in dependency order. */
export const ALL_MIGRATIONS = migrationsOf(MODULES);

export type { BuildOptions, RougeServices } from './platform/index.js';

/**
 * The app factory: builds the whole platform with every shipped module as a
 * Fastify instance without listening on a port, so a test can call it
 * in-process with `app.inject()`. `options.modules` replaces the list (a test
 * can build the platform with any set of modules).
 *
 * @example
 * const app = await buildApp({ config: { dataDir: ':memory:' } });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * await app.close();
 */
export function buildApp(options: BuildOptions = {}): Promise<FastifyInstance> {
  return buildPlatformApp({ modules: MODULES, ...options });
}
