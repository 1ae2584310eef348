import { describe, expect, it } from 'vitest';
import { checkFilter, type FilterFields } from './check.js';
import { matchesFilter } from './match.js';
import { parseFilter } from './parse.js';

const FIELDS: FilterFields = {
  brand: { type: 'string' },
  availability: { type: 'string', values: ['in_stock', 'out_of_stock'] },
  'price.amount': { type: 'number' },
  active: { type: 'boolean' },
  time: { type: 'timestamp' },
  'attributes.*': { type: 'string' },
};
const check = (text: string) => checkFilter(parseFilter(text), FIELDS);
const fails = (text: string) => expect(() => check(text)).toThrow(/Invalid filter/);

describe('checkFilter', () => {
  it('types values by their field: numbers, booleans, timestamps as ISO UTC', () => {
    expect(check('price.amount < 5000 AND active = true AND time >= "2026-11-27T10:00:00+05:30"')).toEqual({
      kind: 'and',
      args: [
        { kind: 'compare', comparison: { field: 'price.amount', type: 'number', op: '<', values: [5000] } },
        { kind: 'compare', comparison: { field: 'active', type: 'boolean', op: '=', values: [true] } },
        { kind: 'compare', comparison: { field: 'time', type: 'timestamp', op: '>=', values: ['2026-11-27T04:30:00.000Z'] } },
      ],
    });
  });

  it('refuses unknown fields naming the known ones, wrong types, wrong operators and values outside an enumeration', () => {
    expect(() => check('colour = "red"')).toThrow(/unknown field colour; this list filters on brand, availability/);
    fails('price.amount = "cheap"');
    fails('price.amount = "5"');
    fails('active = yes');
    fails('time > yesterday');
    fails('active < true');
    fails('price.amount : 5');
    expect(() => check('availability = "sold"')).toThrow(/availability is one of "in_stock", "out_of_stock"/);
  });

  it('accepts any sub-field of a map field', () => {
    expect(check('attributes.shade = "ruby"')).toEqual({ kind: 'compare', comparison: { field: 'attributes.shade', type: 'string', op: '=', values: ['ruby'] } });
  });
});

describe('matchesFilter', () => {
  const item: Record<string, unknown> = { brand: 'Salt AND Pepper', 'price.amount': 4500, active: true, availability: 'in_stock', tags: ['matte', 'red'] };
  const get = (f: string) => item[f];
  const fields: FilterFields = { ...FIELDS, tags: { type: 'string' } };
  const m = (text: string) => matchesFilter(checkFilter(parseFilter(text), fields), get);

  it('evaluates comparisons, IN, has, NOT, AND and OR as the store does', () => {
    expect(m('brand = "Salt AND Pepper"')).toBe(true);
    expect(m('brand : "pepper"')).toBe(true);
    expect(m('price.amount < 5000 AND availability IN ("in_stock")')).toBe(true);
    expect(m('NOT active = true OR price.amount > 9000')).toBe(false);
    expect(m('tags : "matte"')).toBe(true);
    expect(m('tags != "blue"')).toBe(true);
    expect(m('attributes.shade != "ruby"')).toBe(false); // missing: no comparison holds, as with NULL in SQL
    expect(matchesFilter(undefined, get)).toBe(true);
  });
});
