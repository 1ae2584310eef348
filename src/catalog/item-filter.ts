import { sql } from 'kysely';
import { checkFilter, column, filterToSql, parseFilter, type CheckedFilter, type ComparisonSql, type Dialect, type FilterFields } from '../platform/index.js';
import { CATEGORY_SEPARATOR } from './items.js';
import { AVAILABILITY, CONDITION } from './schemas.js';

/** What `GET .../catalog/items?filter=` (and later search and recommenders) may filter on. */
export const ITEM_FILTER_FIELDS: FilterFields = {
  id: { type: 'string' },
  title: { type: 'string', ops: [':', '='] },
  brand: { type: 'string' },
  availability: { type: 'string', values: AVAILABILITY },
  condition: { type: 'string', values: CONDITION },
  category: { type: 'string', ops: ['=', '!=', ':'] },
  gtin: { type: 'string' },
  'price.amount': { type: 'number' },
  'price.currency': { type: 'string' },
  createTime: { type: 'timestamp' },
  updateTime: { type: 'timestamp' },
  'attributes.*': { type: 'string' },
};

const COLUMNS: Record<string, string> = {
  id: 'id', title: 'title', brand: 'brand', availability: 'availability', condition: 'condition', gtin: 'gtin',
  'price.amount': 'price_amount', 'price.currency': 'price_currency', createTime: 'create_time', updateTime: 'update_time',
};

/**
 * `category = "Makeup > Lips"` means the category and everything under it, as
 * Google Retail's category filters do; `:` is a substring of the path.
 * substr, not LIKE, for the subtree: SQLite's LIKE ignores case, and a range
 * would follow PostgreSQL's collation, which skips punctuation such as '>'.
 */
const category: ComparisonSql = (eb, c) => {
  if (c.op === ':') return column('category')(eb, c);
  const under = (path: string) => {
    const prefix = path + CATEGORY_SEPARATOR;
    return eb.or([eb('category', '=', path), eb(sql`substr(category, 1, ${prefix.length})`, '=', prefix)]);
  };
  const any = eb.or(c.values.map((v) => under(String(v))));
  return c.op === '!=' ? eb.not(any) : any;
};

/** An attribute read as text on both stores, so `attributes.volumeMl = "4"` matches the number 4. */
function attribute(dialect: Dialect, key: string): ComparisonSql {
  const path = `$.${JSON.stringify(key)}`;
  const expr = dialect === 'postgres' ? sql<string>`(attributes::jsonb ->> ${key})` : sql<string>`cast(json_extract(attributes, ${path}) as text)`;
  return (eb, c) => {
    if (c.op === 'in') return eb(expr, 'in', c.values as string[]);
    if (c.op === ':') return eb(sql`lower(${expr})`, 'like', `%${String(c.values[0]).toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    return eb(expr, c.op === '!=' ? '<>' : c.op, c.values[0] as string);
  };
}

/** Parses and checks an item filter; FILTER_INVALID says what is wrong. */
export function parseItemFilter(text: string | undefined): CheckedFilter | undefined {
  return checkFilter(parseFilter(text), ITEM_FILTER_FIELDS);
}

/** The `where` of an item filter on `catalog_items`. */
export function itemFilterSql(f: CheckedFilter, dialect: Dialect) {
  return filterToSql(f, (field) => (field === 'category' ? category : field.startsWith('attributes.') ? attribute(dialect, field.slice('attributes.'.length)) : column(COLUMNS[field]!)));
}
