/**
 * The platform's app factory: builds the platform and a list of modules as
 * one Fastify instance. `src/app.ts` names the modules Rouge ships with.
 */
export { buildPlatformApp, migrationsOf } from './build.js';
export type { BuildOptions, RougeServices } from './build.js';
export { orderModules } from './order.js';
export { SingleProcessLockError } from './single-process-lock.js';
export { DataDirLockedError } from './data-dir-lock.js';
