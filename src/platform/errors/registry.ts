/**
 * The one registry of error reasons. Every failure a client can see has a stable
 * upper-snake `reason`, an HTTP status, a Google canonical status and a message
 * template that tells the caller what to fix. Reasons are never renamed or reused
 * once released, the discipline Fastify keeps with its FST_ERR_* codes.
 */

/** Google canonical status names (google/rpc/code.proto) used in the error model. */
export type GoogleStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'OUT_OF_RANGE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'ABORTED'
  | 'RESOURCE_EXHAUSTED'
  | 'CANCELLED'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

/** One registered reason. */
export interface ErrorDefinition {
  reason: string;
  httpStatus: number;
  status: GoogleStatus;
}

/** A field-level complaint, rendered as a google.rpc.BadRequest field violation. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** An error thrown by Rouge code: it knows how it is rendered to a client. */
export class RougeError extends Error {
  readonly reason: string;
  readonly httpStatus: number;
  readonly status: GoogleStatus;
  readonly metadata: Record<string, string>;
  readonly fieldViolations: FieldViolation[];
  /** Extra response headers, such as Retry-After on a 429. */
  readonly headers: Record<string, string>;

  constructor(
    def: ErrorDefinition,
    message: string,
    extra: { metadata?: Record<string, string>; fieldViolations?: FieldViolation[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'RougeError';
    this.reason = def.reason;
    this.httpStatus = def.httpStatus;
    this.status = def.status;
    this.metadata = extra.metadata ?? {};
    this.fieldViolations = extra.fieldViolations ?? [];
    this.headers = extra.headers ?? {};
  }
}

/** Builds a RougeError of one reason from the template's parameters. */
export type ErrorFactory<P> = ((params: P, extra?: ConstructorParameters<typeof RougeError>[2]) => RougeError) & ErrorDefinition;

const registry = new Map<string, ErrorDefinition>();

/**
 * Registers a reason and returns the factory that throws it. Registering the
 * same reason twice is a programming error and fails at import time, so two
 * modules cannot claim one code.
 *
 * @example
 * export const MODEL_NOT_FOUND = defineError('MODEL_NOT_FOUND', 404, 'NOT_FOUND',
 *   (p: { model: string }) => `Model ${p.model} does not exist; list models with GET .../models.`);
 * throw MODEL_NOT_FOUND({ model: 'ctr' });
 */
export function defineError<P = void>(
  reason: string,
  httpStatus: number,
  status: GoogleStatus,
  message: (params: P) => string,
): ErrorFactory<P> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(reason)) throw new Error(`error reason ${reason} is not UPPER_SNAKE`);
  if (registry.has(reason)) throw new Error(`error reason ${reason} is registered twice`);
  const def: ErrorDefinition = { reason, httpStatus, status };
  registry.set(reason, def);
  const factory = (params: P, extra?: ConstructorParameters<typeof RougeError>[2]) =>
    new RougeError(def, message(params), extra);
  return Object.assign(factory, def);
}

/** Every registered reason, for docs and for the test that keeps them unique. */
export function registeredErrors(): ErrorDefinition[] {
  return [...registry.values()];
}
