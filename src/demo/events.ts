import { MinHeap } from './heap.js';
import { Random } from './random.js';
import { simulateSession, type SessionContext, type SessionEvents } from './session.js';
import { makeShoppers } from './shoppers.js';
import { arrangeShop } from './shop.js';
import { sessionStarts } from './timeline.js';
import { resolveOptions, type DemoEvent, type DemoItem, type DemoOptions } from './types.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Measured over seeds 1 to 5 (src/demo/events.test.ts pins the total to within 10% of the request). */
export const MEAN_EVENTS_PER_SESSION = 4.54;

/** A session in progress: its events and the time of the next one to emit. */
interface Cursor extends SessionEvents {
  next: number;
  at: number;
}

/**
 * Generates about `options.events` shopping events over the 30 days before
 * `options.now`, oldest first, lazily: sessions are simulated as their start
 * time comes up and merged by time, so memory holds only the sessions in
 * progress, whatever the total. The same items and options give the same
 * events (ids included), so re-sending them to Rouge stores each once.
 *
 * @example
 * for (const e of generateEvents(items, { baseUrl, events: 1_000_000 })) batch.push(e);
 */
export function generateEvents(items: readonly DemoItem[], options: DemoOptions): Generator<DemoEvent> {
  const o = resolveOptions(options);
  return merge(items, o);
}

function* merge(items: readonly DemoItem[], o: ReturnType<typeof resolveOptions>): Generator<DemoEvent> {
  if (items.length === 0 || o.events === 0) return;
  const shuffler = new Random(o.seed, 2);
  const shop = arrangeShop(items, (v) => shuffler.shuffle(v));
  const users = Math.max(1, o.users);
  const shoppers = makeShoppers(shop, users, new Random(o.seed, 3));
  const sessions = Math.max(1, Math.round(o.events / MEAN_EVENTS_PER_SESSION));
  // Sessions start up to an hour before `now`, and a session's events are capped at `now - 1 s`, so none is in the future.
  const nextStart = sessionStarts(sessions, o.now - 30 * DAY, o.now - HOUR, new Random(o.seed, 4));
  const who = new Random(o.seed, 5);
  const ctx: SessionContext = { shop, shoppers, rng: new Random(o.seed, 6), latest: o.now - 1000 };
  const heap = new MinHeap<Cursor>((c) => c.at);
  let started = 0;
  let start = nextStart();
  for (;;) {
    const top = heap.peek();
    if (started < sessions && (top === undefined || start <= top.at)) {
      // Activity is skewed: squaring a uniform gives the first users more sessions (density ~ 1/sqrt(rank)).
      const user = Math.floor(users * who.next() ** 2);
      const s = simulateSession(ctx, user, `s${o.seed}-${started.toString(36)}`, start);
      heap.push({ events: s.events, times: s.times, next: 0, at: s.times[0] as number });
      started++;
      start = nextStart();
      continue;
    }
    if (top === undefined) return;
    yield top.events[top.next] as DemoEvent;
    top.next++;
    if (top.next < top.events.length) {
      top.at = top.times[top.next] as number;
      heap.fixTop();
    }
    else heap.pop();
  }
}
