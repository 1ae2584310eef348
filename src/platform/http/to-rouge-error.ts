import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyError } from 'fastify';
import { PlatformErrors as E, RougeError, type FieldViolation } from '../errors/index.js';
import { isStoreUnavailable } from '../store/index.js';

export interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  parentSchema?: { description?: string; properties?: Record<string, unknown> };
  data?: unknown;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'no body';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function fieldPath(context: string, instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra) parts.push(extra);
  const path = parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
  if (context === 'body') return path || 'body';
  return `${context === 'querystring' ? 'query' : context}${path ? (path.startsWith('[') ? path : `.${path}`) : ''}`;
}

export function fromValidation(errors: AjvError[], context: string): RougeError {
  const first = errors[0]!;
  const describe = first.parentSchema?.description ? ` (${first.parentSchema.description})` : '';
  if (first.keyword === 'additionalProperties') {
    const name = String(first.params.additionalProperty);
    const field = fieldPath(context, first.instancePath, name);
    const allowed = Object.keys(first.parentSchema?.properties ?? {});
    const message = `Unknown field ${field}; allowed fields here are ${allowed.length ? allowed.join(', ') : '(none)'}.`;
    return E.UNKNOWN_FIELD({ message }, { fieldViolations: [{ field, description: 'unknown field' }] });
  }
  if (first.keyword === 'required') {
    const field = fieldPath(context, first.instancePath, String(first.params.missingProperty));
    return E.MISSING_FIELD({ message: `Missing required field ${field}.` }, { fieldViolations: [{ field, description: 'required' }] });
  }
  if (context === 'body' && first.instancePath === '' && first.keyword === 'type') {
    return E.BODY_NOT_OBJECT({ got: kindOf(first.data) });
  }
  const field = fieldPath(context, first.instancePath);
  const violation: FieldViolation = { field, description: `${first.message ?? 'is invalid'}${describe}` };
  return E.INVALID_FIELD({ message: `Invalid ${field}: ${violation.description}.` }, { fieldViolations: [violation] });
}

/** What the mapping reads of a request: a FastifyRequest, or the fast lane's own record of one. */
export interface RequestFacts {
  id: unknown;
  headers: IncomingHttpHeaders;
  routeOptions?: { bodyLimit?: number };
}

/**
 * Turns anything thrown while handling a request into a RougeError: our own
 * errors pass through; Fastify's validation, parsing and size errors get their
 * stable reasons; a database that cannot be reached becomes 503; everything
 * else is a bug and becomes INTERNAL.
 */
export function toRougeError(err: unknown, request: RequestFacts): RougeError {
  if (err instanceof RougeError) return err;
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fe?.validation) && fe.validation.length > 0) return fromValidation(fe.validation, fe.validationContext ?? 'body');
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return E.BODY_TOO_LARGE({ limit: request.routeOptions?.bodyLimit ?? 0 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return E.UNSUPPORTED_MEDIA_TYPE({ contentType: String(request.headers['content-type'] ?? '') });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return E.EMPTY_BODY();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return E.INVALID_ARGUMENT({ message: 'Content-Length does not match the body sent.' });
  }
  if (err instanceof SyntaxError || fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return E.MALFORMED_JSON({ detail: fe.message });
  }
  if (isStoreUnavailable(err)) return E.STORE_UNAVAILABLE({ store: 'database' }, { cause: err });
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Other client errors Fastify raises (prototype poisoning, bad URL encoding).
    return E.INVALID_ARGUMENT({ message: fe.message });
  }
  return E.INTERNAL({ requestId: String(request.id) }, { cause: err });
}
