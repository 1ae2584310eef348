import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkCsvHeader, csvRecordToItem, csvRecords, readCsvHeader } from './csv.js';

describe('catalog CSV', () => {
  it('accepts the required columns, optional ones and attributes.<key>, and refuses the rest', () => {
    expect(() => checkCsvHeader(['id', 'title', 'categoryPath', 'price', 'attributes.shade'])).not.toThrow();
    expect(() => checkCsvHeader(['id', 'title'])).toThrow(/categoryPath is missing/);
    expect(() => checkCsvHeader(['id', 'title', 'categoryPath', 'colour'])).toThrow(/"colour" is not an item field/);
    expect(() => checkCsvHeader(['id', 'id', 'title', 'categoryPath'])).toThrow(/appears twice/);
  });

  it('reads the header line alone, past a byte-order mark', async () => {
    expect(await readCsvHeader(Readable.from(['\ufeffid, title ,categoryPath\n1,a,b\n']))).toEqual(['id', 'title', 'categoryPath']);
  });

  it('turns a record into an item: price in minor units, the path split, attributes merged, empty cells absent', () => {
    expect(csvRecordToItem({ id: 'x', title: 'T', categoryPath: 'Makeup > Lips', price: '1999 EUR', attributes: '{"a": 1}', 'attributes.shade': 'ruby', brand: ' ' })).toEqual({
      id: 'x', title: 'T', categoryPath: ['Makeup', 'Lips'], price: { amount: 1999, currency: 'EUR' }, attributes: { a: 1, shade: 'ruby' },
    });
    expect(() => csvRecordToItem({ price: '19.99' })).toThrow(/"amount currency"/);
    expect(() => csvRecordToItem({ attributes: '[1]' })).toThrow(/not a JSON object/);
  });

  it('numbers records by line and reports a malformed one without stopping', async () => {
    const out = [];
    for await (const r of csvRecords(Readable.from(['id,title,categoryPath\n1,a,A > B\n2,"unclosed,C\n']))) out.push(r);
    expect(out[0]).toMatchObject({ line: 2, value: { id: '1', title: 'a', categoryPath: ['A', 'B'] } });
    expect(out.at(-1)!.error).toBeDefined();
  });
});
