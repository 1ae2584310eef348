/**
 * The HTTP kit: the Fastify server with Rouge's conventions, error rendering,
 * pagination, idempotency, metrics, health routes and the OpenAPI document.
 */
export { createHttpServer } from './server.js';
export { installErrorHandling, sendError, renderError } from './error-rendering.js';
export { toRougeError } from './to-rouge-error.js';
export { installIdempotency } from './idempotency.js';
export { idempotencyMigration } from './idempotency-store.js';
export { createMetricsRegistry, installHttpMetrics } from './metrics.js';
export { registerHealthRoutes } from './health.js';
export { installOpenApi } from './openapi.js';
export { PageQuery, readPage, cutPage, DEFAULT_PAGE_SIZE } from './pagination.js';
export type { PageRequest } from './pagination.js';
export { ProjectName, DisplayName, Timestamp, Empty, PROJECT_NAME_PATTERN } from './schemas.js';
export { REDACTED_PATHS, loggerOptions } from './logging.js';
export { requestIdFor } from './request-id.js';
export type { ErrorProtocol, RouteConfig } from './route-config.js';
export { routeConfig } from './route-config.js';
export { addRouteHook } from './route-hooks.js';
export { FastCounter, FastHistogram, type CounterChild, type HistogramChild } from './fast-metrics.js';
export { customMethod } from './custom-method.js';
export { validateValue } from './validate-value.js';
export { FastLane, type Call, type Admitted, type LaneGuard, type LaneObserver } from './fast-lane.js';
export { registerFastRoute, fastLaneOf, type FastRouteOptions } from './fast-route.js';
export { RouteTable, registerForRole, installRoleGate, ANY_ROLE, type RouteEntry } from './route-table.js';
export { readUpdateMask } from './update-mask.js';
export { LocationName, VertexListQuery, VertexGetQuery, withLocation } from './vertex.js';
export { AddressPolicy } from './address-policy.js';
export { outboundRequest, outboundUrl, OutboundError, type OutboundRequest, type OutboundResponse } from './outbound.js';
