import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../platform/index.js';
import { Budgets } from './budget.js';

describe('spend counters', () => {
  it('charges within the daily and total budgets only, moving neither counter on a refusal', async () => {
    const cache = new MemoryCache();
    const b = new Budgets(cache, async () => 0);
    expect(await b.charge('p', 'c', '2026-12-06', 40, 100, 1000)).toEqual({ ok: true, totalAfter: 40 });
    expect(await b.charge('p', 'c', '2026-12-06', 40, 100, 1000)).toEqual({ ok: true, totalAfter: 80 });
    expect(await b.charge('p', 'c', '2026-12-06', 40, 100, 1000)).toEqual({ ok: false, spent: 'daily' });
    // A new day has its own daily counter; the total goes on.
    expect(await b.charge('p', 'c', '2026-12-07', 40, 100, 100)).toEqual({ ok: false, spent: 'total' });
    expect(await b.snapshot('p', ['c'], '2026-12-07')).toEqual({ today: [0], total: [80] });
  });

  it('rebuilds lost counters from the ledger before charging again', async () => {
    const cache = new MemoryCache();
    const ledger: Array<{ day: string; amount: number }> = [];
    const b = new Budgets(cache, async (_p, _c, day) => ledger.filter((r) => day === undefined || r.day === day).reduce((n, r) => n + r.amount, 0));
    for (let i = 0; i < 2; i++) {
      expect((await b.charge('p', 'c', 'd1', 40, 100, null)).ok).toBe(true);
      ledger.push({ day: 'd1', amount: 40 });
    }
    // The cache loses everything (a Redis restart without persistence).
    for (const key of [b.dailyKey('p', 'c', 'd1'), `${b.dailyKey('p', 'c', 'd1')}:seeded`, b.totalKey('p', 'c'), `${b.totalKey('p', 'c')}:seeded`]) await cache.delete(key);
    expect(await b.charge('p', 'c', 'd1', 40, 100, null)).toEqual({ ok: false, spent: 'daily' });
    expect(await b.snapshot('p', ['c'], 'd1')).toEqual({ today: [80], total: [80] });
  });

  it('never rebuilds a counter another charge has just rebuilt (its charges would be lost)', async () => {
    const cache = new MemoryCache();
    // The ledger lags: charges counted on the counter are not in it yet.
    const b = new Budgets(cache, async () => 0);
    expect((await b.charge('p', 'c', 'd1', 40, 100, null)).ok).toBe(true);
    // A charge that looked before the first one seeded (both flags unset) arrives late: it must not reset the counter.
    const late = new Budgets(cache, async () => 0) as unknown as { seed(c: string, key: string, done: string, sum: () => Promise<number>, ttl: number): Promise<void> };
    await late.seed('c', b.dailyKey('p', 'c', 'd1'), `${b.dailyKey('p', 'c', 'd1')}:seeded`, async () => 0, 0);
    expect(await b.snapshot('p', ['c'], 'd1')).toEqual({ today: [40], total: [40] });
    expect((await b.charge('p', 'c', 'd1', 40, 100, null)).ok).toBe(true);
    expect((await b.charge('p', 'c', 'd1', 40, 100, null)).ok).toBe(false);
  });

  it('lets one of many concurrent first charges rebuild, and the rest wait for it', async () => {
    const cache = new MemoryCache();
    let reads = 0;
    const b = new Budgets(cache, async () => {
      reads++;
      await new Promise((r) => setTimeout(r, 30));
      return 60;
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => b.charge('p', 'c', 'd1', 10, 100, null)));
    expect(results.filter((r) => r.ok)).toHaveLength(4);
    // One read per counter (the day's and the total), not one per charge.
    expect(reads).toBe(2);
  });
});
