import type { AuditFilter } from './audit-store.js';
import * as errors from './errors.js';

const TEXT_FIELDS = new Set(['principal', 'permission', 'result', 'method', 'resource']);
const CLAUSE = /^([a-zA-Z]+)\s*(>=|<=|=|>|<)\s*(?:"([^"]*)"|(\S+))$/;

/**
 * Parses the subset of AIP-160 filters the audit log supports: clauses joined
 * by AND, `field="value"` on principal, permission, result, method and
 * resource, and `time>=`/`time<` comparisons with RFC 3339 times.
 *
 * @example
 * parseAuditFilter('principal="user:admin" AND time>="2026-11-27T00:00:00Z"')
 */
export function parseAuditFilter(text: string | undefined): AuditFilter {
  const filter: AuditFilter = {};
  if (!text || text.trim() === '') return filter;
  for (const clause of text.trim().split(/\s+AND\s+/i)) {
    const m = CLAUSE.exec(clause.trim());
    if (!m) throw errors.INVALID_FILTER({ problem: `cannot read ${JSON.stringify(clause)}` });
    const [, field, op, quoted, bare] = m;
    const value = quoted ?? bare ?? '';
    if (field === 'time') {
      const t = Date.parse(value);
      if (!Number.isFinite(t)) throw errors.INVALID_FILTER({ problem: `${JSON.stringify(value)} is not an RFC 3339 time` });
      const iso = new Date(t).toISOString();
      if (op === '>=' || op === '>') filter.timeFrom = iso;
      else if (op === '<' || op === '<=') filter.timeTo = op === '<=' ? new Date(t + 1).toISOString() : iso;
      else throw errors.INVALID_FILTER({ problem: 'time takes >=, >, < or <=' });
    } else if (TEXT_FIELDS.has(field!)) {
      if (op !== '=') throw errors.INVALID_FILTER({ problem: `${field} takes only =` });
      (filter as Record<string, string>)[field!] = value;
    } else {
      throw errors.INVALID_FILTER({ problem: `unknown field ${field}; fields are ${[...TEXT_FIELDS, 'time'].join(', ')}` });
    }
  }
  return filter;
}
