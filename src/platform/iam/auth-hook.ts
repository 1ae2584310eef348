import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fastLaneOf, routeConfig, type RouteConfig } from '../http/index.js';
import type { Authorizer } from './authorizer.js';
import type { KeyVerifier } from './key-verifier.js';
import type { RateLimiter } from './rate-limiter.js';
import { auditedRoute } from './audit.js';
import { AUTHENTICATED } from './roles.js';
import * as errors from './errors.js';
import { RougeError } from '../errors/index.js';
import { ORG } from './tables.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified key's id; undefined on public routes. */
    keyId?: string;
    /**
     * Checks a further permission for this request's caller in its project
     * (PERMISSION_DENIED otherwise): for a route whose one declared permission
     * does not cover everything it touches (deploying a version needs read
     * access to the registry as well as the endpoint).
     */
    authorize(permission: string, resource?: string): Promise<void>;
  }
}

/**
 * Authenticates and authorises every matched route before its body is parsed,
 * so an unauthenticated caller cannot make the server parse a large body. A
 * route with neither `public` nor `permission` is refused: the check fails
 * closed, and a test walks every route to keep that from happening.
 */
export function installAuth(app: FastifyInstance, deps: { verifier: KeyVerifier; authorizer: Authorizer; limiter: RateLimiter; disabled: boolean; metricsToken?: string | undefined; onDenied?: (request: FastifyRequest, err: unknown, audited: boolean) => void }): void {
  const { verifier, authorizer, limiter } = deps;
  const scrape = deps.metricsToken ? Buffer.from(`Bearer ${deps.metricsToken}`) : undefined;
  /** The scrape token, compared in constant time so its bytes cannot be probed by timing. */
  const isScrapeToken = (authorization: string | undefined) => {
    if (!scrape || authorization === undefined) return false;
    const given = Buffer.from(authorization);
    return given.length === scrape.length && timingSafeEqual(given, scrape);
  };

  /** The project and resource a request acts on, from the route's config and its parameters. */
  const scopeOf = (cfg: RouteConfig, params: Record<string, string>, principal: string): { project: string; resource: string } | undefined => {
    if (cfg.permission === AUTHENTICATED) return undefined;
    if (cfg.allowSelf && cfg.allowSelf(params) === principal) return undefined;
    return cfg.scope ? cfg.scope(params, principal) : { project: params.project ?? ORG, resource: cfg.resource?.(params) ?? '' };
  };

  /**
   * The caller, when its key and bindings are cached and allow the call;
   * undefined when the store must be asked or the cache says no (the slow path
   * then decides, and answers a denial). Throws for a key that is malformed,
   * wrong, revoked or expired.
   */
  const allowedFromCache = (cfg: RouteConfig, params: Record<string, string>, authorization: string | undefined, now: number) => {
    const caller = verifier.verifyCached(authorization, now);
    if (!caller) return undefined;
    const scope = scopeOf(cfg, params, caller.principal);
    if (scope && !authorizer.checkCached(caller.principal, cfg.permission ?? 'unknown.route.permission', scope.project, scope.resource, now)) return undefined;
    return caller;
  };

  /** Every step, awaiting the store and the shared cache where it must. */
  const slow = async (request: FastifyRequest): Promise<void> => {
    const caller = await verifier.verify(request.headers.authorization);
    request.principalName = caller.principal;
    request.keyId = caller.keyId;
    if (limiter.enabled) await limiter.take(caller.keyId);
    const scope = scopeOf(routeConfig(request), paramsOf(request), caller.principal);
    if (scope) await authorizer.check(caller.principal, routeConfig(request).permission ?? 'unknown.route.permission', scope.project, scope.resource);
  };

  /** Refusals go to the audit: those of routes audited call by call are written there already. */
  const denied = (request: FastifyRequest, err: unknown) => {
    // A route that takes Basic credentials says so on a 401, as HTTP fetchers that wait for the challenge expect.
    if (routeConfig(request).basicAuth && err instanceof RougeError && err.httpStatus === 401) (err.headers as Record<string, string>)['www-authenticate'] = 'Basic realm="rouge", charset="UTF-8"';
    deps.onDenied?.(request, err, auditedRoute(routeConfig(request), request.method));
    return err;
  };

  app.decorateRequest('authorize', function (this: FastifyRequest, permission: string, resource = '') {
    if (deps.disabled) return Promise.resolve();
    return authorizer.check(this.principalName, permission, paramsOf(this).project ?? ORG, resource).catch((e: unknown) => {
      throw denied(this, e);
    });
  });

  // A callback hook, not an async one: when the key and the bindings are cached
  // (nearly every request) the decision is made without a promise or a tick.
  app.addHook('onRequest', (request, _reply, done) => {
    const cfg = routeConfig(request);
    if (cfg.public || cfg.url === undefined) return done();
    if (cfg.signature && request.headers.authorization === undefined && typeof request.headers['rouge-signature'] === 'string') {
      request.principalName = 'anonymous';
      if (!limiter.enabled) return done();
      // A signed call has no key to count against: the resource it calls (one trigger) stands for its caller,
      // so a flood of signatures, good or forged, is held to the same per-second limit as a key.
      // The route and its decoded parameters, not the raw path: %-encodings of one name must not each get a limit of their own.
      limiter.take(`signature:${cfg.url}:${Object.values(paramsOf(request)).join('\u0000')}`).then(() => done(), (e: Error) => done(denied(request, e) as Error));
      return;
    }
    if (cfg.scrapeToken && isScrapeToken(request.headers.authorization)) {
      request.principalName = 'metricsScraper';
      return done();
    }
    if (deps.disabled) {
      request.principalName = 'user:admin';
      return done();
    }
    const basic = cfg.basicAuth && /^basic /i.test(request.headers.authorization ?? '') ? cfg.basicAuth : undefined;
    if (basic) {
      const decoded = Buffer.from((request.headers.authorization ?? '').slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      basic(paramsOf(request), colon < 0 ? decoded : decoded.slice(0, colon), colon < 0 ? '' : decoded.slice(colon + 1)).then((principal) => {
        if (!principal) return done(denied(request, errors.BASIC_CREDENTIALS_INVALID()) as Error);
        request.principalName = principal;
        done();
      }, (e: Error) => done(denied(request, e) as Error));
      return;
    }
    try {
      const caller = limiter.enabled ? undefined : allowedFromCache(cfg, paramsOf(request), request.headers.authorization, Date.now());
      if (caller) {
        request.principalName = caller.principal;
        request.keyId = caller.keyId;
        return done();
      }
    } catch (e) {
      return done(denied(request, e) as Error);
    }
    slow(request).then(() => done(), (e: Error) => done(denied(request, e) as Error));
  });

  // The fast lane takes a request only when this decides it from cached state
  // and allows it; anything else (no key, a bad key, a denial, a cold cache)
  // goes to Fastify, and so through the hook above, which answers it.
  fastLaneOf(app)?.setGuard((cfg, params, authorization) => {
    if (cfg.public) return ANONYMOUS;
    if (!cfg.permission) return undefined;
    if (deps.disabled) return ADMIN;
    const now = Date.now();
    let caller;
    try {
      caller = allowedFromCache(cfg, params, authorization, now);
    } catch {
      return undefined;
    }
    if (!caller) return undefined;
    const admitted = { principal: caller.principal };
    return limiter.enabled ? limiter.take(caller.keyId, now).then(() => admitted) : admitted;
  });
}

const ADMIN = { principal: 'user:admin' };
const ANONYMOUS = { principal: 'anonymous' };

function paramsOf(request: FastifyRequest): Record<string, string> {
  return (request.params ?? {}) as Record<string, string>;
}
