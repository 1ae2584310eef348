import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import type { Store } from '../store/index.js';

const Health = Type.Object({ status: Type.String() });
const Ready = Type.Object({ status: Type.String(), store: Type.String(), reason: Type.Optional(Type.String()) });

/**
 * Liveness, readiness and metrics. /healthz says only that the process answers
 * (a liveness probe must not restart pods because the database blinked);
 * /readyz says the store answers and its schema is current, so a load balancer
 * sends no traffic to a process that would fail it. Both are public and say
 * nothing but which dependency is missing; /metrics needs a key or a token.
 */
export function registerHealthRoutes(app: FastifyInstance, store: Store, metrics: Registry, extraReadiness: Array<() => Promise<string | undefined>>): void {
  app.get('/healthz', { config: { public: true }, schema: { tags: ['health'], response: { 200: Health } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { public: true }, schema: { tags: ['health'], response: { 200: Ready, 503: Ready } } }, async (_req, reply) => {
    try {
      await store.ping(1000);
      const pending = await store.pendingMigrations();
      if (pending.length > 0) {
        return reply.code(503).send({ status: 'unavailable', store: store.dialect, reason: `${pending.length} migrations not applied; run rouge migrate` });
      }
    } catch (e) {
      // Anyone may ask /readyz: name the dependency, keep the driver's message (hosts, users) for the log.
      _req.log.warn({ err: e }, 'readiness: the store is not reachable');
      return reply.code(503).send({ status: 'unavailable', store: store.dialect, reason: `the ${store.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} store is not reachable` });
    }
    for (const check of extraReadiness) {
      const problem = await check();
      if (problem) return reply.code(503).send({ status: 'unavailable', store: store.dialect, reason: problem });
    }
    return { status: 'ready', store: store.dialect };
  });

  // Metrics name every project, endpoint and deployed model: a key with platform.metrics.get
  // (orgAdmin, metricsViewer) or the configured scrape token (--metrics-token) may read them.
  app.get('/metrics', { config: { permission: 'platform.metrics.get', scrapeToken: true, audit: false }, schema: { tags: ['health'], hide: true } }, async (_req, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
}
