import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS, TEST_DATABASE_URL, freshSchema } from '../../../test/helpers/stores.js';
import { ALL_MIGRATIONS } from '../../app.js';
import { openPostgresStore, type Store } from '../store/index.js';
import { JobStore } from './job-store.js';

describe.each(STORE_KINDS)('job queue on %s', (kind) => {
  let store: Store;
  let jobs: JobStore;
  const T0 = Date.parse('2026-11-27T00:00:00.000Z');
  beforeEach(async () => {
    store = await openTestStore(kind);
    await store.migrate();
    jobs = new JobStore(store);
  });
  afterEach(async () => {
    await store.close();
  });

  it('hands a due job to one worker and records its result', async () => {
    const { job } = await jobs.enqueue('p', 'train', { lr: 0.1 }, {}, T0);
    const [claimed] = await jobs.claim(['train'], 5, 'w1', 1000, T0);
    expect(claimed).toMatchObject({ id: job.id, state: 'running', attempts: 1, worker_id: 'w1' });
    expect(await jobs.claim(['train'], 5, 'w2', 1000, T0)).toEqual([]);
    expect(await jobs.succeed(claimed!, 'w1', { auc: 0.8 }, T0 + 10)).toBe(true);
    expect(await jobs.get('p', job.id)).toMatchObject({ state: 'succeeded', result: '{"auc":0.8}' });
  });

  it('returns the existing job for a repeated idempotency key', async () => {
    const a = await jobs.enqueue('p', 'tag', {}, { idempotencyKey: 'batch-7' }, T0);
    const b = await jobs.enqueue('p', 'tag', { other: true }, { idempotencyKey: 'batch-7' }, T0);
    expect(b).toMatchObject({ created: false, job: { id: a.job.id } });
    expect((await jobs.enqueue('q', 'tag', {}, { idempotencyKey: 'batch-7' }, T0)).created).toBe(true);
  });

  it('does not hand out a job before runAt, nor a job of another kind', async () => {
    await jobs.enqueue('p', 'later', {}, { runAt: new Date(T0 + 60_000) }, T0);
    expect(await jobs.claim(['later'], 1, 'w', 1000, T0 + 59_999)).toEqual([]);
    expect(await jobs.claim(['other'], 1, 'w', 1000, T0 + 60_000)).toEqual([]);
    expect(await jobs.claim(['later'], 1, 'w', 1000, T0 + 60_000)).toHaveLength(1);
  });

  it('retries a failed attempt with exponential backoff, then marks it dead with the error kept', async () => {
    const { job } = await jobs.enqueue('p', 'flaky', {}, { maxAttempts: 3, backoffMs: 100 }, T0);
    let now = T0;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [row] = await jobs.claim(['flaky'], 1, 'w', 1000, now);
      expect(row!.attempts).toBe(attempt);
      const outcome = await jobs.fail(row!, 'w', { status: 'INTERNAL', message: `boom ${attempt}` }, now);
      const after = (await jobs.get('p', job.id))!;
      if (attempt < 3) {
        expect(outcome).toBe('retry');
        delays.push(Date.parse(after.run_at) - now);
        expect(await jobs.claim(['flaky'], 1, 'w', 1000, Date.parse(after.run_at) - 1)).toEqual([]);
        now = Date.parse(after.run_at);
      } else {
        expect(outcome).toBe('dead');
        expect(after.state).toBe('dead');
        expect(JSON.parse(after.error!)).toEqual({ status: 'INTERNAL', message: 'boom 3' });
      }
    }
    expect(delays).toEqual([100, 200]);
  });

  it('gives a crashed worker\'s job to another after its lease, and ignores the late one', async () => {
    const { job } = await jobs.enqueue('p', 'long', {}, {}, T0);
    const [first] = await jobs.claim(['long'], 1, 'dead-worker', 1000, T0);
    expect(await jobs.claim(['long'], 1, 'w2', 1000, T0 + 999)).toEqual([]);
    const [second] = await jobs.claim(['long'], 1, 'w2', 1000, T0 + 1001);
    expect(second).toMatchObject({ id: job.id, attempts: 2, worker_id: 'w2' });
    expect(await jobs.renew(first!, 'dead-worker', 1000, T0 + 1002)).toBeUndefined();
    expect(await jobs.succeed(first!, 'dead-worker', 'late', T0 + 1003)).toBe(false);
    expect(await jobs.succeed(second!, 'w2', 'on time', T0 + 1004)).toBe(true);
    expect((await jobs.get('p', job.id))!.result).toBe('"on time"');
  });

  it('cancels a queued job at once and asks a running one to stop', async () => {
    const { job: queued } = await jobs.enqueue('p', 'k', {}, {}, T0);
    expect((await jobs.cancel('p', queued.id, T0)).row!.state).toBe('cancelled');
    expect(await jobs.claim(['k'], 1, 'w', 1000, T0)).toEqual([]);
    const { job: running } = await jobs.enqueue('p', 'k', {}, {}, T0);
    const [row] = await jobs.claim(['k'], 1, 'w', 1000, T0);
    expect((await jobs.cancel('p', running.id, T0)).row!.state).toBe('running');
    expect(await jobs.renew(row!, 'w', 1000, T0 + 1)).toEqual({ cancelRequested: true });
    expect(await jobs.cancelled(row!, 'w', T0 + 2)).toBe(true);
    expect((await jobs.get('p', running.id))!.state).toBe('cancelled');
  });

  it('keeps projects apart', async () => {
    const { job } = await jobs.enqueue('p1', 'k', {}, {}, T0);
    expect(await jobs.get('p2', job.id)).toBeUndefined();
    expect(await jobs.list('p2', {}, 10)).toEqual([]);
    expect((await jobs.cancel('p2', job.id)).row).toBeUndefined();
  });
});

