import { describe, expect, it } from 'vitest';
import { nulPointer } from './nul.js';

describe('nulPointer', () => {
  it('names the first string or key holding a NUL, as a JSON pointer', () => {
    expect(nulPointer({ a: 'fine', b: ['x', 'y\u0000'] })).toBe('/b/1');
    expect(nulPointer({ 'a/b~c': 'z\u0000' })).toBe('/a~1b~0c');
    expect(nulPointer({ ['k\u0000']: 1 })).toBe('/k\\u0000');
    expect(nulPointer('top\u0000')).toBe('');
  });

  it('answers undefined for values without one, numbers and nulls included', () => {
    expect(nulPointer({ a: [1, 2.5, null, true, { b: 'c' }], d: '' })).toBeUndefined();
    expect(nulPointer('plain')).toBeUndefined();
  });

  it('walks a hostile nesting depth without overflowing the stack, with or without a NUL at the bottom', () => {
    const deep = (leaf: unknown) => {
      let v: unknown = leaf;
      for (let i = 0; i < 100_000; i++) v = [v];
      return v;
    };
    expect(nulPointer(deep('ok'))).toBeUndefined();
    expect(nulPointer(deep('bad\u0000'))).toBe('/0'.repeat(100_000));
  });
});
