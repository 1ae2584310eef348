/**
 * The platform module: configuration, errors, the store port, the HTTP kit and
 * projects. Every other module builds on what this file exports.
 */
export * from './config/index.js';
export * from './errors/index.js';
export * from './store/index.js';
export * from './http/index.js';
export * from './projects/index.js';
export * from './iam/index.js';
export * from './jobs/index.js';
export * from './events/index.js';
export * from './cache/index.js';
export * from './blobs/index.js';
export * from './modules/index.js';
export * from './filter/index.js';
export * from './app/index.js';
export { platformMigrations } from './migrations.js';
export { VERSION } from './version.js';
