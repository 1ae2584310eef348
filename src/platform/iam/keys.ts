import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 43 base62 characters carry 256 bits (43 x log2 62 = 256.03). */
export const SECRET_LENGTH = 43;
const KEY_ID_LENGTH = 16;
const KEY_FORMAT = /^rk_([A-Za-z0-9]{6,32})_([A-Za-z0-9]{32,128})$/;

function base62(length: number): string {
  let out = '';
  // randomInt draws without modulo bias, so every character is uniform.
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

/** A new key: its public id, its secret, and the token shown to the user once. */
export function generateKey(): { keyId: string; secret: string; token: string } {
  const keyId = base62(KEY_ID_LENGTH);
  const secret = base62(SECRET_LENGTH);
  return { keyId, secret, token: `rk_${keyId}_${secret}` };
}

/** Splits `rk_<keyId>_<secret>`; undefined when the token is not shaped like a key. */
export function parseKey(token: string): { keyId: string; secret: string } | undefined {
  const m = KEY_FORMAT.exec(token);
  return m ? { keyId: m[1]!, secret: m[2]! } : undefined;
}

/**
 * HMAC-SHA-256 of the secret under the server's pepper. A fast hash is right
 * here: the secret carries 256 random bits, so no dictionary exists to slow
 * down, and a password KDF on every request would spend the latency budget.
 * The pepper keeps a stolen database alone from being enough to verify guesses.
 */
export function hashSecret(pepper: string, secret: string): string {
  return createHmac('sha256', pepper).update(secret).digest('base64url');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(pepper: string, secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(pepper, secret));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The form shown in listings: enough to recognise a key, nothing to use it. */
export function redactedKey(keyId: string): string {
  return `rk_${keyId}_${'*'.repeat(8)}`;
}
