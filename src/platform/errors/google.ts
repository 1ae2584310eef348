import type { RougeError } from './registry.js';

/** Error domain in every google.rpc.ErrorInfo Rouge emits. */
export const ERROR_DOMAIN = 'rouge';

/** The JSON body of Google's error model (https://cloud.google.com/apis/design/errors). */
export interface GoogleErrorBody {
  error: {
    code: number;
    status: string;
    message: string;
    details: Array<Record<string, unknown>>;
  };
}

/**
 * Renders an error in Google's error model: an ErrorInfo carrying the stable
 * reason (what Google's client libraries switch on), and a BadRequest listing
 * field violations when there are any.
 */
export function toGoogleError(err: RougeError): GoogleErrorBody {
  const details: Array<Record<string, unknown>> = [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: err.reason,
      domain: ERROR_DOMAIN,
      ...(Object.keys(err.metadata).length > 0 ? { metadata: err.metadata } : {}),
    },
  ];
  if (err.fieldViolations.length > 0) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: err.fieldViolations });
  }
  return { error: { code: err.httpStatus, status: err.status, message: err.message, details } };
}
