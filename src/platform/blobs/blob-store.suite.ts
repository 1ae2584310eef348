import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RougeError } from '../errors/registry.js';
import type { BlobStore } from './blob-store.js';

/** Every key the port must refuse, with why, so each rule has a case. */
export const INVALID_KEYS: Array<[string, string]> = [
  ['../x', 'climbs out with ..'],
  ['/abs', 'leading slash'],
  ['a/../b', '.. segment in the middle'],
  ['a//b', 'empty segment'],
  ['a\u0000b', 'NUL'],
  ['a\nb', 'newline'],
  ['a\u007fb', 'DEL'],
  ['./a', '. segment'],
  ['a/.', 'trailing . segment'],
  ['a/', 'trailing slash'],
  ['a\\b', 'backslash'],
  ['', 'empty'],
  ['k'.repeat(1025), '1025 bytes'],
  ['é'.repeat(513), '1026 bytes of two-byte characters'],
  ['a\ud800b', 'lone surrogate'],
  [`dir/${'s'.repeat(256)}`, 'a 256-byte segment'],
  ['.rouge-tmp/x', "the file store's reserved staging folder"],
];

/** Bytes that differ from run to run, so a store cannot pass by returning stale data. */
export function generated(size: number): Buffer {
  return randomBytes(size);
}

/** Streams a buffer in fixed-size chunks, as a network or file source would. */
export function chunked(buf: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, Math.min(i + chunkSize, buf.length));
  })());
}

/** A source that yields `failAfter` bytes of `buf` and then errors, like a dropped upload. */
export function failingSource(buf: Buffer, failAfter: number, chunkSize = 64 * 1024): Readable {
  return Readable.from((async function* () {
    for (let i = 0; i < failAfter; i += chunkSize) {
      yield buf.subarray(i, Math.min(i + chunkSize, failAfter));
      // Let the adapter act on what it has (start a multipart upload, write to disk) before the failure.
      await new Promise((r) => setImmediate(r));
    }
    throw new Error('source failed halfway');
  })());
}

/** A source that yields `after` bytes of `buf` and is then destroyed without an error, like a client that hangs up. */
export function hangingUpSource(buf: Buffer, after: number, chunkSize = 64 * 1024): Readable {
  let offset = 0;
  const source: Readable = new Readable({
    read() {
      if (offset >= after) {
        setImmediate(() => source.destroy());
        return;
      }
      const end = Math.min(offset + chunkSize, after);
      const chunk = buf.subarray(offset, end);
      offset = end;
      setImmediate(() => source.push(chunk));
    },
  });
  return source;
}

/** Reads a stream to the end. */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** Lower-case hex sha256. */
export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof RougeError)) throw new Error(`expected a RougeError, got ${e === undefined ? 'success' : String(e)}`);
  return e.reason;
}

/** How the contract is run against one adapter. */
export interface BlobSuiteOptions {
  /** Round-trip size, large enough to cross the adapter's multipart or buffer boundaries (default 12 MiB). */
  bigSize?: number;
  /**
   * Why this backend cannot list in UTF-8 byte order, which AWS S3, MinIO, GCS and
   * the file store do; the order test is then reported as skipped with this reason.
   */
  listOrderGap?: string;
}

/**
 * The blob port's contract, run against every adapter. `open` returns an empty
 * store of its own (closing it may discard its contents).
 */
