import { FILTER_INVALID } from './errors.js';
import type { FilterExpr, FilterLiteral, FilterOp } from './parse.js';

export type FieldType = 'string' | 'number' | 'boolean' | 'timestamp';

/** A field a list can be filtered on. */
export interface FilterField {
  type: FieldType;
  /** The operators it takes; by default every one its type supports. */
  ops?: readonly FilterOp[];
  /** The values a string field may take, when it is an enumeration. */
  values?: readonly string[];
}

/**
 * The fields of one list. A key ending in `.*` stands for every sub-field of a
 * map (`attributes.*` accepts `attributes.shade`).
 */
export type FilterFields = Readonly<Record<string, FilterField>>;

export type FilterValue = string | number | boolean;

/** One comparison with its field known and its value converted to the field's type (timestamps as ISO-8601 UTC). */
export interface CheckedComparison {
  field: string;
  type: FieldType;
  op: FilterOp | 'in';
  values: FilterValue[];
}

export type CheckedFilter =
  | { kind: 'and' | 'or'; args: CheckedFilter[] }
  | { kind: 'not'; arg: CheckedFilter }
  | { kind: 'compare'; comparison: CheckedComparison };

const OPS_BY_TYPE: Record<FieldType, readonly FilterOp[]> = {
  string: ['=', '!=', ':', '<', '<=', '>', '>='],
  number: ['=', '!=', '<', '<=', '>', '>='],
  boolean: ['=', '!='],
  timestamp: ['=', '!=', '<', '<=', '>', '>='],
};

function fieldOf(fields: FilterFields, name: string): FilterField {
  const exact = fields[name];
  if (exact) return exact;
  const dot = name.indexOf('.');
  const map = dot > 0 ? fields[`${name.slice(0, dot)}.*`] : undefined;
  if (map) return map;
  throw FILTER_INVALID({ why: `unknown field ${name}; this list filters on ${Object.keys(fields).join(', ')}` });
}

function convert(field: string, f: FilterField, lit: FilterLiteral): FilterValue {
  switch (f.type) {
    case 'string':
      if (f.values && !f.values.includes(lit.text)) throw FILTER_INVALID({ why: `${field} is one of ${f.values.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(lit.text)}` });
      return lit.text;
    case 'number': {
      const n = lit.quoted ? NaN : Number(lit.text);
      if (!Number.isFinite(n) || lit.text.trim() === '') throw FILTER_INVALID({ why: `${field} is a number, not ${JSON.stringify(lit.text)}` });
      return n;
    }
    case 'boolean':
      if (!lit.quoted && (lit.text === 'true' || lit.text === 'false')) return lit.text === 'true';
      throw FILTER_INVALID({ why: `${field} is true or false, not ${JSON.stringify(lit.text)}` });
    case 'timestamp': {
      const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(lit.text) ? Date.parse(lit.text) : NaN;
      if (!Number.isFinite(t)) throw FILTER_INVALID({ why: `${field} is an RFC 3339 time such as "2026-11-27T00:00:00Z", not ${JSON.stringify(lit.text)}` });
      return new Date(t).toISOString();
    }
  }
}

/**
 * Checks a parsed filter against the fields a list offers: every field known,
 * every operator one the field takes, every value of the field's type. The
 * result is what `filterToSql` and `matchesFilter` read.
 *
 * @example
 * checkFilter(parseFilter('time >= "2026-11-01T00:00:00Z"'), { time: { type: 'timestamp' } })
 */
export function checkFilter(expr: FilterExpr | undefined, fields: FilterFields): CheckedFilter | undefined {
  if (!expr) return undefined;
  const walk = (e: FilterExpr): CheckedFilter => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return { kind: e.kind, args: e.args.map(walk) };
      case 'not':
        return { kind: 'not', arg: walk(e.arg) };
      case 'in': {
        const f = fieldOf(fields, e.field);
        if (!(f.ops ?? OPS_BY_TYPE[f.type]).includes('=')) throw FILTER_INVALID({ why: `${e.field} does not take IN` });
        return { kind: 'compare', comparison: { field: e.field, type: f.type, op: 'in', values: e.values.map((v) => convert(e.field, f, v)) } };
      }
      case 'compare': {
        const f = fieldOf(fields, e.field);
        const ops = f.ops ?? OPS_BY_TYPE[f.type];
        if (!ops.includes(e.op)) throw FILTER_INVALID({ why: `${e.field} takes ${ops.join(', ')}, not ${e.op}` });
        return { kind: 'compare', comparison: { field: e.field, type: f.type, op: e.op, values: [convert(e.field, f, e.value)] } };
      }
    }
  };
  return walk(expr);
}

/** The comparisons of a checked filter, for lists that need to see which fields it names. */
export function comparisonsOf(f: CheckedFilter | undefined): CheckedComparison[] {
  if (!f) return [];
  if (f.kind === 'compare') return [f.comparison];
  if (f.kind === 'not') return comparisonsOf(f.arg);
  return f.args.flatMap(comparisonsOf);
}
