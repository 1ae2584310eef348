import { defineError, type RougeError } from '../../platform/index.js';

/**
 * Errors of the Topsort drop-in, rendered as Topsort's `{errCode, docUrl,
 * message}` (the routes' `errcode` protocol): `errCode` is one of Topsort's
 * codes where it has one, so a client that dispatches on it keeps working.
 */
export const TOPSORT_REQUEST_INVALID = defineError('TOPSORT_REQUEST_INVALID', 400, 'INVALID_ARGUMENT', (p: { errCode: string; why: string }) =>
  `${p.why} (${p.errCode}; docs/sponsored-products.md, "Topsort compatibility", lists the fields Rouge takes).`);

/** A 400 with a Topsort errCode. */
export function invalid(errCode: string, why: string): RougeError {
  return TOPSORT_REQUEST_INVALID({ errCode, why }, { metadata: { errCode } });
}
