import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { CheckedComparison, CheckedFilter } from './check.js';

/** How one field's comparison becomes SQL. */
export type ComparisonSql = (eb: ExpressionBuilder<any, any>, c: CheckedComparison) => Expression<SqlBool>;

/** `%`, `_` and the escape character itself, escaped for LIKE ... ESCAPE '\'. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A plain column: comparisons as written, `IN` as a list, and `:` (has) on
 * text as a case-insensitive substring match, the same on SQLite and
 * PostgreSQL (both sides lowered, so SQLite's case-folding LIKE and
 * PostgreSQL's case-sensitive one agree).
 */
export function column(name: string): ComparisonSql {
  return (eb, c) => {
    const ref = eb.ref(name);
    if (c.op === 'in') return eb(ref, 'in', c.values as never);
    if (c.op === ':') return eb(sql`lower(${ref})`, 'like', sql`lower(${`%${likeLiteral(String(c.values[0]))}%`}) escape '\\'`);
    if (c.op === '!=') return eb(ref, '<>', c.values[0] as never);
    return eb(ref, c.op, c.values[0] as never);
  };
}

/**
 * A `where` callback for Kysely from a checked filter; `sqlFor` says how each
 * field compares (most lists map fields to `column(...)`).
 *
 * @example
 * q = q.where(filterToSql(checked, (field) => column(COLUMNS[field])));
 */
export function filterToSql(f: CheckedFilter, sqlFor: (field: string) => ComparisonSql): (eb: ExpressionBuilder<any, any>) => Expression<SqlBool> {
  const walk = (eb: ExpressionBuilder<any, any>, e: CheckedFilter): Expression<SqlBool> => {
    if (e.kind === 'compare') return sqlFor(e.comparison.field)(eb, e.comparison);
    if (e.kind === 'not') return eb.not(walk(eb, e.arg));
    return e.kind === 'and' ? eb.and(e.args.map((a) => walk(eb, a))) : eb.or(e.args.map((a) => walk(eb, a)));
  };
  return (eb) => walk(eb, f);
}
