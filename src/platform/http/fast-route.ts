import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Call, FastLane, LaneRoute } from './fast-lane.js';
import type { RouteConfig } from './route-config.js';
import type { AjvError } from './to-rouge-error.js';

const lanes = new WeakMap<object, FastLane>();

/** Ties a lane to the app's server, so every encapsulated context of the app finds it. */
export function attachLane(app: FastifyInstance, lane: FastLane): void {
  lanes.set(app.server, lane);
}

/** The lane in front of this app's server; undefined for an app built without one. */
export function fastLaneOf(app: FastifyInstance): FastLane | undefined {
  return lanes.get(app.server);
}

export interface FastRouteOptions<B> {
  /** A Fastify route template: `:name`, `:name(^regex)` and `::` for a literal colon. */
  url: string;
  config: RouteConfig;
  schema: { params: object; body: object; tags?: string[]; summary?: string };
  handler: (call: Call<B>) => Promise<unknown>;
}

/**
 * Registers a POST route that the fast lane answers when it can and Fastify
 * answers otherwise, with one handler for both. The handler sees a `Call`, not
 * a Fastify request, so it cannot come to depend on something only one of the
 * two paths provides.
 *
 * @example
 * registerFastRoute(app, { url: '/v1/projects/:project/endpoints/:endpoint(^[^:/]+)::predict', config, schema, handler: (call) => predict(call) });
 */
export function registerFastRoute<B>(app: FastifyInstance, options: FastRouteOptions<B>): void {
  const { url, config, schema, handler } = options;
  app.post(url, { config, schema }, (request: FastifyRequest) =>
    handler({ id: String(request.id), headers: request.headers, params: request.params as Record<string, string>, principal: request.principalName, body: request.body as B }),
  );
  const lane = fastLaneOf(app);
  // A route of a role this process does not run is Fastify's alone, which answers it ROUTE_ON_OTHER_ROLE.
  if (!lane || app.rougeRole?.served === false) return;
  const prefix = app.prefix ?? '';
  const checkParams = lane.compile({ schema: schema.params, httpPart: 'params', method: 'POST', url }) as (p: unknown) => boolean;
  const route: LaneRoute = {
    url: prefix + url,
    config: { ...config, url: prefix + url, method: 'POST' },
    match: matcherFor(prefix + url, checkParams),
    validate: lane.compile({ schema: schema.body, httpPart: 'body', method: 'POST', url }) as LaneRoute['validate'] & { errors?: AjvError[] | null },
    handler: handler as (call: Call) => Promise<unknown>,
  };
  lane.add(route);
}

/**
 * The path test for one template. Percent-escapes send the request to Fastify,
 * which decodes them; params that fail the route's schema do too, so every
 * refusal is Fastify's own.
 */
export function matcherFor(template: string, check: (params: unknown) => boolean): LaneRoute['match'] {
  const re = templateRegex(template);
  return (path) => {
    if (path.includes('%')) return undefined;
    const m = re.exec(path);
    if (!m?.groups) return undefined;
    const params: Record<string, string> = { ...m.groups };
    return check(params) ? params : undefined;
  };
}

/** The regular expression of a Fastify route template, params as named groups, trailing slash allowed. */
export function templateRegex(template: string): RegExp {
  let src = '^';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === ':' && template[i + 1] === ':') {
      src += ':';
      i += 2;
    } else if (c === ':') {
      let j = i + 1;
      while (j < template.length && /\w/.test(template[j]!)) j++;
      const name = template.slice(i + 1, j);
      if (template[j] === '(') {
        let depth = 0;
        let k = j;
        for (; k < template.length; k++) {
          if (template[k] === '(') depth++;
          else if (template[k] === ')' && --depth === 0) break;
        }
        src += `(?<${name}>${template.slice(j + 1, k).replace(/^\^/, '').replace(/\$$/, '')})`;
        i = k + 1;
      } else {
        src += `(?<${name}>[^/]+)`;
        i = j;
      }
    } else if (c === '*' && i === template.length - 1) {
      // A trailing wildcard (static files under a prefix) matches the rest of the path.
      src += '.*';
      i++;
    } else {
      src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  return new RegExp(`${src}/?$`);
}
