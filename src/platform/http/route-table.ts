import type { FastifyInstance } from 'fastify';
import { PlatformErrors as E } from '../errors/index.js';
import { templateRegex } from './fast-route.js';
import { routeConfig } from './route-config.js';

/**
 * One row of the role-to-path table a reverse proxy needs. `role` is `any`
 * for the few routes every process answers (health, metrics, the OpenAPI
 * document); `regex` is a PCRE that nginx, Envoy and the Gateway API's
 * RegularExpression match type all accept.
 */
export interface RouteEntry {
  method: string;
  path: string;
  regex: string;
  role: string;
  exposure: 'public' | 'internal';
}

/** The role every process serves. */
export const ANY_ROLE = 'any';

/**
 * Collects every route the app registers, with its role, as modules declare
 * them. Every role's routes are registered in every process (so a process can
 * say which role serves a path it does not), which makes this table the same
 * in every process whatever its roles.
 */
export class RouteTable {
  private readonly rows: RouteEntry[] = [];

  add(method: string, path: string, role: string, exposure: 'public' | 'internal' = 'internal'): void {
    // Fastify adds a HEAD twin for every GET; a proxy routes by path, so the GET stands for both.
    if (method === 'HEAD') return;
    this.rows.push({ method, path: displayPath(path), regex: proxyRegex(path), role, exposure });
  }

  /**
   * The rows, the more specific first: a custom method such as
   * `.../endpoints/{e}:predict` before the plain resource path its regex would
   * also match, so a proxy that tries rules in order (nginx regex locations)
   * gets each request to the right role.
   */
  entries(): RouteEntry[] {
    const score = (r: RouteEntry) => (r.path.includes(':') ? 0 : 1);
    return [...this.rows].sort((a, b) => score(a) - score(b) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }
}

/**
 * Registers routes for one process role in a scope of their own: each route
 * is marked with its role (and whether this process serves it) and recorded in
 * the table. A process that does not run the role still registers the routes,
 * and answers them 404 ROUTE_ON_OTHER_ROLE before authentication, so a
 * misrouted call says where to go instead of "no such route".
 */
export async function registerForRole(app: FastifyInstance, table: RouteTable, role: string, served: boolean, register: (scope: FastifyInstance) => void | Promise<void>): Promise<void> {
  await app.register(async (scope) => {
    scope.decorate('rougeRole', { role, served });
    scope.addHook('onRoute', (route) => {
      const config = { ...(route.config ?? {}), role, served };
      route.config = config;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const m of methods) table.add(String(m), route.url ?? route.path, role, config.exposure);
    });
    await register(scope);
  });
}

/** Answers routes of roles this process does not run; install before authentication. */
export function installRoleGate(app: FastifyInstance, roles: readonly string[]): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const cfg = routeConfig(request);
    if (cfg.served !== false) return done();
    done(E.ROUTE_ON_OTHER_ROLE({ method: request.method, url: request.url.split('?')[0]!, role: cfg.role ?? '?', roles: roles.join(', ') }));
  });
}

/** `/v1/projects/{project}/endpoints/{endpoint}:predict`, as docs write paths. */
function displayPath(template: string): string {
  return template
    .replace(/:(\w+)\([^)]*\)/g, '{$1}')
    .replace(/::/g, '\u0000')
    .replace(/:(\w+)/g, '{$1}')
    .replace(/\u0000/g, ':');
}

/** The route's regular expression with plain non-capturing groups, which PCRE (nginx) and RE2 (Envoy, Gateway API) both read. */
function proxyRegex(template: string): string {
  return templateRegex(template).source.replace(/\(\?<\w+>/g, '(?:').replace(/\\\//g, '/');
}
