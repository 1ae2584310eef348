import { describe, expect, it } from 'vitest';
import { RougeError } from '../errors/index.js';
import { parseFilter, type FilterExpr } from './parse.js';

const cmp = (field: string, op: string, text: string, quoted = true): FilterExpr => ({ kind: 'compare', field, op: op as never, value: { text, quoted } });
const why = (text: string) => {
  try {
    parseFilter(text);
  } catch (e) {
    expect(e).toBeInstanceOf(RougeError);
    expect((e as RougeError).reason).toBe('FILTER_INVALID');
    return (e as RougeError).message;
  }
  throw new Error(`parsed: ${text}`);
};

describe('parseFilter', () => {
  it('reads nothing from an empty or blank filter', () => {
    expect(parseFilter(undefined)).toBeUndefined();
    expect(parseFilter('  ')).toBeUndefined();
  });

  it('keeps AND inside quotes as text, and honours escapes in both quote styles', () => {
    expect(parseFilter('brand = "Salt AND Pepper"')).toEqual(cmp('brand', '=', 'Salt AND Pepper'));
    expect(parseFilter(String.raw`title = "say \"hi\"" AND brand = 'O\'Neil'`)).toEqual({ kind: 'and', args: [cmp('title', '=', 'say "hi"'), cmp('brand', '=', "O'Neil")] });
  });

  it('reads every operator, bare values and IN lists', () => {
    for (const op of ['=', '!=', '<', '<=', '>', '>=', ':']) expect(parseFilter(`price.amount ${op} 500`)).toEqual(cmp('price.amount', op, '500', false));
    expect(parseFilter('price.amount>=-5')).toEqual(cmp('price.amount', '>=', '-5', false));
    expect(parseFilter('brand IN ("A", "B C", d)')).toEqual({ kind: 'in', field: 'brand', values: [{ text: 'A', quoted: true }, { text: 'B C', quoted: true }, { text: 'd', quoted: false }] });
    expect(parseFilter('time >= 2026-11-27T10:00:00Z')).toEqual(cmp('time', '>=', '2026-11-27T10:00:00Z', false));
  });

  it('binds OR tighter than AND, as AIP-160 says, and ANDs terms side by side', () => {
    expect(parseFilter('a = 1 AND b = 2 OR c = 3')).toEqual({ kind: 'and', args: [cmp('a', '=', '1', false), { kind: 'or', args: [cmp('b', '=', '2', false), cmp('c', '=', '3', false)] }] });
    expect(parseFilter('a = 1 b = 2')).toEqual({ kind: 'and', args: [cmp('a', '=', '1', false), cmp('b', '=', '2', false)] });
    expect(parseFilter('(a = 1 AND b = 2) OR c = 3')).toEqual({ kind: 'or', args: [{ kind: 'and', args: [cmp('a', '=', '1', false), cmp('b', '=', '2', false)] }, cmp('c', '=', '3', false)] });
  });

  it('negates with NOT and with a leading minus', () => {
    expect(parseFilter('NOT brand = "x"')).toEqual({ kind: 'not', arg: cmp('brand', '=', 'x') });
    expect(parseFilter('-brand = "x" AND NOT (a = 1 OR b = 2)')).toEqual({
      kind: 'and',
      args: [{ kind: 'not', arg: cmp('brand', '=', 'x') }, { kind: 'not', arg: { kind: 'or', args: [cmp('a', '=', '1', false), cmp('b', '=', '2', false)] } }],
    });
  });

  it('says where a filter goes wrong', () => {
    expect(why('brand = "open')).toContain('not closed');
    expect(why('brand "x"')).toContain('expected an operator');
    expect(why('(brand = "x"')).toContain('expected ")"');
    expect(why('brand = ')).toContain('expected a value at the end');
    expect(why('= "x"')).toContain('expected a field name at character 1');
    expect(why('brand IN "x"')).toContain('expected "("');
    expect(why('a = 1 )')).toContain('unexpected ")"');
    expect(why('a ! 1')).toContain('use NOT');
    expect(why(`${'('.repeat(40)}a = 1${')'.repeat(40)}`)).toContain('nests deeper');
    expect(why(`a = "${'x'.repeat(5000)}"`)).toContain('the limit is 4096');
  });
});
