import { matchesFilter, type CheckedFilter } from '../platform/index.js';
import { parseItemFilter } from '../catalog/index.js';
import type { ItemRecord } from './item-table.js';
import type { Rules } from './recommenders.js';

/** A test on one item, compiled once per recommender or request. */
export type ItemPredicate = (r: ItemRecord) => boolean;

/** A recommender's rules, compiled: what the serving path applies to each candidate. */
export interface CompiledRules {
  exclude: ReadonlySet<string>;
  excludePurchased: boolean;
  maxPerBrand: number | undefined;
  filter: ItemPredicate | undefined;
  boosts: ReadonlyArray<{ test: ItemPredicate; factor: number }>;
  /** Sponsored slots leave out the context items' brands (a product page selling other brands' ads only). */
  sponsoredOtherBrands: boolean;
}

/** A field of an item by its filter name; `category` depends on the operator (a subtree for `=`, the joined path for `:`). */
function fieldOf(r: ItemRecord, field: string, op: string): unknown {
  switch (field) {
    case 'category':
      return op === ':' ? r.category : r.prefixes;
    case 'price.amount':
      return r.price?.amount;
    case 'price.currency':
      return r.price?.currency;
    case 'id': case 'title': case 'brand': case 'availability': case 'createTime': case 'updateTime':
      return r[field];
    case 'condition':
      return 'new';
    case 'gtin':
      return undefined;
    default: {
      // attributes.*: compared as text, as the store compares them.
      const v = r.attributes[field.slice('attributes.'.length)];
      return v === undefined || v === null ? undefined : String(v);
    }
  }
}

function compile(f: CheckedFilter): ItemPredicate {
  switch (f.kind) {
    case 'compare': {
      const op = f.comparison.op;
      return (r) => matchesFilter(f, (name) => fieldOf(r, name, op));
    }
    case 'not': {
      const arg = compile(f.arg);
      return (r) => !arg(r);
    }
    case 'and': {
      const args = f.args.map(compile);
      return (r) => args.every((a) => a(r));
    }
    case 'or': {
      const args = f.args.map(compile);
      return (r) => args.some((a) => a(r));
    }
  }
}

/** An item filter in the platform syntax as a predicate; FILTER_INVALID names what is wrong. Undefined for none. */
export function compileFilter(text: string | undefined): ItemPredicate | undefined {
  const checked = parseItemFilter(text);
  return checked ? compile(checked) : undefined;
}

/** Compiles and thereby checks a recommender's rules (a bad filter is refused when the rules are saved). */
export function compileRules(rules: Rules): CompiledRules {
  return {
    exclude: new Set(rules.excludeItemIds ?? []),
    excludePurchased: rules.excludePurchased ?? false,
    maxPerBrand: rules.maxPerBrand,
    filter: compileFilter(rules.filter),
    boosts: (rules.boosts ?? []).map((b) => ({ test: compileFilter(b.filter) ?? (() => true), factor: b.factor })),
    sponsoredOtherBrands: rules.sponsoredOtherBrands ?? false,
  };
}
