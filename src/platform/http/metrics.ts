import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
 * which would grow the label set without bound). Children are cached per label
 * set so the hot path does a map lookup instead of hashing labels each time.
 */
export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'rouge_http_requests_total',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'rouge_http_request_duration_seconds',
    help: 'HTTP request latency by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const counterChildren = new Map<string, { inc(): void }>();
  const histogramChildren = new Map<string, { observe(v: number): void }>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    const status = String(reply.statusCode);
    const ck = `${method} ${route} ${status}`;
    let c = counterChildren.get(ck);
    if (!c) counterChildren.set(ck, (c = requests.labels(method, route, status)));
    c.inc();
    const hk = `${method} ${route}`;
    let h = histogramChildren.get(hk);
    if (!h) histogramChildren.set(hk, (h = latency.labels(method, route)));
    h.observe(reply.elapsedTime / 1000);
    done();
  });
}
