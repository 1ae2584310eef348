import { checkFilter, column, filterToSql, parseFilter, type CheckedFilter, type FilterFields } from '../filter/index.js';

/** What the audit log filters on. */
export const AUDIT_FILTER_FIELDS: FilterFields = {
  principal: { type: 'string' },
  permission: { type: 'string' },
  result: { type: 'string', values: ['allowed', 'denied', 'failed'] },
  method: { type: 'string' },
  resource: { type: 'string' },
  status: { type: 'number' },
  reason: { type: 'string' },
  time: { type: 'timestamp' },
};

/**
 * Parses an audit-log filter in the platform's syntax (AIP-160), e.g.
 * `principal = "user:admin" AND time >= "2026-11-27T00:00:00Z"`.
 */
export function parseAuditFilter(text: string | undefined): CheckedFilter | undefined {
  return checkFilter(parseFilter(text), AUDIT_FILTER_FIELDS);
}

/** The `where` of an audit filter on `audit_log`: every field is its own column. */
export function auditFilterSql(f: CheckedFilter) {
  return filterToSql(f, (field) => column(field === 'status' ? 'status_code' : field));
}
