import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { RougeError } from '../errors/registry.js';
import type { BlobInfo, BlobStore, PutOptions } from './blob-store.js';
import { BLOB_ALREADY_EXISTS, BLOB_NOT_FOUND, BLOB_STORE_UNAVAILABLE } from './errors.js';
import { meter } from './hashing.js';
import { isValidBlobKey, validateBlobKey, validateBlobPrefix } from './keys.js';

/** Where and how to reach the bucket. */
export interface S3BlobStoreOptions {
  bucket: string;
  /** Folder inside the bucket that holds every key (`rouge/prod`); empty for the bucket's root. */
  prefix?: string;
  /** An S3-compatible endpoint (MinIO, GCS's `https://storage.googleapis.com`); default AWS. */
  endpoint?: string;
  /** Default `us-east-1`; GCS wants `auto`. */
  region?: string;
  /** Address the bucket as `https://host/bucket`, which MinIO and most S3-compatible servers need. */
  forcePathStyle?: boolean;
  /** Static keys; without them the SDK's default chain (AWS_ACCESS_KEY_ID, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per request, retries included (SDK default 3). */
  maxAttempts?: number;
  /** Bytes per multipart part (default 8 MiB); memory per upload is about partSize x queueSize. */
  partSize?: number;
  /** Parts uploaded in parallel per put (default 4). */
  queueSize?: number;
  /** Keys per ListObjectsV2 request (default and S3's maximum 1000); small values let tests exercise pagination. */
  listPageSize?: number;
}

const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
/** S3 answers that mean the store is misconfigured or down, which the caller cannot fix. */
const UNAVAILABLE_NAMES = new Set([
  'NoSuchBucket', 'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'CredentialsProviderError',
  'TimeoutError', 'RequestTimeout', 'SlowDown', 'ServiceUnavailable', 'InternalError', 'ConditionalRequestConflict',
]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  cause?: { code?: string };
  errors?: Array<{ code?: string }>;
  $metadata?: { httpStatusCode?: number };
}

function netCode(e: SdkError): string | undefined {
  // Node 20's happy-eyeballs connect reports ECONNREFUSED inside an AggregateError.
  const candidates = [e.code, e.cause?.code, ...(e.errors ?? []).map((x) => x.code)];
  return candidates.find((c): c is string => typeof c === 'string' && NET_CODES.has(c));
}

/**
 * Blobs in an S3 bucket or any S3-compatible service (MinIO, GCS through its
 * XML API, s3rver in tests), through AWS SDK v3.
 *
 * A put streams the body through lib-storage's multipart Upload, so memory
 * stays near partSize x queueSize whatever the object size. Until the last part
 * is in, no object exists; a source that fails midway aborts the multipart
 * upload, so the key keeps its old object or none. Checksums are only computed
 * when S3 requires them: the SDK's default aws-chunked trailing checksums are
 * stored as part of the object by servers that do not understand them.
 *
 * A conditional create checks with HEAD first and also sends `If-None-Match: *`,
 * which AWS S3 and recent MinIO enforce atomically. A server that ignores that
 * header (s3rver, older MinIO; GCS's XML API is unverified) leaves a window
 * between the HEAD and the end of the upload in which a second creator
 * silently replaces the first.
 */
