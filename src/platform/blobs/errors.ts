import { defineError } from '../errors/registry.js';

/* Reasons raised by the blob port and its adapters. */

/** Quotes a key for a message, shortened so a 1 KB key does not drown the rule it broke. */
function shown(key: string): string {
  const quoted = JSON.stringify(key);
  return quoted.length > 122 ? `${quoted.slice(0, 100)}…" (${Buffer.byteLength(key, 'utf8')} bytes)` : quoted;
}

/** A key or prefix breaks the key rules; the message names the rule. */
export const BLOB_KEY_INVALID = defineError('BLOB_KEY_INVALID', 400, 'INVALID_ARGUMENT', (p: { key: string; problem: string }) =>
  `Blob key ${shown(p.key)} is invalid: ${p.problem}. A key is 1 to 1024 bytes of UTF-8 made of '/'-separated segments of at most 255 bytes; ` +
  `it may not start with '/', contain empty, '.' or '..' segments, backslashes or control characters.`);

/** No object under the key. */
export const BLOB_NOT_FOUND = defineError('BLOB_NOT_FOUND', 404, 'NOT_FOUND', (p: { key: string }) =>
  `No blob ${shown(p.key)}; check the key, or list the prefix to see what exists.`);

/** A conditional create found an object already there. */
export const BLOB_ALREADY_EXISTS = defineError('BLOB_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { key: string }) =>
  `Blob ${shown(p.key)} already exists and was left unchanged; write to a new key, or delete it first to replace it.`);

/**
 * The file store cannot hold a key that is also the folder of another key
 * (`a` and `a/b`), which S3 allows; the message names the clash.
 */
export const BLOB_KEY_CONFLICT = defineError('BLOB_KEY_CONFLICT', 409, 'FAILED_PRECONDITION', (p: { key: string }) =>
  `Blob key ${shown(p.key)} clashes with an existing key on the file store: one key cannot be both an object and ` +
  `the folder of another (\`a\` and \`a/b\`); choose a key that is not a prefix of, or prefixed by, an existing object.`);

/** The source was longer than the caller's `maxBytes`; nothing was stored. */
export const BLOB_TOO_LARGE = defineError('BLOB_TOO_LARGE', 413, 'OUT_OF_RANGE', (p: { key: string; maxBytes: number }) =>
  `Blob ${shown(p.key)} is larger than the limit of ${p.maxBytes} bytes and was not stored; send a smaller object.`);

/** The backing store cannot be reached or refused the credentials. */
export const BLOB_STORE_UNAVAILABLE = defineError('BLOB_STORE_UNAVAILABLE', 503, 'UNAVAILABLE', (p: { store: string; detail: string }) =>
  `The blob store ${p.store} is not usable (${p.detail}); retry later. Operators: check its endpoint, bucket, credentials and disk.`);
