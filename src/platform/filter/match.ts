import type { CheckedComparison, CheckedFilter, FilterValue } from './check.js';

function compare(actual: unknown, c: CheckedComparison): boolean {
  // A missing field matches nothing, not even `!=`: in SQL a comparison with NULL is never true.
  if (actual === undefined || actual === null) return false;
  if (Array.isArray(actual)) {
    // A list field: `:` and `=` ask whether the value is among its elements.
    return c.op === '!=' ? !actual.some((a) => a === c.values[0]) : actual.some((a) => compare(a, { ...c, op: c.op === ':' ? '=' : c.op }));
  }
  const v = c.values[0] as FilterValue;
  const a = typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean' ? actual : String(actual);
  switch (c.op) {
    case 'in':
      return c.values.includes(a);
    case '=':
      return a === v;
    case '!=':
      return a !== v;
    case ':':
      return String(a).toLowerCase().includes(String(v).toLowerCase());
    case '<':
      return a < v;
    case '<=':
      return a <= v;
    case '>':
      return a > v;
    case '>=':
      return a >= v;
  }
}

/**
 * Evaluates a checked filter on an object in memory, with the same meaning as
 * `filterToSql` gives it in the store: for filters over things already
 * loaded (recommendation candidates, search hits). `get` reads a field by its
 * filter name (`price.amount`).
 *
 * @example
 * const keep = candidates.filter((item) => matchesFilter(checked, (field) => fieldOfItem(item, field)));
 */
export function matchesFilter(f: CheckedFilter | undefined, get: (field: string) => unknown): boolean {
  if (!f) return true;
  switch (f.kind) {
    case 'compare':
      return compare(get(f.comparison.field), f.comparison);
    case 'not':
      return !matchesFilter(f.arg, get);
    case 'and':
      return f.args.every((a) => matchesFilter(a, get));
    case 'or':
      return f.args.some((a) => matchesFilter(a, get));
  }
}
