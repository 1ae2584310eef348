/** The audit page's filter inputs, as kept in its URL. */
export interface AuditQuery {
  principal: string;
  action: string;
  method: string;
  resource: string;
  result: string;
  /** `datetime-local` values, in the reader's zone. */
  from: string;
  to: string;
}

export const AUDIT_KEYS: ReadonlyArray<keyof AuditQuery> = ['principal', 'action', 'method', 'resource', 'result', 'from', 'to'];

/** An AIP-160 string literal: quoted, with `\` and `"` escaped (docs/filters.md). */
export function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A `datetime-local` value as the RFC 3339 instant the API compares times with; undefined when it is not a time. */
export function instant(local: string): string | undefined {
  const d = new Date(local);
  return local && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

/**
 * The filter the audit log route reads (`GET .../auditLog?filter=`), in the
 * platform's syntax: the principal exactly, the action (permission) and the
 * resource as case-insensitive substrings (`:`), the method and result
 * exactly, and the time range as instants. Undefined when nothing is set.
 */
export function auditFilter(q: AuditQuery): string | undefined {
  const from = instant(q.from);
  const to = instant(q.to);
  const clauses = [
    q.principal.trim() && `principal = ${quote(q.principal.trim())}`,
    q.action.trim() && `permission : ${quote(q.action.trim())}`,
    q.method && `method = ${quote(q.method)}`,
    q.resource.trim() && `resource : ${quote(q.resource.trim())}`,
    q.result && `result = ${quote(q.result)}`,
    from && `time >= ${quote(from)}`,
    to && `time <= ${quote(to)}`,
  ].filter(Boolean);
  return clauses.length ? clauses.join(' AND ') : undefined;
}

/** The query as read from the page's URL search. */
export function readAuditQuery(search: URLSearchParams): AuditQuery {
  return Object.fromEntries(AUDIT_KEYS.map((k) => [k, search.get(k) ?? ''])) as unknown as AuditQuery;
}