export function describeBlobStore(name: string, open: () => Promise<BlobStore>, options: BlobSuiteOptions = {}): void {
  const bigSize = options.bigSize ?? 12 * 1024 * 1024;
  describe(`blob store contract: ${name}`, () => {
    let store: BlobStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    async function content(key: string): Promise<Buffer> {
      const { body, size } = await store.get(key);
      const bytes = await readAll(body);
      expect(bytes.length).toBe(size);
      return bytes;
    }

    it('round-trips a multi-MB stream, returning the size and sha256 of exactly the bytes read back', async () => {
      const data = generated(bigSize);
      const info = await store.put('models/ctr/3/model.onnx', chunked(data), { contentType: 'application/octet-stream' });
      expect(info).toEqual({ key: 'models/ctr/3/model.onnx', size: data.length, sha256: sha256(data) });
      const back = await content('models/ctr/3/model.onnx');
      expect(back.length).toBe(data.length);
      expect(sha256(back)).toBe(sha256(data));
      expect(await store.head('models/ctr/3/model.onnx')).toEqual({ size: data.length });
    });

    it('returns the well-known sha256 of a small text', async () => {
      const info = await store.put('hello.txt', Readable.from([Buffer.from('hello')]));
      expect(info.sha256).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
      expect(info.size).toBe(5);
    });

    it('stores an empty object', async () => {
      const info = await store.put('empty', Readable.from([]));
      expect(info).toEqual({ key: 'empty', size: 0, sha256: sha256(Buffer.alloc(0)) });
      expect(await store.head('empty')).toEqual({ size: 0 });
      expect((await content('empty')).length).toBe(0);
    });

    it('replaces an object on a plain put', async () => {
      await store.put('k', chunked(Buffer.from('first version')));
      const second = generated(100_000);
      await store.put('k', chunked(second, 4096));
      expect(sha256(await content('k'))).toBe(sha256(second));
    });

    it('refuses a conditional create over an existing key with BLOB_ALREADY_EXISTS and keeps the old bytes', async () => {
      const old = generated(50_000);
      const created = await store.put('once', chunked(old), { ifNoneMatch: true });
      expect(created.sha256).toBe(sha256(old));
      const err = await store.put('once', chunked(generated(1000)), { ifNoneMatch: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RougeError);
      expect(err).toMatchObject({ reason: 'BLOB_ALREADY_EXISTS', httpStatus: 409, status: 'ALREADY_EXISTS' });
      expect(sha256(await content('once'))).toBe(sha256(old));
    });

    it('creates a multi-MB object conditionally when the key is free', async () => {
      const data = generated(bigSize);
      expect(await store.put('once/big', chunked(data), { ifNoneMatch: true })).toEqual({ key: 'once/big', size: data.length, sha256: sha256(data) });
      expect(sha256(await content('once/big'))).toBe(sha256(data));
      expect(await reasonOf(store.put('once/big', chunked(Buffer.from('x')), { ifNoneMatch: true }))).toBe('BLOB_ALREADY_EXISTS');
    });

    it('answers BLOB_NOT_FOUND for a missing key and undefined from head', async () => {
      expect(await reasonOf(store.get('missing/key'))).toBe('BLOB_NOT_FOUND');
      expect(await store.head('missing/key')).toBeUndefined();
    });

    it('deletes an object, and deleting a missing one is not an error', async () => {
      await store.put('doomed/file', chunked(Buffer.from('x')));
      await store.delete('doomed/file');
      expect(await store.head('doomed/file')).toBeUndefined();
      expect(await reasonOf(store.get('doomed/file'))).toBe('BLOB_NOT_FOUND');
      await expect(store.delete('doomed/file')).resolves.toBeUndefined();
      await expect(store.delete('never/was')).resolves.toBeUndefined();
      expect(await store.list('')).toEqual([]);
    });

    it('lists keys under a prefix in order, honouring after and limit, and nothing outside the prefix', async () => {
      const keys = ['list/b', 'list/a/2', 'list/a/1', 'list/c', 'lists/x', 'other/y', 'list/a/sub/deep', 'lisp'];
      for (const k of keys) await store.put(k, chunked(Buffer.from(k)));
      const all = ['list/a/1', 'list/a/2', 'list/a/sub/deep', 'list/b', 'list/c'];
      expect(await store.list('list/')).toEqual(all);
      expect(await store.list('list/', { limit: 2 })).toEqual(all.slice(0, 2));
      expect(await store.list('list/', { after: 'list/a/1' })).toEqual(all.slice(1));
      expect(await store.list('list/', { after: 'list/a/2', limit: 2 })).toEqual(['list/a/sub/deep', 'list/b']);
      expect(await store.list('list/', { after: 'list/a/zzz' })).toEqual(['list/b', 'list/c']);
      expect(await store.list('list/', { after: 'list/c' })).toEqual([]);
      expect(await store.list('list/', { after: 'a' })).toEqual(all);
      expect(await store.list('list/a')).toEqual(['list/a/1', 'list/a/2', 'list/a/sub/deep']);
      expect(await store.list('list')).toEqual([...all, 'lists/x']);
      expect(await store.list('lis')).toEqual(['lisp', ...all, 'lists/x']);
      expect(await store.list('')).toEqual(['lisp', ...all, 'lists/x', 'other/y']);
      expect(await store.list('nothing/')).toEqual([]);
      expect(await store.list('list/', { limit: 0 })).toEqual([]);
    });

    it.skipIf(options.listOrderGap !== undefined)(`lists in UTF-8 byte order, as S3 does${options.listOrderGap ? ` (skipped: ${options.listOrderGap})` : ''}`, async () => {
      // '-' (0x2d) sorts before '/' (0x2f), so a-z precedes everything in a/; U+FF01 (EF BC 81)
      // precedes U+1F484 (F0 9F 92 84) in UTF-8 although its UTF-16 unit 0xFF01 is above 0xD83D.
      const keys = ['o/a/1', 'o/a-z', 'o/a/2', 'o/\u{1F484}', 'o/\uFF01', 'o/b'];
      for (const k of keys) await store.put(k, chunked(Buffer.from(k)));
      const ordered = ['o/a-z', 'o/a/1', 'o/a/2', 'o/b', 'o/\uFF01', 'o/\u{1F484}'];
      expect(await store.list('o/')).toEqual(ordered);
      expect(await store.list('o/', { after: 'o/a-z', limit: 2 })).toEqual(['o/a/1', 'o/a/2']);
      expect(await store.list('o/', { after: 'o/\uFF01' })).toEqual(['o/\u{1F484}']);
    });

    it('pages through a listing with after = the last key of the previous page', async () => {
      const keys = Array.from({ length: 7 }, (_, i) => `page/${String(i).padStart(2, '0')}`);
      for (const k of keys) await store.put(k, chunked(Buffer.from(k)));
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.list('page/', { after, limit: 3 });
        if (page.length === 0) break;
        seen.push(...page);
        after = page[page.length - 1];
      }
      expect(seen).toEqual(keys);
    });

    it.each(INVALID_KEYS)('refuses key %j (%s) with BLOB_KEY_INVALID on every operation and writes nothing', async (key) => {
      expect(await reasonOf(store.put(key, chunked(Buffer.from('x'))))).toBe('BLOB_KEY_INVALID');
      expect(await reasonOf(store.put(key, chunked(Buffer.from('x')), { ifNoneMatch: true }))).toBe('BLOB_KEY_INVALID');
      expect(await reasonOf(store.get(key))).toBe('BLOB_KEY_INVALID');
      expect(await reasonOf(store.head(key))).toBe('BLOB_KEY_INVALID');
      expect(await reasonOf(store.delete(key))).toBe('BLOB_KEY_INVALID');
      expect(() => store.uri(key)).toThrow(RougeError);
      expect(await store.list('')).toEqual([]);
    });

    it('refuses an invalid list prefix', async () => {
      for (const prefix of ['/abs', '../', 'a//', 'a\u0000']) expect(await reasonOf(store.list(prefix))).toBe('BLOB_KEY_INVALID');
    });

    it('leaves no object when the source errors halfway through a new key', async () => {
      const data = generated(bigSize);
      const half = Math.floor(bigSize / 2);
      await expect(store.put('broken/new', failingSource(data, half))).rejects.toThrow('source failed halfway');
      expect(await store.head('broken/new')).toBeUndefined();
      expect(await store.list('broken/')).toEqual([]);
    });

    it('keeps the old object intact when the source errors halfway through a replacement', async () => {
      const old = generated(200_000);
      await store.put('broken/existing', chunked(old));
      const data = generated(bigSize);
      await expect(store.put('broken/existing', failingSource(data, Math.floor(bigSize / 2)))).rejects.toThrow('source failed halfway');
      expect(await store.head('broken/existing')).toEqual({ size: old.length });
      expect(sha256(await content('broken/existing'))).toBe(sha256(old));
    });

    it('leaves no object when the source is destroyed halfway without an error (a client that hangs up)', async () => {
      const old = generated(1000);
      await store.put('broken/hangup', chunked(old));
      await expect(store.put('broken/hangup', hangingUpSource(generated(bigSize), Math.floor(bigSize / 2)))).rejects.toThrow();
      expect(sha256(await content('broken/hangup'))).toBe(sha256(old));
      await expect(store.put('broken/hangup-new', hangingUpSource(generated(bigSize), Math.floor(bigSize / 2)))).rejects.toThrow();
      expect(await store.head('broken/hangup-new')).toBeUndefined();
    });

    it('leaves no object when the source errors before its first byte', async () => {
      await expect(store.put('broken/early', failingSource(Buffer.alloc(0), 0))).rejects.toThrow('source failed halfway');
      expect(await store.head('broken/early')).toBeUndefined();
    });

    it('refuses a source larger than maxBytes with BLOB_TOO_LARGE and stores nothing, and keeps an old object', async () => {
      const err = await store.put('big', chunked(generated(300_000)), { maxBytes: 100_000 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ reason: 'BLOB_TOO_LARGE', httpStatus: 413, status: 'OUT_OF_RANGE' });
      expect(await store.head('big')).toBeUndefined();
      const old = generated(1000);
      await store.put('big', chunked(old));
      expect(await reasonOf(store.put('big', chunked(generated(bigSize)), { maxBytes: 1_000_000 }))).toBe('BLOB_TOO_LARGE');
      expect(sha256(await content('big'))).toBe(sha256(old));
      const exact = generated(4096);
      expect((await store.put('exact', chunked(exact), { maxBytes: 4096 })).size).toBe(4096);
    });

    it('handles unicode keys', async () => {
      const keys = ['images/rouge-à-lèvres.jpg', 'images/口红.png', 'images/💄.webp'];
      for (const k of keys) {
        const data = Buffer.from(`bytes of ${k}`);
        expect((await store.put(k, chunked(data))).sha256).toBe(sha256(data));
        expect((await content(k)).toString()).toBe(`bytes of ${k}`);
      }
      expect(await store.list('images/')).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      expect(store.uri(keys[0]!)).toMatch(/^(file|s3):\/\//);
    });

    it('accepts a key of exactly 1024 bytes', async () => {
      const key = Array.from({ length: 5 }, (_, i) => String.fromCharCode(97 + i).repeat(204)).join('/');
      expect(Buffer.byteLength(key)).toBe(1024);
      await store.put(key, chunked(Buffer.from('long')));
      expect(await store.head(key)).toEqual({ size: 4 });
    });

    it('names itself and its objects with a URI', () => {
      expect(store.description).toMatch(/^(file|s3):\/\//);
      expect(store.uri('a/b.bin')).toMatch(/^(file|s3):\/\/.*a\/b\.bin$/);
    });
  });
}
