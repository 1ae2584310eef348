import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS } from '../../../test/helpers/stores.js';
import { MemoryCache } from '../cache/index.js';
import { EventOutbox } from '../events/index.js';
import type { Store } from '../store/index.js';
import { JobStore } from './job-store.js';
import { Jobs } from './jobs.js';
import { JobWorker } from './worker.js';
import { until } from '../../../test/helpers/until.js';

describe.each(STORE_KINDS)('job worker on %s', (kind) => {
  let store: Store;
  let queue: JobStore;
  let outbox: EventOutbox;
  const workers: JobWorker[] = [];
  const newWorker = (q: JobStore, opts: ConstructorParameters<typeof JobWorker>[1] = {}) => {
    const w = new JobWorker(q, { pollMs: 20, outbox, ...opts });
    workers.push(w);
    return w;
  };
  const finalState = (id: string) => until(`job ${id} to finish`, async () => {
    const row = await queue.get('p', id);
    return row && ['succeeded', 'dead', 'cancelled'].includes(row.state) ? row : undefined;
  });
  beforeEach(async () => {
    store = await openTestStore(kind);
    await store.migrate();
    queue = new JobStore(store);
    outbox = new EventOutbox(store, new MemoryCache());
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    await store.close();
  });

  it('renews the lease of a job that outlives it, so a second worker polling meanwhile never claims it', async () => {
    const LEASE_MS = 300;
    const { job } = await queue.enqueue('p', 'slow', {});
    let runs = 0;
    let startedAt = Infinity;
    // Polls the second worker made once the first lease would have run out three times over.
    let latePolls = 0;
    const slow = async () => {
      runs++;
      startedAt = Date.now();
      // The job lasts until the other worker has polled several times after its first lease
      // (claimed at or before startedAt) would have expired three times had nobody renewed it.
      await until('the second worker to poll after the lease', () => (latePolls >= 3 ? true : undefined));
      return { slow: true };
    };
    const a = newWorker(queue);
    a.register('slow', slow, { leaseMs: LEASE_MS });
    a.start();
    await until('the first worker to start the job', () => (runs === 1 ? true : undefined));

    const queueB = new JobStore(store);
    const claim = queueB.claim.bind(queueB);
    queueB.claim = async (...args: Parameters<JobStore['claim']>) => {
      const at = Date.now();
      const rows = await claim(...args);
      if (at > startedAt + 3 * LEASE_MS) latePolls++;
      return rows;
    };
    const b = newWorker(queueB);
    b.register('slow', slow, { leaseMs: LEASE_MS });
    b.start();

    const done = await finalState(job.id);
    expect(runs).toBe(1);
    expect(done).toMatchObject({ state: 'succeeded', attempts: 1, worker_id: a.workerId, result: '{"slow":true}' });
  });

  it('runs at most the kind\'s concurrency at once, whatever the worker\'s default', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await queue.enqueue('p', 'batch', { i })).job.id);
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    // The default would let this worker take all five in its first poll.
    const worker = newWorker(queue, { pollMs: 10, defaultConcurrency: 8 });
    worker.register('batch', async (payload: { i: number }) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        // Work that spans several polls, so the worker has chances to claim more meanwhile.
        await new Promise((r) => setTimeout(r, 60));
        seen.push(payload.i);
        return null;
      } finally {
        inFlight--;
      }
    }, { concurrency: 2 });
    worker.start();
    for (const id of ids) expect((await finalState(id)).state).toBe('succeeded');
    expect(most).toBe(2);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('ends a reclaimed job whose cancel was requested as cancelled, without running it again', async () => {
    const jobs = new Jobs(queue, undefined, outbox);
    // A worker claimed it a minute ago and died: its one-second lease ran out long since.
    const aMinuteAgo = Date.now() - 60_000;
    const { job } = await queue.enqueue('p', 'orphan', {}, {}, aMinuteAgo);
    const [claimed] = await queue.claim(['orphan'], 1, 'dead-worker', 1000, aMinuteAgo);
    expect(claimed).toMatchObject({ id: job.id, state: 'running' });
    const asked = await jobs.cancel('p', job.id);
    expect(asked.metadata.state).toBe('RUNNING'); // only asked: nobody alive will see the request at a renewal

    let runs = 0;
    const worker = newWorker(queue);
    worker.register('orphan', async () => {
      runs++;
      return null;
    });
    worker.start();
    const done = await finalState(job.id);
    expect(runs).toBe(0);
    expect(done).toMatchObject({ state: 'cancelled', attempts: 2, worker_id: worker.workerId });
    expect((await jobs.get('p', job.id)).error).toMatchObject({ code: 1, message: 'cancelled by request' });
    const events = await outbox.list('p', { type: 'rouge.operation.done' }, 10);
    expect(events.map((e) => JSON.parse(e.data))).toEqual([{ name: `projects/p/operations/${job.id}`, kind: 'orphan', state: 'CANCELLED' }]);
  });

  it('ends a job cancelled during an attempt that then failed as cancelled instead of retrying it', async () => {
    const jobs = new Jobs(queue, undefined, outbox);
    const { job } = await queue.enqueue('p', 'flaky', {}, { maxAttempts: 3, backoffMs: 1 });
    let runs = 0;
    const worker = newWorker(queue);
    worker.register('flaky', async (_payload, ctx) => {
      runs++;
      // The cancel arrives, and the attempt fails before a lease renewal (every 10 s here) reports it.
      await jobs.cancel(ctx.project, ctx.id);
      throw new Error('failed on its own');
    }, { leaseMs: 30_000 });
    worker.start();
    const done = await finalState(job.id);
    expect(runs).toBe(1);
    expect(done).toMatchObject({ state: 'cancelled', attempts: 2 });
  });
});
