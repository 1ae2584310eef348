import type { FastifyInstance } from 'fastify';
import { dataDirSecret, RougeError, type ModuleContext } from '../../platform/index.js';
import type { PipelineEngine } from '../engine.js';
import type { PipelineStore } from '../store.js';
import { Deliverer } from './deliver.js';
import { EventMatcher } from './matcher.js';
import { registerTriggerRoutes } from './routes.js';
import { Scheduler } from './scheduler.js';
import { SecretBox } from './secret-box.js';
import { TriggerStore } from './store.js';

/** How often a worker fires due schedules, matches new events and retries pending deliveries. */
const TICK_MS = 2_000;

/** What one pass of the trigger loop did. */
export interface TickResult {
  fired: number;
  matched: number;
  delivered: number;
}

/** Triggers as a part of the pipelines module: routes on `api`, the firing loop on `worker`. */
export interface TriggersPart {
  routes(app: FastifyInstance): void;
  /** One pass: schedules due at `now`, new events, pending deliveries (the worker runs it every two seconds). */
  tick(now?: Date): Promise<TickResult>;
  start(): Promise<void>;
  close(): Promise<void>;
  store: TriggerStore;
}

/**
 * Wires triggers from the module's context: the stores, the deliverer that
 * turns firings into runs, and on a worker a loop that runs every few
 * seconds and at once when an event is published, one pass at a time.
 */
export function setupTriggers(ctx: ModuleContext, d: { pipelines: PipelineStore; engine: PipelineEngine; holds: (principal: string, permission: string, project: string) => Promise<boolean> }): TriggersPart {
  const store = new TriggerStore(ctx.store);
  // Denied is false; any other failure (the store or the cache down) rejects, so the firing is retried rather than dead-lettered.
  const mayStart = (principal: string, permission: string, project: string) => ctx.authorize(principal, permission, project).then(() => true, (e: unknown) => {
    if (e instanceof RougeError && [401, 403, 404].includes(e.httpStatus)) return false;
    throw e;
  });
  const warn = (err: unknown, msg: string) => ctx.log.warn({ err }, msg);
  const deliverer = new Deliverer({ triggers: store, pipelines: d.pipelines, engine: d.engine, holds: mayStart, cache: ctx.cache, warn });
  const scheduler = new Scheduler(store);
  const matcher = new EventMatcher(store, ctx.outbox, warn);
  const box = new SecretBox(dataDirSecret(ctx.config.keyPepper, ctx.config.dataDir, 'key-pepper'));
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let running: Promise<TickResult> | undefined;
  let again = false;
  let closed = false;

  // Each phase on its own: a failure in one (a bad event, a store hiccup) must not stop the others, in any project.
  const phase = async (name: string, fn: () => Promise<number>) => fn().catch((e: unknown) => {
    warn(e, `triggers: the ${name} phase failed; the next pass retries it`);
    return 0;
  });
  const once = async (now?: Date): Promise<TickResult> => {
    const fired = await phase('schedule', () => scheduler.tick(now ?? new Date()));
    const matched = await phase('event', () => matcher.scan(now ?? new Date()));
    const delivered = await phase('delivery', () => deliverer.drain(now ?? new Date()));
    return { fired, matched, delivered };
  };
  // One pass at a time per process; a wake during a pass runs one more after it.
  const tick = async (now?: Date): Promise<TickResult> => {
    while (running) {
      again = true;
      await running.catch(() => undefined);
    }
    running = once(now);
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
  const background = () => {
    if (closed || running) {
      again = true;
      return;
    }
    again = false;
    void tick().catch((e: unknown) => ctx.log.warn({ err: e }, 'triggers: a pass failed; the next one retries'))
      .finally(() => again && !closed && background());
  };
  const worker = ctx.roles.has('worker');

  return {
    store,
    routes: (app) => registerTriggerRoutes(app, { triggers: store, pipelines: d.pipelines, deliverer, box, cache: ctx.cache, wake: () => worker && timer && background() }),
    tick,
    start: async () => {
      if (!worker) return;
      timer = setInterval(background, TICK_MS);
      timer.unref();
      // A platform event wakes the loop at once, so an event trigger starts its run without waiting for the tick.
      unsubscribe = await ctx.outbox.subscribe(() => background());
    },
    close: async () => {
      closed = true;
      if (timer) clearInterval(timer);
      await unsubscribe?.().catch(() => undefined);
      await running?.catch(() => undefined);
    },
  };
}
