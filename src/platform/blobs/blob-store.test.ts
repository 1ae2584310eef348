import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RougeError } from '../errors/registry.js';
import { chunked, describeBlobStore, failingSource, generated, INVALID_KEYS, readAll, sha256 } from './blob-store.suite.js';
import { FileBlobStore } from './file-blob-store.js';
import { HashingCounter } from './hashing.js';
import { isValidBlobKey, validateBlobKey, validateBlobPrefix } from './keys.js';
import { openBlobStore, type BlobConfig } from './open.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
import { startS3rver, type TestS3Server } from '../../../test/helpers/s3rver.js';

const BUCKET = 'rouge-test';

function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `rouge-${name}-`));
}

async function reasonOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  return e instanceof RougeError ? e.reason : `not a RougeError: ${String(e)}`;
}

// ---------------------------------------------------------------- key rules

describe('validateBlobKey', () => {
  it.each(INVALID_KEYS)('refuses %j (%s)', (key) => {
    expect(() => validateBlobKey(key)).toThrow(RougeError);
    expect(isValidBlobKey(key)).toBe(false);
  });

  it.each(['a', 'models/ctr/3/model.onnx', 'images/rouge-à-lèvres.jpg', 'a..b/c.', '.hidden/..x', 'x'.repeat(255), 'a b/c:d@e'])('accepts %j', (key) => {
    expect(() => validateBlobKey(key)).not.toThrow();
    expect(isValidBlobKey(key)).toBe(true);
  });

  it('says what is wrong and what a key may contain', () => {
    const err = (() => {
      try {
        validateBlobKey('a/../b');
      } catch (e) {
        return e as RougeError;
      }
      throw new Error('accepted a/../b');
    })();
    expect(err).toMatchObject({ reason: 'BLOB_KEY_INVALID', httpStatus: 400, status: 'INVALID_ARGUMENT' });
    expect(err.message).toContain("'..' segment");
    expect(err.message).toContain('1 to 1024 bytes');
    expect(() => validateBlobKey('a\tb')).toThrow(/U\+0009/);
  });

  it('accepts prefixes that end mid-segment or with a slash, and refuses broken ones', () => {
    for (const p of ['', 'a', 'a/', 'images/rouge-', 'a/..', '.rouge-tmp']) expect(() => validateBlobPrefix(p)).not.toThrow();
    for (const p of ['/a', 'a//', '../', 'a\nb', 'a\\', '.rouge-tmp/']) expect(() => validateBlobPrefix(p)).toThrow(RougeError);
  });
});

describe('HashingCounter', () => {
  it('counts and hashes what passes through and refuses more than maxBytes', async () => {
    const data = generated(10_000);
    const counter = new HashingCounter('k');
    const out = await readAll(chunked(data, 333).pipe(counter));
    expect(out.equals(data)).toBe(true);
    expect(counter.bytes).toBe(10_000);
    expect(counter.sha256()).toBe(sha256(data));
    const small = new HashingCounter('k', 100);
    await expect(readAll(chunked(data, 64).pipe(small))).rejects.toMatchObject({ reason: 'BLOB_TOO_LARGE' });
  });
});

// ---------------------------------------------------------------- file://

const fileRoots: string[] = [];
afterAll(() => {
  for (const dir of fileRoots) rmSync(dir, { recursive: true, force: true });
});

describeBlobStore('file://', async () => {
  const store = new FileBlobStore(tempDir('blobs'), { removeOnClose: true });
  await store.init();
  return store;
});

