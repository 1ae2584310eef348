/**
 * What every route declares besides its schema. `permission` is checked by IAM
 * (arriving with Foundation II); `public` marks the few routes that need no key;
 * `idempotent` lets a creating POST honour Idempotency-Key; `protocol` picks the
 * error shape (Google's model on /v1, each protocol's own elsewhere).
 */
export type ErrorProtocol = 'google' | 'oip' | 'plain' | 'errcode';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The one permission the route needs (`service.resource.verb`), or 'authenticated'. */
    permission?: string;
    /** No key needed: health, the OpenAPI document, protocol health. */
    public?: boolean;
    /**
     * HTTP Basic credentials accepted here as well as a key (a channel fetching
     * a feed with a per-feed token): resolves the principal they stand for,
     * or undefined when they are not valid (401). Such a caller needs no binding:
     * the credential is only good for this route.
     */
    basicAuth?: (params: Record<string, string>, user: string, password: string) => Promise<string | undefined>;
    /**
     * A `Rouge-Signature` header is accepted here instead of a key (an HTTP
     * trigger called by a job that holds only its signing secret). The signature
     * covers the raw body, so the handler verifies it: such a request, with no
     * Authorization header, reaches the handler as `anonymous`, and the handler
     * must refuse it unless the signature is valid.
     */
    signature?: boolean;
    /** The configured scrape token (`--metrics-token`, sent as a bearer token) is accepted here as well as a key. */
    scrapeToken?: boolean;
    idempotent?: boolean;
    /**
     * The response carries a secret shown once (a new API key). Such a route
     * refuses Idempotency-Key: a replay record would have to store the secret.
     */
    secretResponse?: boolean;
    protocol?: ErrorProtocol;
    /** The resource inside the project the call acts on, for resource-level bindings (`endpoints/ctr`). */
    resource?: (params: Record<string, string>) => string;
    /**
     * Where the call acts when the path alone does not say (OIP model names carry
     * the project: `/v2/models/{project}.{endpoint}`). Overrides `params.project` and `resource`.
     */
    scope?: (params: Record<string, string>, principal: string) => { project: string; resource: string };
    /** A principal always allowed, whatever its bindings (a user managing their own keys). */
    allowSelf?: (params: Record<string, string>) => string;
    /** Audit in the organisation's log rather than the project's (creating or deleting a project). */
    auditScope?: 'org';
    /**
     * Parse the JSON body with plain JSON.parse, skipping the scan for
     * `__proto__`/`constructor` keys. Only for routes whose handlers read the
     * body and never merge it into other objects (prediction bodies): the scan
     * is a few microseconds per request on their hot path.
     */
    plainJson?: boolean;
    /** Write an audit entry; defaults to true for POST, PUT, PATCH and DELETE. Data-plane calls such as :predict set false. */
    audit?: boolean;
    /**
     * `public` for what the storefront or a channel calls from outside the
     * cluster (predictions, recommendations, search, events, feeds); every other
     * route is `internal`. Reverse proxies expose routes from this (`rouge routes`).
     */
    exposure?: 'public' | 'internal';
    /** The process role that serves the route; set by the app when it registers a module's routes. */
    role?: string;
    /** False when this process does not run `role`: the route then answers 404 ROUTE_ON_OTHER_ROLE. */
    served?: boolean;
  }
  interface FastifyInstance {
    /** The role whose routes this scope registers, and whether this process serves it; see registerForRole. */
    rougeRole?: { role: string; served: boolean };
  }
}

/** A route's config as Fastify keeps it: what the route declared, plus its URL template. */
export type RouteConfig = import('fastify').FastifyContextConfig & { url?: string; method?: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Cached by `routeConfig()`; read it through that function. */
    rougeRouteConfig: RouteConfig | null;
  }
}

/**
 * The matched route's config (with `url`, the route template; undefined for an
 * unmatched URL). Fastify's `request.routeOptions` builds a fresh object on
 * every read and the hooks read it several times per request, so the config is
 * taken once and kept on the request.
 */
export function routeConfig(request: import('fastify').FastifyRequest): RouteConfig {
  let cfg = request.rougeRouteConfig;
  if (cfg === null || cfg === undefined) {
    cfg = (request.routeOptions.config ?? {}) as RouteConfig;
    request.rougeRouteConfig = cfg;
  }
  return cfg;
}
