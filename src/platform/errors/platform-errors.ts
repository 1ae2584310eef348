import { defineError } from './registry.js';

/* Reasons raised by the platform itself: the HTTP kit, the store, projects. */

export const INVALID_ARGUMENT = defineError('INVALID_ARGUMENT', 400, 'INVALID_ARGUMENT', (p: { message: string }) => p.message);
export const MALFORMED_JSON = defineError('MALFORMED_JSON', 400, 'INVALID_ARGUMENT', (p: { detail: string }) =>
  `The request body is not valid JSON (${p.detail}); send a JSON object with Content-Type: application/json.`);
export const BODY_NOT_OBJECT = defineError('BODY_NOT_OBJECT', 400, 'INVALID_ARGUMENT', (p: { got: string }) =>
  `The request body must be a JSON object, got ${p.got}.`);
export const EMPTY_BODY = defineError('EMPTY_BODY', 400, 'INVALID_ARGUMENT', () =>
  'The request body is empty; send a JSON object.');
export const UNKNOWN_FIELD = defineError('UNKNOWN_FIELD', 400, 'INVALID_ARGUMENT', (p: { message: string }) => p.message);
export const MISSING_FIELD = defineError('MISSING_FIELD', 400, 'INVALID_ARGUMENT', (p: { message: string }) => p.message);
export const INVALID_FIELD = defineError('INVALID_FIELD', 400, 'INVALID_ARGUMENT', (p: { message: string }) => p.message);
export const UNSUPPORTED_MEDIA_TYPE = defineError('UNSUPPORTED_MEDIA_TYPE', 415, 'INVALID_ARGUMENT', (p: { contentType: string }) =>
  `Content-Type ${p.contentType || '(none)'} is not accepted here; send application/json.`);
export const BODY_TOO_LARGE = defineError('BODY_TOO_LARGE', 413, 'OUT_OF_RANGE', (p: { limit: number }) =>
  `The request body is larger than the limit of ${p.limit} bytes; send less, or raise --body-limit.`);
export const ROUTE_NOT_FOUND = defineError('ROUTE_NOT_FOUND', 404, 'NOT_FOUND', (p: { method: string; url: string }) =>
  `No route ${p.method} ${p.url}; see /openapi.json for the API.`);
export const INVALID_PAGE_TOKEN = defineError('INVALID_PAGE_TOKEN', 400, 'INVALID_ARGUMENT', () =>
  'pageToken is not one this list returned; start again without pageToken.');
export const INVALID_IDEMPOTENCY_KEY = defineError('INVALID_IDEMPOTENCY_KEY', 400, 'INVALID_ARGUMENT', () =>
  'Idempotency-Key must be 1 to 255 printable ASCII characters.');
export const IDEMPOTENCY_KEY_REUSED = defineError('IDEMPOTENCY_KEY_REUSED', 409, 'ABORTED', () =>
  'This Idempotency-Key was already used with a different request; use a new key for a new request.');
export const IDEMPOTENCY_KEY_IN_USE = defineError('IDEMPOTENCY_KEY_IN_USE', 409, 'ABORTED', () =>
  'A request with this Idempotency-Key is still being processed; retry after it completes.');
export const STORE_UNAVAILABLE = defineError('STORE_UNAVAILABLE', 503, 'UNAVAILABLE', (p: { store: string }) =>
  `The ${p.store} store is not reachable; retry later. Operators: check the database and /readyz.`);
export const SHUTTING_DOWN = defineError('SHUTTING_DOWN', 503, 'UNAVAILABLE', () =>
  'This server is shutting down; retry, and the request will reach another instance.');
export const TOO_MANY_REQUESTS = defineError('TOO_MANY_REQUESTS', 429, 'RESOURCE_EXHAUSTED', (p: { retryAfterSeconds: number }) =>
  `Rate limit exceeded; retry after ${p.retryAfterSeconds} s.`);
export const INTERNAL = defineError('INTERNAL', 500, 'INTERNAL', (p: { requestId: string }) =>
  `Internal error; report request id ${p.requestId} to the operators.`);
export const ROUTE_ON_OTHER_ROLE = defineError('ROUTE_ON_OTHER_ROLE', 404, 'NOT_FOUND', (p: { method: string; url: string; role: string; roles: string }) =>
  `${p.method} ${p.url} is served by the ${p.role} role, and this process runs ${p.roles}; send it to a process started with --roles ${p.role} (rouge routes --json lists the role of every path).`);
export const IDEMPOTENCY_KEY_NOT_ACCEPTED = defineError('IDEMPOTENCY_KEY_NOT_ACCEPTED', 400, 'INVALID_ARGUMENT', () =>
  'This call creates a secret that is shown once and never stored, so a replay could not return it: send it without Idempotency-Key. If a response was lost, list the keys and revoke the one you did not receive.');
export const URL_INVALID = defineError('URL_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The request URL cannot be read: ${p.why}. Percent-encode reserved characters as UTF-8 (%20, %2F) and keep each path segment under 500 characters.`);
export const REQUEST_MALFORMED = defineError('REQUEST_MALFORMED', 400, 'INVALID_ARGUMENT', () =>
  'The HTTP request is malformed (for example a negative or non-numeric Content-Length); fix the client or the proxy that sent it.');
export const CONSOLE_NOT_BUILT = defineError('CONSOLE_NOT_BUILT', 404, 'NOT_FOUND', (p: { dir: string }) =>
  `The web console is not built (no ${p.dir}/index.html): run npm run build, or point --console-dir at a built console.`);
