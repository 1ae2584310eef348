import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { fastLaneOf } from './fast-route.js';
import { FastCounter, FastHistogram, type CounterChild, type HistogramChild } from './fast-metrics.js';
import type { RouteConfig } from './route-config.js';
import { routeConfig } from './route-config.js';

/**
 * One Prometheus registry per app (not prom-client's global one), so several
 * apps in one test process do not share counters.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'rouge_' });
  return registry;
}

/**
 * Counts requests and observes latency per route template (never the raw URL,
 * which would grow the label set without bound). The children for a route are
 * kept on its config object, so the hot path does no string building or hashing.
 */
export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const requests = new FastCounter({
    name: 'rouge_http_requests_total',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const latency = new FastHistogram({
    name: 'rouge_http_request_duration_seconds',
    help: 'HTTP request latency by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  /** Per route config (per method on an unmatched URL): the latency child and one counter child per status. */
  const perRoute = new WeakMap<object, Map<string, RouteMetrics>>();
  const observe = (method: string, cfg: RouteConfig, status: number, seconds: number) => {
    let byMethod = perRoute.get(cfg);
    if (!byMethod) perRoute.set(cfg, (byMethod = new Map()));
    let m = byMethod.get(method);
    if (!m) byMethod.set(method, (m = { latency: latency.labels(method, cfg.url ?? 'unmatched'), byStatus: new Map() }));
    let c = m.byStatus.get(status);
    if (!c) m.byStatus.set(status, (c = requests.labels(method, cfg.url ?? 'unmatched', String(status))));
    c.inc();
    m.latency.observe(seconds);
  };
  app.addHook('onResponse', (request, reply, done) => {
    observe(request.method, routeConfig(request), reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  // Requests the fast lane answers are counted under the same route labels.
  fastLaneOf(app)?.observe(observe);
}

interface RouteMetrics {
  latency: HistogramChild;
  byStatus: Map<number, CounterChild>;
}
