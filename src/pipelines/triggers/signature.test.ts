import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';
import { sign, signatureHeader, verifySignature } from './signature.js';

describe('Rouge-Signature', () => {
  const secret = 'rsig_test';
  const body = Buffer.from('{"parameters":{"since":"2026-11-01"}}');
  const now = 1_796_000_000_000;

  it('accepts a signature of "<t>.<raw body>" made within five minutes', () => {
    expect(verifySignature(signatureHeader(secret, body, now), body, secret, now + 299_000)).toMatchObject({ ok: true });
  });

  it('refuses a stale one, another body, another secret and a malformed header, each with its reason', () => {
    expect(verifySignature(signatureHeader(secret, body, now - 301_000), body, secret, now)).toMatchObject({ ok: false, why: 'stale' });
    expect(verifySignature(signatureHeader(secret, body, now), Buffer.from('{}'), secret, now)).toMatchObject({ ok: false, why: 'mismatch' });
    expect(verifySignature(signatureHeader('rsig_other', body, now), body, secret, now)).toMatchObject({ ok: false, why: 'mismatch' });
    expect(verifySignature('v1=abc', body, secret, now)).toMatchObject({ ok: false, why: 'malformed' });
  });

  it('accepts any of several v1 values (a sender rotating its secret)', () => {
    const t = Math.floor(now / 1000);
    expect(verifySignature(`t=${t},v1=${sign('old', t, body)},v1=${sign(secret, t, body)}`, body, secret, now)).toMatchObject({ ok: true });
  });
});

describe('SecretBox', () => {
  it('opens what it sealed, and nothing sealed under another key', () => {
    const box = new SecretBox('a'.repeat(32));
    const sealed = box.seal('rsig_x');
    expect(sealed).not.toContain('rsig_x');
    expect(box.open(sealed)).toBe('rsig_x');
    expect(new SecretBox('b'.repeat(32)).open(sealed)).toBeUndefined();
  });
});
