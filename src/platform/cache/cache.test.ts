import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheUnreachableError, MemoryCache, openCache, RedisCache } from './index.js';
import { describeCache, eventually } from './cache.suite.js';

const REDIS_URL = process.env.ROUGE_TEST_REDIS_URL;
/** One prefix for this file, so parallel files never see each other's keys on the shared Redis. */
const PREFIX = `rouge-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
const quiet = () => undefined;

describeCache('memory', async () => new MemoryCache({ onHandlerError: quiet }), { shared: false });

describe.runIf(REDIS_URL)('redis', () => {
  describeCache('redis', async () => {
    const cache = new RedisCache(REDIS_URL!, { keyPrefix: PREFIX, onHandlerError: quiet });
    await cache.ready(5000);
    return cache;
  }, { shared: true });

  afterAll(async () => {
    const redis = new Redis(REDIS_URL!);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  });

  it('reports a throwing handler with its channel, without the prefix', async () => {
    const reported: string[] = [];
    const cache = new RedisCache(REDIS_URL!, { keyPrefix: PREFIX, onHandlerError: (e, channel) => reported.push(`${channel}: ${(e as Error).message}`) });
    await cache.ready(5000);
    await cache.subscribe('broken', () => {
      throw new Error('boom');
    });
    await cache.publish('broken', 'x');
    await eventually('the error is reported', () => reported.length === 1);
    expect(reported).toEqual(['broken: boom']);
    await cache.close();
  });

  it('opens Redis from configuration and describes it without the password', async () => {
    const url = new URL(REDIS_URL!);
    const cache = await openCache({ redisUrl: REDIS_URL }, { keyPrefix: PREFIX });
    expect(cache).toBeInstanceOf(RedisCache);
    expect(cache.description).toBe(`Redis at ${url.hostname}:${url.port || '6379'}`);
    await cache.close();
  });
});

describe('MemoryCache', () => {
  it('reports a throwing handler with its channel', async () => {
    const reported: string[] = [];
    const cache = new MemoryCache({ onHandlerError: (e, channel) => reported.push(`${channel}: ${(e as Error).message}`) });
    await cache.subscribe('broken', () => {
      throw new Error('boom');
    });
    await cache.publish('broken', 'x');
    await eventually('the error is reported', () => reported.length === 1);
    expect(reported).toEqual(['broken: boom']);
    await cache.close();
  });
});

describe('openCache', () => {
  it('keeps the cache in memory when no Redis URL is set', async () => {
    const cache = await openCache({ redisUrl: undefined });
    expect(cache).toBeInstanceOf(MemoryCache);
    await cache.close();
  });

  it('reports an unreachable Redis at start, naming it without its password', async () => {
    const err = await openCache({ redisUrl: 'redis://:hunter2@127.0.0.1:1/0' }, { startTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheUnreachableError);
    expect((err as Error).message).toContain('Redis at redis://:***@127.0.0.1:1/0');
    expect((err as Error).message).toMatch(/ECONNREFUSED|not ready/);
    expect((err as Error).message).not.toContain('hunter2');
  });
});
