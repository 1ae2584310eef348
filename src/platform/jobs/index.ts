/**
 * Background jobs: a durable queue in the store (SQLite table, or PostgreSQL
 * with FOR UPDATE SKIP LOCKED), workers with leases, retries with exponential
 * backoff and a dead state, cancellation; jobs surface as Operations.
 */
export { JobStore } from './job-store.js';
export type { EnqueueOptions } from './job-store.js';
export { JobWorker } from './worker.js';
export type { JobHandler, JobContext, HandlerOptions, WorkerOptions } from './worker.js';
export { Jobs } from './jobs.js';
export { toOperation } from './operation.js';
export type { Operation } from './operation.js';
export { registerOperationRoutes, OperationSchema } from './routes.js';
export { jobsMigration, jobRequestHashMigration } from './tables.js';
export type { JobRow, JobState } from './tables.js';
export * as JobErrors from './errors.js';
