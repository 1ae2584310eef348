/**
 * Projects: the isolation unit. Every other module's resources live in one.
 */
export { ProjectService } from './service.js';
export type { Project, CreateProject, ProjectResourceCounter, ResourceCounterOptions, ProjectDeletionHook, ProjectHold } from './service.js';
export { ProjectStore, projectsMigration } from './store.js';
export { registerProjectRoutes } from './routes.js';
export * as ProjectErrors from './errors.js';