describe.runIf(TEST_DATABASE_URL)('job queue on PostgreSQL with racing workers', () => {
  it('hands each job to exactly one of two workers per attempt', async () => {
    const schema = freshSchema();
    const a = openPostgresStore({ url: TEST_DATABASE_URL!, schema, poolSize: 4 }, ALL_MIGRATIONS);
    const b = openPostgresStore({ url: TEST_DATABASE_URL!, schema, poolSize: 4 }, ALL_MIGRATIONS);
    try {
      await a.migrate();
      const qa = new JobStore(a);
      const qb = new JobStore(b);
      // Both pools connected before the race: a pool opening its first connection while the other drains everything races nothing.
      await Promise.all([qa.claim(['warm-up'], 1, 'w', 1), qa.claim(['warm-up'], 1, 'w', 1), qb.claim(['warm-up'], 1, 'w', 1), qb.claim(['warm-up'], 1, 'w', 1)]);
      for (let i = 0; i < 200; i++) await qa.enqueue('p', 'race', { i });
      const seen = new Map<string, string>();
      const drain = async (q: JobStore, name: string) => {
        for (;;) {
          const rows = await q.claim(['race'], 7, name, 60_000);
          if (rows.length === 0) return;
          for (const r of rows) {
            expect(seen.has(r.id), `job ${r.id} claimed twice`).toBe(false);
            seen.set(r.id, name);
          }
          // Let the other workers' claims in between, as a worker busy with its batch would.
          await new Promise((r) => setImmediate(r));
        }
      };
      await Promise.all([drain(qa, 'a'), drain(qb, 'b'), drain(qa, 'a2'), drain(qb, 'b2')]);
      expect(seen.size).toBe(200);
      const byWorker = [...seen.values()].reduce<Record<string, number>>((acc, w) => ({ ...acc, [w]: (acc[w] ?? 0) + 1 }), {});
      expect(Object.keys(byWorker).length).toBeGreaterThan(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
