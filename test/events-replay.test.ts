import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALL_MIGRATIONS, buildApp } from '../src/app.js';
import {
  EVENTS_CHANNEL, EventOutbox, MemoryCache, openCache, openPostgresStore, openSqliteStore, toCloudEvent, type CloudEvent, type Store,
} from '../src/platform/index.js';
import { ADMIN_KEY } from './helpers/app.js';
import { STORE_KINDS, TEST_DATABASE_URL, TEST_REDIS_URL, freshSchema } from './helpers/stores.js';
import { until } from './helpers/until.js';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * Resolves with the events the child printed once it printed both its `lost`
 * and its `sent` line. Starting a child under the tsx loader takes seconds on
 * a busy machine, hence the generous deadline (as in jobs-crash.test.ts).
 */
function stalledEvents(child: ChildProcess, ms = 90_000): Promise<{ lost: CloudEvent; sent: CloudEvent }> {
  return new Promise((resolve, reject) => {
    const found: Record<string, CloudEvent> = {};
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the writer child did not reach both publishes within ${ms} ms`)), ms);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      for (const line of seen.split('\n').slice(0, -1)) {
        const [what, json] = [line.slice(0, 4), line.slice(5)];
        if (what === 'lost' || what === 'sent') found[what] = JSON.parse(json) as CloudEvent;
      }
      if (found.lost && found.sent) {
        clearTimeout(timer);
        resolve({ lost: found.lost, sent: found.sent });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the writer child exited with ${code} before it reached both publishes`));
    });
  });
}

// With Redis, a subscriber on its own connection sees every delivery, the dead child's included, as
// another process would. In memory, signals never leave a process, so the test records what the new
// app's cache publishes instead.
const cacheKind = TEST_REDIS_URL ? 'redis' : 'memory';

describe.each(STORE_KINDS)(`an outbox whose process was killed mid-publish, on %s with the ${cacheKind} cache`, (kind) => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
    vi.restoreAllMocks();
  });

  it('publishes the committed events when the next app starts, each with its original id, a duplicate included', async () => {
    let store: Store;
    let target: [string, string];
    if (kind === 'sqlite') {
      const file = join(mkdtempSync(join(tmpdir(), 'rouge-replay-')), 'rouge.db');
      store = openSqliteStore(file, ALL_MIGRATIONS);
      target = [file, ''];
    } else {
      const schema = freshSchema();
      store = openPostgresStore({ url: TEST_DATABASE_URL!, schema }, ALL_MIGRATIONS);
      target = [TEST_DATABASE_URL!, schema];
    }
    cleanups.push(() => store.close());
    await store.migrate();
    const cachePrefix = `rouge-test-${randomBytes(4).toString('hex')}:`;

    const received: CloudEvent[] = [];
    if (TEST_REDIS_URL) {
      const subscriberCache = await openCache({ redisUrl: TEST_REDIS_URL }, { keyPrefix: cachePrefix });
      cleanups.push(() => subscriberCache.close());
      await new EventOutbox(store, subscriberCache).subscribe((e) => received.push(e));
    } else {
      const publish = MemoryCache.prototype.publish;
      vi.spyOn(MemoryCache.prototype, 'publish').mockImplementation(async function (this: MemoryCache, channel, message) {
        if (channel === EVENTS_CHANNEL) received.push(JSON.parse(message) as CloudEvent);
        return publish.call(this, channel, message);
      });
    }

    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'test/fixtures/event-writer.ts'), ...target, TEST_REDIS_URL ?? '', cachePrefix], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => child.kill('SIGKILL'));
    const { lost, sent } = await stalledEvents(child);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const db = store.db;
    const rows = await db.selectFrom('cloud_events').selectAll().orderBy('subject').execute();
    expect(rows.map((r) => [r.subject, r.published])).toEqual([['projects/lost', 0], ['projects/sent', 0]]);
    const stored = rows.map((r) => toCloudEvent(r as Parameters<typeof toCloudEvent>[0]));
    expect(stored).toEqual([lost, sent]);
    if (TEST_REDIS_URL) {
      // The dead process's publish of `sent` did reach subscribers; `lost` never left it.
      await until('the dead process\'s delivery of sent', () => received.find((e) => e.id === sent.id));
      expect(received.some((e) => e.id === lost.id)).toBe(false);
    }

    // The next process over the same store and cache: the replay at start is what publishes.
    const app: FastifyInstance = await buildApp({
      store, config: { bootstrapAdminKey: ADMIN_KEY, ...(TEST_REDIS_URL ? { redisUrl: TEST_REDIS_URL } : {}), cachePrefix },
    });
    cleanups.push(() => app.close());
    const replayedLost = await until('the replayed lost event', () => received.find((e) => e.id === lost.id));
    expect(replayedLost).toEqual(lost);
    const sentCopies = await until('the replayed sent event', () => {
      const copies = received.filter((e) => e.subject === 'projects/sent');
      return copies.length === (TEST_REDIS_URL ? 2 : 1) ? copies : undefined;
    });
    // Published by the dead process and again by the replay: consumers deduplicate on the id.
    for (const copy of sentCopies) expect(copy).toEqual(sent);
    const after = await db.selectFrom('cloud_events').select(['subject', 'published']).orderBy('subject').execute();
    expect(after).toEqual([{ subject: 'projects/lost', published: 1 }, { subject: 'projects/sent', published: 1 }]);
    const listed = (await app.inject({ url: '/v1/projects/lost/cloudEvents', headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json().cloudEvents;
    expect(listed).toEqual([lost]);
  }, 180_000);
});
