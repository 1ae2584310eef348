import type { FastifyInstance } from 'fastify';
import type { Authorizer } from './authorizer.js';
import type { KeyVerifier } from './key-verifier.js';
import type { RateLimiter } from './rate-limiter.js';
import { AUTHENTICATED } from './roles.js';
import { ORG } from './tables.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified key's id; undefined on public routes. */
    keyId?: string;
  }
}

/**
 * Authenticates and authorises every matched route before its body is parsed,
 * so an unauthenticated caller cannot make the server parse a large body. A
 * route with neither `public` nor `permission` is refused: the check fails
 * closed, and a test walks every route to keep that from happening.
 */
export function installAuth(app: FastifyInstance, deps: { verifier: KeyVerifier; authorizer: Authorizer; limiter: RateLimiter; disabled: boolean }): void {
  app.addHook('onRequest', async (request) => {
    const cfg = request.routeOptions.config;
    if (cfg.public || request.routeOptions.url === undefined) return;
    if (deps.disabled) {
      request.principalName = 'user:admin';
      return;
    }
    const caller = await deps.verifier.verify(request.headers.authorization);
    request.principalName = caller.principal;
    request.keyId = caller.keyId;
    await deps.limiter.take(caller.keyId);
    const permission = cfg.permission;
    if (permission === AUTHENTICATED) return;
    const params = (request.params ?? {}) as Record<string, string>;
    if (cfg.allowSelf && cfg.allowSelf(params) === caller.principal) return;
    const scope = cfg.scope ? cfg.scope(params, caller.principal) : { project: params.project ?? ORG, resource: cfg.resource?.(params) ?? '' };
    await deps.authorizer.check(caller.principal, permission ?? 'unknown.route.permission', scope.project, scope.resource);
  });
}
