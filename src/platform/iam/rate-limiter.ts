import type { Cache } from '../cache/index.js';
import { isCacheUnavailable } from '../cache/index.js';
import { PlatformErrors as E } from '../errors/index.js';

/**
 * Requests per second per key, in fixed one-second windows, counted on the
 * shared cache with an increment capped at the limit (one round trip, atomic),
 * so the limit holds across every process sharing Redis. When the cache cannot
 * be reached the limiter lets requests through: a Redis outage must not take
 * the whole API down with it.
 */
export class RateLimiter {
  constructor(private readonly cache: Cache, private readonly perSecond: number) {}

  /** False when the limit is off (0): callers can then skip the call and its promise. */
  get enabled(): boolean {
    return this.perSecond > 0;
  }

  /** Throws TOO_MANY_REQUESTS (429, Retry-After: 1) when the key is over its limit this second. */
  async take(key: string, now = Date.now()): Promise<void> {
    if (this.perSecond <= 0) return;
    const second = Math.floor(now / 1000);
    let ok = true;
    try {
      ({ ok } = await this.cache.incrementCapped(`rl:${key}:${second}`, 1, this.perSecond, 2000));
    } catch (e) {
      if (!isCacheUnavailable(e)) throw e;
    }
    if (!ok) throw E.TOO_MANY_REQUESTS({ retryAfterSeconds: 1 }, { headers: { 'retry-after': '1' } });
  }
}