describe('FileBlobStore', () => {
  let root: string;
  let store: FileBlobStore;
  afterEach(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });
  async function fresh(): Promise<void> {
    root = tempDir('file-blobs');
    store = new FileBlobStore(root);
    await store.init();
  }

  it('stores a key as the file at that path and names it with a file:// URL', async () => {
    await fresh();
    await store.put('models/ctr/3/model.onnx', chunked(Buffer.from('onnx')));
    const path = join(root, 'models', 'ctr', '3', 'model.onnx');
    expect(existsSync(path)).toBe(true);
    expect(fileURLToPath(store.uri('models/ctr/3/model.onnx'))).toBe(path);
    expect(fileURLToPath(store.uri('images/rouge-à-lèvres.jpg'))).toBe(join(root, 'images', 'rouge-à-lèvres.jpg'));
  });

  it('leaves the staging folder empty after successful, failed and too-large puts', async () => {
    await fresh();
    await store.put('a', chunked(generated(1000)));
    await store.put('b', failingSource(generated(500_000), 250_000)).catch(() => undefined);
    await store.put('c', chunked(generated(500_000)), { maxBytes: 10 }).catch(() => undefined);
    await store.put('a', chunked(generated(10)), { ifNoneMatch: true }).catch(() => undefined);
    expect(readdirSync(join(root, '.rouge-tmp'))).toEqual([]);
    expect(await store.list('')).toEqual(['a']);
  });

  it('removes staging files a killed process left behind once they are a day old', async () => {
    await fresh();
    const staging = join(root, '.rouge-tmp');
    writeFileSync(join(staging, 'stale'), 'x');
    writeFileSync(join(staging, 'in-flight'), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(join(staging, 'stale'), twoDaysAgo, twoDaysAgo);
    await new FileBlobStore(root).init();
    expect(readdirSync(staging)).toEqual(['in-flight']);
  });

  it('lets exactly one of many racing conditional creates win', async () => {
    await fresh();
    const bodies = Array.from({ length: 8 }, () => generated(200_000));
    const results = await Promise.allSettled(bodies.map((b) => store.put('race', chunked(b), { ifNoneMatch: true })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as RougeError).reason).toBe('BLOB_ALREADY_EXISTS');
    const { body } = await store.get('race');
    expect(sha256(await readAll(body))).toBe((won[0] as PromiseFulfilledResult<{ sha256: string }>).value.sha256);
  });

  it('refuses a key that is also the folder of another key with BLOB_KEY_CONFLICT', async () => {
    await fresh();
    await store.put('a/b', chunked(Buffer.from('x')));
    expect(await reasonOf(store.put('a', chunked(Buffer.from('y'))))).toBe('BLOB_KEY_CONFLICT');
    expect(await reasonOf(store.put('a', chunked(Buffer.from('y')), { ifNoneMatch: true }))).toBe('BLOB_KEY_CONFLICT');
    expect(await reasonOf(store.put('a/b/c', chunked(Buffer.from('z'))))).toBe('BLOB_KEY_CONFLICT');
    expect(await store.head('a')).toBeUndefined();
    expect(await reasonOf(store.get('a'))).toBe('BLOB_NOT_FOUND');
    await store.delete('a');
    expect(await store.list('')).toEqual(['a/b']);
  });

  it('removes folders a delete leaves empty, and a put recreates them', async () => {
    await fresh();
    await store.put('x/y/z', chunked(Buffer.from('1')));
    await store.put('x/keep', chunked(Buffer.from('2')));
    await store.delete('x/y/z');
    expect(existsSync(join(root, 'x', 'y'))).toBe(false);
    expect(existsSync(join(root, 'x'))).toBe(true);
    await store.put('x/y/z', chunked(Buffer.from('3')));
    expect(await store.list('x/')).toEqual(['x/keep', 'x/y/z']);
  });

  it('skips files in the root that are not valid keys', async () => {
    await fresh();
    await store.put('ok', chunked(Buffer.from('1')));
    writeFileSync(join(root, 'back\\slash'), 'x');
    mkdirSync(join(root, 'dir\nname'));
    writeFileSync(join(root, 'dir\nname', 'f'), 'x');
    expect(await store.list('')).toEqual(['ok']);
  });

  it('reports a root that cannot be created as BLOB_STORE_UNAVAILABLE at start', async () => {
    await fresh();
    writeFileSync(join(root, 'a-file'), 'x');
    const bad = new FileBlobStore(join(root, 'a-file', 'blobs'));
    const err = await bad.init().then(() => undefined, (e: unknown) => e as Error);
    expect(err).toMatchObject({ reason: 'BLOB_STORE_UNAVAILABLE', httpStatus: 503 });
    expect(err?.message).toContain('ENOTDIR');
  });

  it('keeps the caller\'s stream alive after a refused write, so an HTTP handler can still answer', async () => {
    await fresh();
    const body = chunked(generated(1_000_000));
    expect(await reasonOf(store.put('big', body, { maxBytes: 10 }))).toBe('BLOB_TOO_LARGE');
    expect(body.destroyed).toBe(false);
    body.destroy();
  });
});

