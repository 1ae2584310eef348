import { PlatformErrors as E } from '../errors/index.js';

/**
 * Requests per second per key, in fixed one-second windows: a counter per
 * (key, second) incremented only while under the cap. That is exactly the
 * "increment with a cap" primitive the shared cache port will offer, so moving
 * the limit onto Redis changes the counter's home, not this logic.
 */
export class RateLimiter {
  private window = -1;
  private counts = new Map<string, number>();
  constructor(private readonly perSecond: number) {}

  /** Throws TOO_MANY_REQUESTS (429, Retry-After) when the key is over its limit this second. */
  take(key: string, now = Date.now()): void {
    if (this.perSecond <= 0) return;
    const second = Math.floor(now / 1000);
    if (second !== this.window) {
      this.window = second;
      this.counts.clear();
    }
    const n = this.counts.get(key) ?? 0;
    if (n >= this.perSecond) {
      throw E.TOO_MANY_REQUESTS({ retryAfterSeconds: 1 }, { headers: { 'retry-after': '1' } });
    }
    this.counts.set(key, n + 1);
  }
}
