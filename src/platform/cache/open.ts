import { redactUrl } from '../config/index.js';
import type { Cache } from './cache.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';

/** How long openCache waits for Redis before giving up at start: long enough for a container starting beside Rouge. */
const START_TIMEOUT_MS = 5000;

/** Thrown when Redis cannot be reached at start; the message names it, password redacted. */
export class CacheUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const why = (cause as Error)?.message || String(cause);
    super(`cannot reach the cache (Redis at ${redactUrl(url)}): ${why}`, { cause });
    this.name = 'CacheUnreachableError';
  }
}

/**
 * Chooses the cache adapter from configuration: Redis when a URL is set,
 * otherwise memory. Waits for Redis to answer, so a cache that is down is
 * reported at start rather than as 503s on the first requests.
 */
export async function openCache(
  config: { redisUrl?: string | undefined },
  options: {
    keyPrefix?: string;
    startTimeoutMs?: number;
    /** Where a throwing signal handler is reported (the app's logger); default a process warning. */
    onHandlerError?: (error: unknown, channel: string) => void;
  } = {},
): Promise<Cache> {
  const { keyPrefix, onHandlerError } = options;
  if (!config.redisUrl) return new MemoryCache(onHandlerError ? { onHandlerError } : {});
  const cache = new RedisCache(config.redisUrl, { ...(keyPrefix === undefined ? {} : { keyPrefix }), ...(onHandlerError ? { onHandlerError } : {}) });
  try {
    await cache.ready(options.startTimeoutMs ?? START_TIMEOUT_MS);
  } catch (e) {
    await cache.close();
    throw new CacheUnreachableError(config.redisUrl, e);
  }
  return cache;
}