export class S3BlobStore implements BlobStore {
  readonly description: string;
  readonly client: S3Client;
  private readonly bucket: string;
  /** '' or a folder ending in '/'. */
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;
  private readonly endpoint: string | undefined;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    const trimmed = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (trimmed !== '') validateBlobKey(trimmed);
    this.prefix = trimmed === '' ? '' : `${trimmed}/`;
    this.description = `s3://${this.bucket}${trimmed === '' ? '' : `/${trimmed}`}`;
    this.endpoint = options.endpoint;
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
    this.queueSize = options.queueSize ?? 4;
    this.listPageSize = Math.min(1000, Math.max(1, options.listPageSize ?? 1000));
    this.client = new S3Client({
      region: options.region ?? 'us-east-1',
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: options.credentials,
      maxAttempts: options.maxAttempts,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Fail fast on an unreachable endpoint instead of waiting for the OS connect timeout.
      requestHandler: { connectionTimeout: 5000 },
    });
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<BlobInfo> {
    validateBlobKey(key);
    // Fail before streaming gigabytes; If-None-Match below settles races where the server supports it.
    if (options.ifNoneMatch && (await this.head(key)) !== undefined) throw BLOB_ALREADY_EXISTS({ key });
    const counter = meter(body, key, options.maxBytes);
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: counter,
        ContentType: options.contentType,
        ...(options.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
      },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (e) {
      // The counter's own failure (the source broke, or it was too large) explains the failed
      // upload better than whatever the SDK reports, such as a failed abort on a server without it.
      const own = counter.sourceError ?? counter.errored;
      counter.destroy();
      if (own) throw own;
      const err = e as SdkError;
      if (err.name === 'PreconditionFailed' || err.$metadata?.httpStatusCode === 412) throw BLOB_ALREADY_EXISTS({ key }, { cause: e });
      throw this.mapError(e);
    }
    return { key, size: counter.bytes, sha256: counter.sha256() };
  }

  async get(key: string): Promise<{ body: Readable; size: number }> {
    validateBlobKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      if (!(res.Body instanceof Readable)) throw new Error('the S3 client returned a non-Node body; it must run on Node.js');
      return { body: res.Body, size: res.ContentLength ?? 0 };
    } catch (e) {
      if (isNotFound(e)) throw BLOB_NOT_FOUND({ key });
      throw this.mapError(e);
    }
  }

  async head(key: string): Promise<{ size: number } | undefined> {
    validateBlobKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return { size: res.ContentLength ?? 0 };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw this.mapError(e);
    }
  }

  async delete(key: string): Promise<void> {
    validateBlobKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    } catch (e) {
      if (isNotFound(e)) return;
      throw this.mapError(e);
    }
  }

  async list(prefix: string, options: { after?: string; limit?: number } = {}): Promise<string[]> {
    validateBlobPrefix(prefix);
    const limit = options.limit ?? Infinity;
    const out: string[] = [];
    let token: string | undefined;
    while (out.length < limit) {
      let res: ListObjectsV2CommandOutput;
      try {
        res = await this.client.send(new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          StartAfter: options.after === undefined ? undefined : this.prefix + options.after,
          ContinuationToken: token,
          MaxKeys: Math.max(1, Math.min(this.listPageSize, limit - out.length)),
        }));
      } catch (e) {
        throw this.mapError(e);
      }
      for (const object of res.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length);
        // Objects other tools wrote under keys put() would refuse are not ours to hand out.
        if (key !== undefined && isValidBlobKey(key) && out.length < limit) out.push(key);
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
      if (!token) break;
    }
    return out;
  }

  uri(key: string): string {
    validateBlobKey(key);
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private mapError(e: unknown): unknown {
    if (e instanceof RougeError) return e;
    const err = (e ?? {}) as SdkError;
    const code = netCode(err);
    const status = err.$metadata?.httpStatusCode;
    // 403 included: the operator's credentials lack a permission, which no retry by the caller fixes either.
    const byStatus = status !== undefined && (status === 403 || status >= 500);
    if (code === undefined && !UNAVAILABLE_NAMES.has(err.name ?? '') && !byStatus) return e;
    const where = this.endpoint ? ` at ${this.endpoint}` : '';
    const detail = `${code ?? err.name ?? 'error'}${where}${err.message && err.message !== code ? `: ${err.message}` : ''}`;
    return BLOB_STORE_UNAVAILABLE({ store: this.description, detail }, { cause: e });
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as SdkError;
  if (err?.name === 'NoSuchBucket') return false;
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}
