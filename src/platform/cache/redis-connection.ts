import type { Redis, RedisOptions } from 'ioredis';

/** How long a reconnecting client waits between attempts, at most. */
export const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Connection options chosen for a request path: fail fast, never hang, never
 * double-count. ioredis's defaults (queue commands while offline, retry them
 * 20 times, resend unanswered ones) would make a request wait for as long as
 * Redis is away and could apply an increment twice.
 */
export function redisOptions(connectionName: string): RedisOptions {
  return {
    connectionName,
    // Keep trying forever: Redis coming back must not need a Rouge restart.
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // While disconnected a command fails at once (CACHE_UNAVAILABLE) instead of
    // joining a queue that grows for as long as Redis is down.
    enableOfflineQueue: false,
    // A command in flight when the connection drops fails rather than being
    // retried: INCRBY is not idempotent, and the caller can decide to retry.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // A connection that is open but silent (a network partition, no RST) still
    // answers a request within a bounded time.
    commandTimeout: 1000,
    connectTimeout: 2000,
    keepAlive: 10_000,
    // RedisCache re-subscribes itself on 'ready': ioredis's own re-subscribe
    // leaves its promise unhandled, which would crash the process if the
    // connection dropped again before Redis answered.
    autoResubscribe: false,
  };
}

/** `Redis at host:port`, with TLS and database when not the default; never the password. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    const tls = u.protocol === 'rediss:' ? ' (TLS)' : '';
    const db = u.pathname.replace(/^\//, '');
    return `Redis${tls} at ${u.hostname}:${u.port || '6379'}${db && db !== '0' ? `/${db}` : ''}`;
  } catch {
    return 'Redis at (unparseable URL)';
  }
}

/** Resolves when the connection is ready for commands; rejects after `timeoutMs` with the last connection error. */
export function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  if (redis.status === 'end') return Promise.reject(new Error('the connection is closed'));
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (e: Error) => {
      lastError = e;
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('the connection was closed'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`not ready within ${timeoutMs} ms${lastError ? ` (${lastError.message})` : ''}`, { cause: lastError }));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady).off('error', onError).off('end', onEnd);
    };
    redis.on('ready', onReady).on('error', onError).on('end', onEnd);
  });
}
