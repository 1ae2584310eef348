import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from './cache.js';

/** Registers nothing: behaviours that do not apply to an adapter are left out, not reported as skipped. */
const registerNothing = ((..._args: unknown[]) => undefined) as unknown as typeof it;

export interface CacheSuiteOptions {
  /**
   * True when two instances from `make` share state and signals (Redis on one
   * URL and prefix); false when each instance is its own world (memory).
   */
  shared: boolean;
}

/** Polls until `check` returns true; fails with `what` after the deadline. Timing is never asserted. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The cache port's contract, run against every adapter. `make` returns an
 * open cache; instances may share a Redis, so every test works under names of
 * its own.
 */
export function describeCache(name: string, make: () => Promise<Cache>, options: CacheSuiteOptions): void {
  describe(`cache contract: ${name}`, () => {
    let cache: Cache;
    let others: Cache[];
    /** A key or channel no other test (or test file) uses. */
    let n: (what: string) => string;
    const another = async () => {
      const c = await make();
      others.push(c);
      return c;
    };
    beforeEach(async () => {
      cache = await make();
      others = [];
      const id = randomBytes(4).toString('hex');
      n = (what) => `${id}:${what}`;
    });
    afterEach(async () => {
      await Promise.all([cache, ...others].map((c) => c.close()));
    });

    describe('values', () => {
      it('gets what was set, and undefined for a missing key', async () => {
        await cache.set(n('a'), 'Rouge à lèvres 💄');
        expect(await cache.get(n('a'))).toBe('Rouge à lèvres 💄');
        expect(await cache.get(n('missing'))).toBeUndefined();
      });

      it('overwrites, and deletes (a missing key too)', async () => {
        await cache.set(n('a'), 'one');
        await cache.set(n('a'), 'two');
        expect(await cache.get(n('a'))).toBe('two');
        await cache.delete(n('a'));
        await cache.delete(n('never-set'));
        expect(await cache.get(n('a'))).toBeUndefined();
      });

      it('expires a value after its TTL', async () => {
        const started = Date.now();
        await cache.set(n('short'), 'v', 50);
        const early = await cache.get(n('short'));
        // Only a read that surely happened within the TTL may expect the value.
        if (Date.now() - started < 50) expect(early).toBe('v');
        await eventually('the value expires', async () => (await cache.get(n('short'))) === undefined);
      });

      it('keeps a value set without TTL, even when it replaced one with a TTL', async () => {
        await cache.set(n('k'), 'old', 50);
        await cache.set(n('k'), 'new');
        await cache.set(n('sentinel'), 'x', 50);
        // The sentinel expires no earlier than the replaced TTL would have.
        await eventually('the sentinel expires', async () => (await cache.get(n('sentinel'))) === undefined);
        expect(await cache.get(n('k'))).toBe('new');
      });

      it('refuses a TTL that is not whole milliseconds', async () => {
        await expect(cache.set(n('k'), 'v', 1.5)).rejects.toThrow(RangeError);
        await expect(cache.set(n('k'), 'v', -1)).rejects.toThrow(RangeError);
      });
    });

    describe('counters', () => {
      it('reads an absent counter as 0', async () => {
        expect(await cache.counter(n('c'))).toBe(0);
      });

      it('increments while under the cap, and refuses past it leaving the value unchanged', async () => {
        const c = n('c');
        expect(await cache.incrementCapped(c, 3, 5)).toEqual({ ok: true, value: 3 });
        expect(await cache.incrementCapped(c, 3, 5)).toEqual({ ok: false, value: 3 });
        expect(await cache.counter(c)).toBe(3);
        expect(await cache.incrementCapped(c, 2, 5)).toEqual({ ok: true, value: 5 });
        expect(await cache.incrementCapped(c, 1, 5)).toEqual({ ok: false, value: 5 });
        expect(await cache.counter(c)).toBe(5);
        expect(await cache.get(c)).toBe('5');
      });

      it('reads several counters at once, in order, absent ones as 0', async () => {
        await cache.incrementCapped(n('a'), 4, 10);
        await cache.incrementCapped(n('b'), 7, 10);
        expect(await cache.counters([n('b'), n('missing'), n('a')])).toEqual([7, 0, 4]);
        expect(await cache.counters([])).toEqual([]);
        await cache.set(n('text'), 'hello');
        await expect(cache.counters([n('a'), n('text')])).rejects.toThrow(/integer/);
      });

      it('does not create a counter when the first increment is refused', async () => {
        expect(await cache.incrementCapped(n('c'), 10, 5, 60_000)).toEqual({ ok: false, value: 0 });
        expect(await cache.get(n('c'))).toBeUndefined();
      });

      it('accepts a negative increment (a refund), which never hits the cap', async () => {
        await cache.incrementCapped(n('c'), 5, 5);
        expect(await cache.incrementCapped(n('c'), -2, 5)).toEqual({ ok: true, value: 3 });
      });

      it('refuses increments that are not safe integers', async () => {
        await expect(cache.incrementCapped(n('c'), 0.5, 10)).rejects.toThrow(RangeError);
        await expect(cache.incrementCapped(n('c'), 1, Number.NaN)).rejects.toThrow(RangeError);
        await expect(cache.incrementCapped(n('c'), 1, 10, 2.5)).rejects.toThrow(RangeError);
      });

      it('refuses to count on a value that is not an integer', async () => {
        await cache.set(n('text'), 'hello');
        await expect(cache.incrementCapped(n('text'), 1, 10)).rejects.toThrow(/integer/);
        await expect(cache.counter(n('text'))).rejects.toThrow(/integer/);
      });

      it('applies exactly cap of 200 concurrent increments', async () => {
        // Split across two instances when they share state: two processes racing.
        const peers = options.shared ? [cache, await another()] : [cache];
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => peers[i % peers.length]!.incrementCapped(n('race'), 1, 50)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(50);
        expect(results.filter((r) => r.ok).map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(await cache.counter(n('race'))).toBe(50);
      });

      it('gives a counter its TTL on first use and starts again at 0 when it expires', async () => {
        expect(await cache.incrementCapped(n('w'), 1, 10, 50)).toEqual({ ok: true, value: 1 });
        await eventually('the counter expires', async () => (await cache.counter(n('w'))) === 0);
        expect(await cache.incrementCapped(n('w'), 1, 10, 50)).toMatchObject({ ok: true, value: 1 });
      });

      it('keeps the first expiry: later increments do not extend the window', async () => {
        const first = await cache.incrementCapped(n('w'), 1, 1_000_000, 100);
        expect(first.value).toBe(1);
        // A sliding window would never restart while increments keep coming.
        await eventually('a new window starts', async () => (await cache.incrementCapped(n('w'), 1, 1_000_000, 100)).value === 1);
      });
    });

    describe('signals', () => {
      it('delivers a message to a subscriber', async () => {
        const got: string[] = [];
        await cache.subscribe(n('ch'), (m) => got.push(m));
        await cache.publish(n('ch'), 'alias moved 💄');
        await eventually('the message arrives', () => got.length === 1);
        expect(got).toEqual(['alias moved 💄']);
      });

      it('delivers to every subscriber, including the same function twice', async () => {
        const a: string[] = [];
        const b: string[] = [];
        const push = (m: string) => a.push(m);
        await cache.subscribe(n('ch'), push);
        await cache.subscribe(n('ch'), push);
        await cache.subscribe(n('ch'), (m) => b.push(m));
        await cache.publish(n('ch'), 'x');
        await eventually('both receive it', () => a.length === 2 && b.length === 1);
      });

      it('stops delivering after unsubscribe, to that handler only', async () => {
        const gone: string[] = [];
        const kept: string[] = [];
        const unsubscribe = await cache.subscribe(n('ch'), (m) => gone.push(m));
        await cache.subscribe(n('ch'), (m) => kept.push(m));
        await unsubscribe();
        await unsubscribe();
        await cache.publish(n('ch'), 'after');
        await cache.publish(n('ch'), 'last');
        // Delivery is in publish order, so once `kept` has the last message `gone` would have had both.
        await eventually('the kept handler has both', () => kept.length === 2);
        expect(gone).toEqual([]);
      });

      it('subscribes again after the last handler left', async () => {
        const got: string[] = [];
        const unsubscribe = await cache.subscribe(n('ch'), () => undefined);
        await unsubscribe();
        await cache.subscribe(n('ch'), (m) => got.push(m));
        await cache.publish(n('ch'), 'back');
        await eventually('the message arrives', () => got.length === 1);
      });

      it('does not deliver on another channel, and publishes with no subscriber', async () => {
        const got: string[] = [];
        await cache.publish(n('nobody'), 'x');
        await cache.subscribe(n('b'), (m) => got.push(m));
        await cache.publish(n('a'), 'wrong channel');
        await cache.publish(n('b'), 'right channel');
        await eventually('the message arrives', () => got.length > 0);
        expect(got).toEqual(['right channel']);
      });

      it('never runs a handler inside publish', async () => {
        let published = false;
        let sawPublished: boolean | undefined;
        await cache.subscribe(n('ch'), () => {
          sawPublished = published;
        });
        const p = cache.publish(n('ch'), 'x');
        published = true;
        await p;
        await eventually('the message arrives', () => sawPublished !== undefined);
        expect(sawPublished).toBe(true);
      });

      it('keeps delivering to other handlers when one throws', async () => {
        const got: string[] = [];
        await cache.subscribe(n('ch'), () => {
          throw new Error('a broken subscriber');
        });
        await cache.subscribe(n('ch'), (m) => got.push(m));
        await cache.publish(n('ch'), 'one');
        await cache.publish(n('ch'), 'two');
        await eventually('both messages arrive', () => got.length === 2);
        expect(got).toEqual(['one', 'two']);
      });

      (options.shared ? it : registerNothing)('reaches a subscriber on another instance', async () => {
        const other = await another();
        const got: string[] = [];
        await other.subscribe(n('ch'), (m) => got.push(m));
        await cache.publish(n('ch'), 'campaign paused');
        await eventually('the other instance receives it', () => got.length === 1);
        expect(got).toEqual(['campaign paused']);
        // And the same counters.
        await cache.incrementCapped(n('c'), 2, 10);
        expect(await other.counter(n('c'))).toBe(2);
      });

      (options.shared ? registerNothing : it)('keeps instances apart (one process each)', async () => {
        const other = await another();
        const got: string[] = [];
        await other.subscribe(n('ch'), (m) => got.push(m));
        await cache.subscribe(n('ch'), (m) => got.push(`self:${m}`));
        await cache.publish(n('ch'), 'x');
        await eventually('this instance receives it', () => got.length > 0);
        expect(got).toEqual(['self:x']);
        await cache.set(n('k'), 'v');
        expect(await other.get(n('k'))).toBeUndefined();
      });
    });

    it('closes more than once without error', async () => {
      const c = await another();
      await c.close();
      await c.close();
    });
  });
}
