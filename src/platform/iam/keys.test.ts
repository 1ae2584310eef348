import { describe, expect, it } from 'vitest';
import { generateKey, hashSecret, parseKey, redactedKey, secretMatches } from './keys.js';

describe('API keys', () => {
  it('generates rk_<16-char keyId>_<43-char base62 secret> and parses it back', () => {
    const k = generateKey();
    expect(k.token).toMatch(/^rk_[A-Za-z0-9]{16}_[A-Za-z0-9]{43}$/);
    expect(parseKey(k.token)).toEqual({ keyId: k.keyId, secret: k.secret });
  });

  it('never generates the same key twice in a thousand', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateKey().token));
    expect(tokens.size).toBe(1000);
  });

  it('accepts bootstrap keys with a 6-32 character keyId and a secret of 32 or more', () => {
    expect(parseKey(`rk_abc123_${'x'.repeat(32)}`)).toBeDefined();
    expect(parseKey(`rk_abc12_${'x'.repeat(32)}`)).toBeUndefined();
    expect(parseKey(`rk_abc123_${'x'.repeat(31)}`)).toBeUndefined();
    expect(parseKey(`rk_abc-123_${'x'.repeat(40)}`)).toBeUndefined();
  });

  it('matches a secret only under the same pepper', () => {
    const hash = hashSecret('pepper-one', 'secret');
    expect(secretMatches('pepper-one', 'secret', hash)).toBe(true);
    expect(secretMatches('pepper-two', 'secret', hash)).toBe(false);
    expect(secretMatches('pepper-one', 'secreT', hash)).toBe(false);
    expect(hash).not.toContain('secret');
  });

  it('redacts everything but the keyId', () => {
    expect(redactedKey('abcdef')).toBe('rk_abcdef_********');
  });
});
