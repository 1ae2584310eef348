import { BLOB_KEY_INVALID } from './errors.js';

/** The longest key S3 accepts, in UTF-8 bytes; the file store keeps the same limit so keys move between stores. */
export const MAX_KEY_BYTES = 1024;

/** The longest file name most file systems allow (NAME_MAX); S3 has no such limit, so it is enforced everywhere. */
export const MAX_SEGMENT_BYTES = 255;

/**
 * The file store's staging folder sits inside its root so a rename into place
 * never crosses file systems; the name is reserved in every store so a key that
 * works on S3 also works on file://.
 */
export const RESERVED_TOP_SEGMENT = '.rouge-tmp';

const CONTROL = /[\u0000-\u001f\u007f]/;
// With the u flag a well-formed surrogate pair is one code point, so this matches only a lone half,
// which has no UTF-8 encoding and would be silently replaced by U+FFFD on the way to disk or S3.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

function problemWith(text: string, partialLastSegment: boolean): string | undefined {
  if (typeof text !== 'string') return 'it is not a string';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_KEY_BYTES) return `it is ${bytes} bytes long, more than ${MAX_KEY_BYTES}`;
  if (text.startsWith('/')) return "it starts with '/'";
  const control = CONTROL.exec(text);
  if (control) return `it contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (text.includes('\\')) return 'it contains a backslash';
  if (LONE_SURROGATE.test(text)) return 'it contains an unpaired UTF-16 surrogate, which is not valid UTF-8';
  const segments = text.split('/');
  // A prefix may end inside a segment (`images/rouge-`) or with '/', so its last segment is not a segment yet.
  const whole = partialLastSegment ? segments.slice(0, -1) : segments;
  for (const segment of whole) {
    if (segment === '') return text.endsWith('/') && !partialLastSegment ? "it ends with '/'" : "it contains an empty segment ('//')";
    if (segment === '.' || segment === '..') return `it contains a '${segment}' segment`;
  }
  for (const segment of segments) {
    const length = Buffer.byteLength(segment, 'utf8');
    if (length > MAX_SEGMENT_BYTES) return `a segment is ${length} bytes long, more than ${MAX_SEGMENT_BYTES}`;
  }
  if (segments[0] === RESERVED_TOP_SEGMENT && (segments.length > 1 || !partialLastSegment)) {
    return `its first segment ${RESERVED_TOP_SEGMENT} is reserved for the file store's staging area`;
  }
  return undefined;
}

/**
 * Checks a blob key and throws BLOB_KEY_INVALID naming the broken rule. Keys are
 * 1 to 1024 bytes of UTF-8, '/'-separated segments of at most 255 bytes, with
 * no leading '/', no empty, '.' or '..' segment, no backslash and no control
 * character, so a key can never climb out of a file store's root and a key
 * valid on one store is valid on every store.
 */
export function validateBlobKey(key: string): void {
  if (key === '') throw BLOB_KEY_INVALID({ key, problem: 'it is empty' });
  const problem = problemWith(key, false);
  if (problem) throw BLOB_KEY_INVALID({ key: String(key), problem });
}

/**
 * Checks a list prefix: the empty string, or the start of a key (it may end
 * with '/' or in the middle of a segment). Throws BLOB_KEY_INVALID.
 */
export function validateBlobPrefix(prefix: string): void {
  const problem = prefix === '' ? undefined : problemWith(prefix, true);
  if (problem) throw BLOB_KEY_INVALID({ key: String(prefix), problem });
}

/** Orders keys as S3 does, by their UTF-8 bytes, which differs from JavaScript's UTF-16 order above U+FFFF. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** True when `validateBlobKey` would accept the key; for skipping foreign files and objects in listings. */
export function isValidBlobKey(key: string): boolean {
  return key !== '' && problemWith(key, false) === undefined;
}
