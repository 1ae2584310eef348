import { Redis } from 'ioredis';
import { checkIncrement, checkTtl, warnHandlerError } from './arguments.js';
import type { Cache, CappedIncrement, SignalHandler } from './cache.js';
import { CACHE_UNAVAILABLE } from './errors.js';
import { describeRedisUrl, redisOptions, waitUntilReady } from './redis-connection.js';

export interface RedisCacheOptions {
  /** Prepended to every key and channel, so several deployments can share one Redis. Default `rouge:`. */
  keyPrefix?: string;
  /** Called when a signal handler throws; the default emits a process warning. */
  onHandlerError?: (error: unknown, channel: string) => void;
}

/** How long subscribe() waits for the (lazily opened) subscriber connection. */
const SUBSCRIBER_READY_MS = 2000;

/*
 * Read, compare and add in one script: Redis runs it without interleaving any
 * other command, so no two processes can both pass the cap. The expiry is set
 * only when the script created the key, which makes windows fixed, not sliding.
 */
const INCREMENT_CAPPED = `
local current = redis.call('GET', KEYS[1])
local value = 0
if current then
  value = tonumber(current)
  if value == nil then return redis.error_reply('ERR value is not an integer counter') end
end
local by = tonumber(ARGV[1])
if value + by > tonumber(ARGV[2]) then return {0, value} end
local after = redis.call('INCRBY', KEYS[1], by)
local ttl = tonumber(ARGV[3])
if not current and ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, after}
`;

interface WithScripts {
  rougeIncrementCapped(key: string, by: number, cap: number, ttlMs: number): Promise<[number, number]>;
}

/** Reply errors that mean "Redis cannot serve now", not "this call was wrong". */
const UNAVAILABLE_REPLY = /^(LOADING|MASTERDOWN|BUSY|READONLY|NOAUTH|WRONGPASS|TRYAGAIN|CLUSTERDOWN|OOM)\b/;

/**
 * The cache shared by many processes: one command connection, and one
 * subscriber connection opened on the first subscribe. Both reconnect forever;
 * while Redis is away every call fails at once with CACHE_UNAVAILABLE, and
 * subscriptions are restored when it returns (what was published meanwhile is lost).
 */
export class RedisCache implements Cache {
  readonly description: string;
  private readonly redis: Redis & WithScripts;
  private readonly prefix: string;
  private readonly onHandlerError: (error: unknown, channel: string) => void;
  /** Handlers by full (prefixed) channel name. */
  private readonly channels = new Map<string, Set<SignalHandler>>();
  private subscriber: Redis | undefined;
  private closed = false;

  constructor(url: string, options: RedisCacheOptions = {}) {
    this.description = describeRedisUrl(url);
    this.prefix = options.keyPrefix ?? 'rouge:';
    this.onHandlerError = options.onHandlerError ?? warnHandlerError;
    this.redis = new Redis(url, redisOptions('rouge-cache')) as Redis & WithScripts;
    // Without a listener ioredis prints every connection error; the state is
    // reported through CACHE_UNAVAILABLE and readiness instead.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('rougeIncrementCapped', { numberOfKeys: 1, lua: INCREMENT_CAPPED });
  }

  /** Resolves once connected; openCache uses it to report an unreachable Redis at start. */
  ready(timeoutMs: number): Promise<void> {
    return waitUntilReady(this.redis, timeoutMs);
  }

