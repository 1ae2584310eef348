/**
 * The cache port and its adapters: values with a TTL, counters incremented
 * under a cap, and publish/subscribe signals.
 */

/** The port every adapter implements, and the shapes it returns. */
export type { Cache, CappedIncrement, SignalHandler } from './cache.js';
/** The single-process adapter: a Map with expiry; signals stay in this process. */
export { MemoryCache } from './memory-cache.js';
export type { MemoryCacheOptions } from './memory-cache.js';
/** The shared adapter over Redis (ioredis): atomic capped increments in one Lua script, pub/sub across processes. */
export { RedisCache } from './redis-cache.js';
export type { RedisCacheOptions } from './redis-cache.js';
/** Picks the adapter from `redisUrl` and, for Redis, fails at start if it cannot be reached. */
export { openCache, CacheUnreachableError } from './open.js';
/** `CACHE_UNAVAILABLE` (503): Redis is away; callers retry, or degrade as their feature allows. */
export { CACHE_UNAVAILABLE, isCacheUnavailable } from './errors.js';
