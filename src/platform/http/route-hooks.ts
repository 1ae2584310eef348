import type { FastifyInstance, RouteOptions } from 'fastify';
import type { RouteConfig } from './route-config.js';

type HookName = 'onRequest' | 'preHandler' | 'onSend' | 'onResponse';

/**
 * Adds a hook to the routes it applies to, decided once when each route is
 * registered, instead of to every route with a per-request test. A hook that
 * most routes skip (audit on reads, Idempotency-Key on non-creating calls)
 * then costs the prediction path nothing, not even the hook runner's call.
 * Call it before the routes are registered.
 */
export function addRouteHook(app: FastifyInstance, name: HookName, hook: (...args: never[]) => unknown, applies: (config: RouteConfig, methods: string[]) => boolean): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!applies((route.config ?? {}) as RouteConfig, methods.map(String))) return;
    const existing = route[name] as unknown;
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    (route as unknown as Record<string, unknown>)[name] = [...list, hook];
  });
}
