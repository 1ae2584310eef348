import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonlRecords } from './sources.js';

describe('jsonlRecords', () => {
  it('yields objects with their line numbers, skips blank lines, and reports a bad line alone', async () => {
    const out = [];
    for await (const r of jsonlRecords(Readable.from(['{"a":1}\n\n', 'not json\n[1]\n{"b":2}\n']))) out.push(r);
    expect(out.map((r) => [r.line, r.value ?? r.error?.reason])).toEqual([[1, { a: 1 }], [3, 'LINE_MALFORMED'], [4, 'LINE_MALFORMED'], [5, { b: 2 }]]);
  });
});
