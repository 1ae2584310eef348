import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PlatformErrors as E, toGoogleError, type RougeError } from '../errors/index.js';
import type { ErrorProtocol } from './route-config.js';
import { routeConfig } from './route-config.js';
import { toRougeError } from './to-rouge-error.js';

/** Where an `errcode` body points: Topsort's page on its codes (Rouge's additions are in docs/sponsored-products.md). */
const ERR_DOC_URL = 'https://docs.topsort.com/reference/errors';
/** An `errcode` body's code when the error names none (`metadata.errCode`): by status, after Topsort's. */
const ERR_CODES: Record<number, string> = { 400: 'bad_request', 401: 'invalid_api_key', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 413: 'request_too_large', 415: 'bad_request', 429: 'too_many_requests' };

/** The body of an error response in a protocol's shape. */
export function renderError(protocol: ErrorProtocol, err: RougeError): unknown {
  switch (protocol) {
    case 'oip':
      // Open Inference Protocol: errors are `{"error": "<message>"}`.
      return { error: err.message };
    case 'plain':
      return { error: err.reason, message: err.message };
    case 'errcode':
      // Topsort's error body, for the drop-in routes its SDK calls: a stable code a client may
      // dispatch on, where to read about it, and the message (which it must not parse).
      return { errCode: err.metadata.errCode ?? ERR_CODES[err.httpStatus] ?? (err.httpStatus >= 500 ? 'internal_server_error' : 'bad_request'), docUrl: ERR_DOC_URL, message: err.message };
    default:
      return toGoogleError(err);
  }
}

function protocolOf(request: FastifyRequest): ErrorProtocol {
  const configured = routeConfig(request).protocol;
  if (configured) return configured;
  return request.url.startsWith('/v2') ? 'oip' : 'google';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The reason of the error this request failed with, for audit entries and metrics. */
    errorReason?: string;
  }
}

/** Sends a RougeError in the shape of the route's protocol. */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: RougeError): FastifyReply {
  request.errorReason = err.reason;
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return reply.code(err.httpStatus).type('application/json; charset=utf-8').send(renderError(protocolOf(request), err));
}

/**
 * Installs the one error mapping and the not-found handler. A 500 is a bug: it
 * is logged with the request id and the client sees only the id, never a stack.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const err = toRougeError(error, request);
    if (err.httpStatus >= 500) {
      request.log.error({ err: error, reason: err.reason }, 'request failed');
    }
    return sendError(request, reply, err);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, E.ROUTE_NOT_FOUND({ method: request.method, url: request.url.split('?')[0] ?? '' })),
  );
}
