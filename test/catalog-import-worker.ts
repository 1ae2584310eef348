/**
 * A worker process for the import crash test: it runs catalog imports in
 * small chunks until the test kills it with SIGKILL.
 * Usage: catalog-import-worker.ts <blob-dir> <sqlite-path | postgres-url> [schema]
 */
import { createCatalog } from '../src/catalog/index.js';
import { EventOutbox, FileBlobStore, JobStore, JobWorker, Jobs, MemoryCache, openPostgresStore, openSqliteStore } from '../src/platform/index.js';
import { CATALOG_MIGRATIONS } from './catalog-helpers.js';

const [blobDir, target, schema] = process.argv.slice(2);
const store = target!.startsWith('postgres') ? openPostgresStore({ url: target!, schema }, CATALOG_MIGRATIONS) : openSqliteStore(target!, CATALOG_MIGRATIONS);
const cache = new MemoryCache();
const outbox = new EventOutbox(store, cache);
const jobStore = new JobStore(store);
const worker = new JobWorker(jobStore, { pollMs: 20 });
const jobs = new Jobs(jobStore, worker, outbox);
const catalog = await createCatalog({ store, blobs: new FileBlobStore(blobDir!), outbox, cache, jobs, importChunkSize: 25, importLeaseMs: 1000 });
for (const j of catalog.jobs) worker.register(j.kind, j.handler, j);
worker.start();
process.stdout.write('ready\n');
// The worker's poll timer is unref'd and better-sqlite3 holds no handle: without
// this the child could exit with 0 before it claimed the import (seen under load).
setInterval(() => undefined, 60_000);
