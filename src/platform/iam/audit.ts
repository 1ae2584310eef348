import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { monotonicFactory } from 'ulid';
import { addRouteHook, routeConfig, type RouteConfig } from '../http/index.js';
import type { AuditStore } from './audit-store.js';
import { ORG } from './tables.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function resultOf(status: number): 'allowed' | 'denied' | 'failed' {
  if (status === 401 || status === 403) return 'denied';
  return status < 400 ? 'allowed' : 'failed';
}

/**
 * Writes an audit entry for every mutation, allowed or denied, before the
 * response leaves (GCP's Admin Activity logs: always on). The entry holds who,
 * what permission, which resource, the outcome, the request id, address and
 * user agent; never a header or a body, so no secret can reach it.
 */
/** True when every call of the route is audited on its own (mutations, unless a route says otherwise). */
export const auditedRoute = (cfg: RouteConfig, method: string) => !cfg.public && (cfg.audit ?? MUTATING.has(method));

export function installAudit(app: FastifyInstance, audit: AuditStore): void {
  const nextId = monotonicFactory();
  // Only on routes that can be audited: reads and data-plane calls (:predict) run no hook at all;
  // their refusals are counted by DenialAudit instead.
  const audited = auditedRoute;
  const onSend = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void) => {
    if (!audited(routeConfig(request), request.method)) {
      done(null, payload);
      return;
    }
    void write(request, reply.statusCode).then(() => done(null, payload));
  };
  addRouteHook(app, 'onSend', onSend as never, (cfg, methods) => methods.some((m) => audited(cfg, m)));

  async function write(request: import('fastify').FastifyRequest, statusCode: number): Promise<void> {
    const cfg = routeConfig(request);
    const params = (request.params ?? {}) as Record<string, string>;
    const now = Date.now();
    try {
      await audit.append({
        project: cfg.auditScope === 'org' ? ORG : params.project ?? ORG,
        id: nextId(now),
        time: new Date(now).toISOString(),
        principal: request.principalName === 'anonymous' ? 'unauthenticated' : request.principalName,
        permission: cfg.permission ?? '',
        resource: (request.url.split('?')[0] ?? '').replace(/^\/v1\//, ''),
        method: request.method,
        path: cfg.url ?? '',
        result: resultOf(statusCode),
        status_code: statusCode,
        reason: request.errorReason ?? null,
        request_id: String(request.id),
        ip: request.ip ?? '',
        user_agent: String(request.headers['user-agent'] ?? '').slice(0, 256),
        count: 1,
      });
    } catch (err) {
      request.log.error({ err }, 'audit entry could not be written');
    }
  }
}
