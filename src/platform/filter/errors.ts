import { defineError } from '../errors/index.js';

/** The one reason every filter fails with, on every list, search and report. */
export const FILTER_INVALID = defineError('FILTER_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `Invalid filter: ${p.why}. Filters read like brand = "Acme" AND price.amount < 5000 (AIP-160 syntax, see docs/filters.md).`);