  /** One round trip; for readiness checks. Throws CACHE_UNAVAILABLE. */
  async ping(): Promise<void> {
    await this.run(this.redis.ping());
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.run(this.redis.get(this.prefix + key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    checkTtl(ttlMs);
    await this.run(ttlMs ? this.redis.set(this.prefix + key, value, 'PX', ttlMs) : this.redis.set(this.prefix + key, value));
  }

  async delete(key: string): Promise<void> {
    await this.run(this.redis.del(this.prefix + key));
  }

  async incrementCapped(key: string, by: number, cap: number, ttlMs?: number): Promise<CappedIncrement> {
    checkIncrement(by, cap, ttlMs);
    const [ok, value] = await this.run(this.redis.rougeIncrementCapped(this.prefix + key, by, cap, ttlMs ?? 0));
    return { ok: ok === 1, value };
  }

  async counter(key: string): Promise<number> {
    return toCounter(key, await this.run(this.redis.get(this.prefix + key)));
  }

  async counters(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const raw = await this.run(this.redis.mget(keys.map((k) => this.prefix + k)));
    return raw.map((r, i) => toCounter(keys[i]!, r));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.run(this.redis.publish(this.prefix + channel, message));
  }

  async subscribe(channel: string, handler: SignalHandler): Promise<() => Promise<void>> {
    const full = this.prefix + channel;
    // Wrapped so the same function subscribed twice is two subscriptions.
    const own: SignalHandler = (message) => handler(message);
    let handlers = this.channels.get(full);
    if (handlers === undefined) this.channels.set(full, (handlers = new Set()));
    handlers.add(own);
    try {
      const sub = await this.subscriberConnection();
      // Sent even when the channel already has handlers: SUBSCRIBE is
      // idempotent, and its reply is what tells this caller the channel is live.
      await this.run(sub.subscribe(full));
    } catch (e) {
      this.removeHandler(full, own);
      throw e;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      // Sent in the same turn as the map update, so a later subscribe's
      // SUBSCRIBE always reaches Redis after this UNSUBSCRIBE.
      if (this.removeHandler(full, own) && this.subscriber && !this.closed) {
        // A failed UNSUBSCRIBE leaves a channel nobody handles: messages on it are dropped here.
        await this.subscriber.unsubscribe(full).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    await Promise.all([this.redis, this.subscriber].map(async (c) => {
      if (c === undefined) return;
      // QUIT lets replies in flight arrive; when offline it cannot be sent, so just drop the socket.
      await c.quit().catch(() => c.disconnect());
    }));
  }

  private async subscriberConnection(): Promise<Redis> {
    if (this.closed) throw CACHE_UNAVAILABLE(undefined, { cause: new Error(`${this.description}: the cache is closed`) });
    if (this.subscriber === undefined) {
      const sub = this.redis.duplicate(redisOptions('rouge-cache-signals'));
      sub.on('error', () => undefined);
      sub.on('message', (channel: string, message: string) => this.dispatch(channel, message));
      sub.on('ready', () => {
        const channels = [...this.channels.keys()];
        // After a reconnect; on the first connect this repeats a pending SUBSCRIBE, which is harmless.
        if (channels.length > 0) sub.subscribe(...channels).catch(() => undefined);
      });
      this.subscriber = sub;
    }
    try {
      await waitUntilReady(this.subscriber, SUBSCRIBER_READY_MS);
    } catch (e) {
      throw this.unavailable(e);
    }
    return this.subscriber;
  }

  private dispatch(channel: string, message: string): void {
    const handlers = this.channels.get(channel);
    if (handlers === undefined) return;
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (e) {
        this.onHandlerError(e, channel.slice(this.prefix.length));
      }
    }
  }

  /** Removes one handler; true when it was the channel's last. */
  private removeHandler(full: string, handler: SignalHandler): boolean {
    const handlers = this.channels.get(full);
    if (handlers === undefined || !handlers.delete(handler) || handlers.size > 0) return false;
    this.channels.delete(full);
    return true;
  }

  private async run<T>(command: Promise<T>): Promise<T> {
    try {
      return await command;
    } catch (e) {
      throw this.isUnavailable(e) ? this.unavailable(e) : e;
    }
  }

  private isUnavailable(e: unknown): boolean {
    const err = e as { name?: string; message?: string } | undefined;
    // Anything but a reply from Redis is the connection failing (refused, closed, timed out, offline).
    if (err?.name !== 'ReplyError') return true;
    return UNAVAILABLE_REPLY.test(err.message ?? '');
  }

  private unavailable(e: unknown) {
    // The cause names the Redis (no password) for the operator's log; the client message does not.
    const why = e instanceof Error ? e.message : String(e);
    return CACHE_UNAVAILABLE(undefined, { cause: new Error(`${this.description}: ${why}`, { cause: e }) });
  }
}

function toCounter(key: string, raw: string | null): number {
  if (raw === null) return 0;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new TypeError(`cache key ${key} holds a value that is not an integer counter`);
  return n;
}
