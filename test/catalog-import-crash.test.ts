import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCatalog } from '../src/catalog/index.js';
import { EventOutbox, FileBlobStore, JobStore, JobWorker, Jobs, MemoryCache, openPostgresStore, openSqliteStore, type Store } from '../src/platform/index.js';
import { CATALOG_MIGRATIONS, jsonl, until } from './catalog-helpers.js';
import { STORE_KINDS, TEST_DATABASE_URL, freshSchema } from './helpers/stores.js';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const TOTAL = 6000;

describe.each(STORE_KINDS)('an import whose worker is killed on %s', (kind) => {
  it('resumes where the last committed chunk ended and counts every line exactly once', async () => {
    const blobDir = mkdtempSync(join(tmpdir(), 'rouge-imp-blobs-'));
    let store: Store;
    let args: string[];
    if (kind === 'sqlite') {
      const file = join(mkdtempSync(join(tmpdir(), 'rouge-imp-')), 'rouge.db');
      store = openSqliteStore(file, CATALOG_MIGRATIONS);
      args = [file];
    } else {
      const schema = freshSchema();
      store = openPostgresStore({ url: TEST_DATABASE_URL!, schema }, CATALOG_MIGRATIONS);
      args = [TEST_DATABASE_URL!, schema];
    }
    await store.migrate();
    const blobs = new FileBlobStore(blobDir);
    // Every tenth line is bad, so rejected lines must not be counted twice either.
    const lines = Array.from({ length: TOTAL }, (_, i) => (i % 10 === 9 ? { id: `X-${i}`, title: 'bad', categoryPath: 'not a list' } : { id: `X-${i}`, title: `Item ${i}`, categoryPath: ['A', 'B'] }));
    await blobs.put('in/items.jsonl', Readable.from([jsonl(lines)]));
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'test/catalog-import-worker.ts'), blobDir, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let worker: JobWorker | undefined;
    try {
      const queue = new JobStore(store);
      // The payload an items:import of a blobUri enqueues.
      const { job } = await queue.enqueue('p', 'catalog.items.import', { blobKey: 'in/items.jsonl', format: 'jsonl', staged: false });
      const db = store.db;
      const doneBy = async () => Number((await db.selectFrom('catalog_imports').select('records_done').where('operation', '=', job.id).executeTakeFirst())?.records_done ?? 0);
      await until('the child to commit a few chunks', async () => {
        if (child.exitCode !== null) throw new Error(`the import child exited (${child.exitCode}) before it committed 100 lines`);
        return (await doneBy()) >= 100 ? true : undefined;
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const atKill = await doneBy();
      expect(atKill).toBeLessThan(TOTAL); // killed mid-import, not after it

      const cache = new MemoryCache();
      const outbox = new EventOutbox(store, cache);
      worker = new JobWorker(queue, { pollMs: 20 });
      const catalog = await createCatalog({ store, blobs, outbox, cache, jobs: new Jobs(queue, worker, outbox), importChunkSize: 500, importLeaseMs: 1000 });
      for (const j of catalog.jobs) worker.register(j.kind, j.handler, j);
      worker.start();
      const row = await until('the import to finish', async () => {
        const r = await queue.get('p', job.id);
        return r?.state === 'succeeded' ? r : undefined;
      }, 30_000);
      expect(row.attempts).toBe(2);
      const result = JSON.parse(row.result!);
      expect(result).toMatchObject({ inserted: TOTAL * 0.9, updated: 0, rejected: TOTAL * 0.1 });
      expect(result.rejectionsTruncated).toBeUndefined();
      expect(result.rejections).toHaveLength(TOTAL * 0.1);
      expect(new Set(result.rejections.map((r: { line: number }) => r.line)).size).toBe(TOTAL * 0.1);
      const stored = await db.selectFrom('catalog_items').select((eb) => eb.fn.countAll().as('n')).where('project', '=', 'p').executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(TOTAL * 0.9);
    } finally {
      child.kill('SIGKILL');
      await worker?.stop();
      await store.close();
    }
  });
});
