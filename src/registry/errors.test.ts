import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as errors from './errors.js';

// The errors table in docs/registry.md is what clients switch on; a reason missing from it, or
// listed with the wrong status, is a contract the code does not keep.
describe('registry errors', () => {
  it('lists every reason in docs/registry.md with its HTTP status and Google status', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/registry.md'), 'utf8');
    const rows = new Map<string, string>();
    for (const m of doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (\d{3}) \| `([A-Z_]+)` \|/gm)) rows.set(m[1]!, `${m[2]} ${m[3]}`);
    for (const def of Object.values(errors)) {
      expect(rows.get(def.reason), def.reason).toBe(`${def.httpStatus} ${def.status}`);
    }
    expect([...rows.keys()].sort()).toEqual(Object.values(errors).map((d) => d.reason).sort());
  });
});