// ---------------------------------------------------------------- s3:// against s3rver

describe('S3 adapter against s3rver', () => {
  let server: TestS3Server;
  let n = 0;
  const stores: S3BlobStore[] = [];

  beforeAll(async () => {
    server = await startS3rver([BUCKET]);
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await server?.stop();
  });

  // Each store gets a prefix of its own, so tests share one server without seeing each other's keys.
  function s3Store(extra: Partial<S3BlobStoreOptions> = {}): S3BlobStore {
    const store = new S3BlobStore({
      bucket: BUCKET, prefix: `t${++n}`, endpoint: server.endpoint, region: server.region, forcePathStyle: true,
      credentials: server.credentials, partSize: 5 * 1024 * 1024, ...extra,
    });
    stores.push(store);
    return store;
  }

  const listOrderGap = 's3rver lists folder by folder, so a/1 comes before a-z, and compares keys as UTF-16';
  describeBlobStore('s3:// (s3rver)', async () => s3Store(), { listOrderGap });
  describeBlobStore('s3:// (s3rver, one-key list pages)', async () => s3Store({ listPageSize: 1 }), { listOrderGap, bigSize: 6 * 1024 * 1024 });

  it('leaves no object, seen through a plain S3 client, after a multipart upload whose source failed', async () => {
    const store = s3Store();
    const data = generated(14 * 1024 * 1024);
    // Past two 5 MiB parts, so a multipart upload exists and has parts when the source fails.
    await expect(store.put('mpu/broken', failingSource(data, 11 * 1024 * 1024))).rejects.toThrow('source failed halfway');
    const raw = new S3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: server.credentials });
    const head = await raw.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `t${n}/mpu/broken` })).then(() => 'exists', (e: { name?: string }) => e.name);
    raw.destroy();
    expect(head).toBe('NotFound');
  });

  it('computes request checksums only when S3 requires them', async () => {
    // With the SDK default, streamed uploads to servers without aws-chunked support gain bytes silently.
    const config = s3Store().client.config;
    expect(await config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
  });

  it('stores keys under its prefix and names them s3://bucket/prefix/key', async () => {
    const store = s3Store({ prefix: '/deep/prefix/' });
    expect(store.description).toBe(`s3://${BUCKET}/deep/prefix`);
    expect(store.uri('a/b')).toBe(`s3://${BUCKET}/deep/prefix/a/b`);
    await store.put('a/b', Readable.from([Buffer.from('x')]));
    const root = s3Store({ prefix: '' });
    expect(await root.list('deep/')).toEqual(['deep/prefix/a/b']);
    expect(root.uri('k')).toBe(`s3://${BUCKET}/k`);
  });

  it('maps a refused connection to BLOB_STORE_UNAVAILABLE on every operation', async () => {
    const port = await closedPort();
    const store = s3Store({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    const ops = [() => store.head('k'), () => store.get('k'), () => store.list(''), () => store.delete('k'), () => store.put('k', chunked(Buffer.from('x')))];
    for (const op of ops) {
      const e = await op().then(() => undefined, (err: unknown) => err);
      expect(e).toMatchObject({ reason: 'BLOB_STORE_UNAVAILABLE', httpStatus: 503, status: 'UNAVAILABLE' });
      expect((e as Error).message).toContain('ECONNREFUSED');
    }
  });

  it('maps refused credentials to BLOB_STORE_UNAVAILABLE, on HEAD (a bodiless 403) too', async () => {
    const store = s3Store({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' }, maxAttempts: 1 });
    expect(await reasonOf(store.head('k'))).toBe('BLOB_STORE_UNAVAILABLE');
    expect(await reasonOf(store.put('k', chunked(Buffer.from('x'))))).toBe('BLOB_STORE_UNAVAILABLE');
    expect(await reasonOf(store.list(''))).toBe('BLOB_STORE_UNAVAILABLE');
  });

  it('maps a missing bucket to BLOB_STORE_UNAVAILABLE', async () => {
    const store = s3Store({ bucket: 'no-such-bucket' });
    expect(await reasonOf(store.put('k', chunked(Buffer.from('x'))))).toBe('BLOB_STORE_UNAVAILABLE');
    expect(await reasonOf(store.list(''))).toBe('BLOB_STORE_UNAVAILABLE');
  });
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

// ---------------------------------------------------------------- openBlobStore

describe('openBlobStore', () => {
  const base: BlobConfig = { dataDir: './.rouge', blobUrl: undefined, s3Endpoint: undefined, s3Region: undefined, s3ForcePathStyle: false, s3AccessKeyId: undefined, s3SecretAccessKey: undefined };

  it('defaults to <dataDir>/blobs', async () => {
    const dataDir = tempDir('data');
    fileRoots.push(dataDir);
    const store = await openBlobStore({ ...base, dataDir });
    expect(store).toBeInstanceOf(FileBlobStore);
    expect((store as FileBlobStore).root).toBe(join(dataDir, 'blobs'));
    expect(existsSync(join(dataDir, 'blobs'))).toBe(true);
    await store.close();
  });

  it('uses a throw-away directory for :memory:', async () => {
    const store = (await openBlobStore({ ...base, dataDir: ':memory:' })) as FileBlobStore;
    expect(store.root.startsWith(tmpdir())).toBe(true);
    await store.put('k', chunked(Buffer.from('x')));
    await store.close();
    expect(existsSync(store.root)).toBe(false);
  });

  it('opens file:///path', async () => {
    const dir = tempDir('url');
    fileRoots.push(dir);
    const store = (await openBlobStore({ ...base, blobUrl: `file://${dir}/b` })) as FileBlobStore;
    expect(store.root).toBe(join(dir, 'b'));
    await store.close();
  });

  it('opens s3://bucket/prefix with the s3 settings', async () => {
    const store = await openBlobStore({ ...base, blobUrl: 's3://my-bucket/rouge/prod', s3Endpoint: 'https://storage.googleapis.com', s3Region: 'auto', s3ForcePathStyle: true, s3AccessKeyId: 'GOOG1E', s3SecretAccessKey: 'secret' });
    expect(store).toBeInstanceOf(S3BlobStore);
    expect(store.description).toBe('s3://my-bucket/rouge/prod');
    expect(store.uri('m/1')).toBe('s3://my-bucket/rouge/prod/m/1');
    const config = (store as S3BlobStore).client.config;
    expect(await config.region()).toBe('auto');
    expect(config.forcePathStyle).toBe(true);
    expect(await config.credentials()).toMatchObject({ accessKeyId: 'GOOG1E', secretAccessKey: 'secret' });
    await store.close();
    const bare = await openBlobStore({ ...base, blobUrl: 's3://my-bucket' });
    expect(bare.uri('k')).toBe('s3://my-bucket/k');
    await bare.close();
  });

  it('refuses half a key pair and a prefix that is not a valid key', async () => {
    await expect(openBlobStore({ ...base, blobUrl: 's3://b-1', s3AccessKeyId: 'id' })).rejects.toThrow(/set together/);
    await expect(openBlobStore({ ...base, blobUrl: 's3://b-1/../x' })).rejects.toThrow(/blob-url/);
  });
});
