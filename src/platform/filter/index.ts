/**
 * One filter syntax for every list, search and report (Google AIP-160):
 * parse once, check against the list's fields, then run it in the store
 * (`filterToSql`) or in memory (`matchesFilter`) with the same meaning.
 */
export { parseFilter } from './parse.js';
export type { FilterExpr, FilterLiteral, FilterOp } from './parse.js';
export { checkFilter, comparisonsOf } from './check.js';
export type { CheckedFilter, CheckedComparison, FilterField, FilterFields, FieldType, FilterValue } from './check.js';
export { filterToSql, column } from './sql.js';
export type { ComparisonSql } from './sql.js';
export { matchesFilter } from './match.js';
export { FILTER_INVALID } from './errors.js';
