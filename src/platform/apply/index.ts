/**
 * Apply records: for each source of `rouge apply` (a directory of resource
 * files in git), the resources it manages, so pruning deletes only what that
 * source made and never what was made by hand.
 */
export { ApplyRecordStore, applyRecordsMigration } from './store.js';
export type { ManagedResource } from './store.js';
export { registerApplyRecordRoutes, type ApplyAuthorizer } from './routes.js';
export * as ApplyErrors from './errors.js';
