import { defineError, RougeError } from '../errors/index.js';

/*
 * Reasons raised by the cache. The message names no host: clients see that the
 * shared cache is down, operators find which one in the logged cause.
 */

export const CACHE_UNAVAILABLE = defineError('CACHE_UNAVAILABLE', 503, 'UNAVAILABLE', () =>
  'The shared cache is not reachable; retry later. Operators: check the Redis at REDIS_URL.');

/** True when the error is the cache being unreachable (a 503 to retry), not a bad call. */
export function isCacheUnavailable(err: unknown): boolean {
  return err instanceof RougeError && err.reason === CACHE_UNAVAILABLE.reason;
}
