import type { Readable } from 'node:stream';

/** What a completed write returns: the bytes' size and sha256, computed while streaming. */
export interface BlobInfo {
  key: string;
  size: number;
  /** Lower-case hex sha256 of the stored bytes. */
  sha256: string;
}

export interface PutOptions {
  /** Conditional create: fail with BLOB_ALREADY_EXISTS instead of replacing an existing object. */
  ifNoneMatch?: boolean;
  contentType?: string;
  /** Abort the write if the source exceeds this many bytes (BLOB_TOO_LARGE); nothing is stored. */
  maxBytes?: number;
}

/**
 * The blob port: objects addressed by a key (`models/ctr/3/model.onnx`), written
 * and read as streams so a 2 GB artifact never sits in memory. A put either
 * stores the whole object or nothing: an interrupted source leaves no object
 * (or the previous one intact), never a partial one.
 */
export interface BlobStore {
  /** The URI scheme and location, for display: `file:///srv/.rouge/blobs` or `s3://bucket/prefix`. */
  readonly description: string;
  put(key: string, body: Readable, options?: PutOptions): Promise<BlobInfo>;
  /** Streams an object; throws BLOB_NOT_FOUND. */
  get(key: string): Promise<{ body: Readable; size: number }>;
  /** Size of an object, or undefined when it does not exist. */
  head(key: string): Promise<{ size: number } | undefined>;
  /** Deletes an object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix, in lexicographic order, at most `limit` after `after`. */
  list(prefix: string, options?: { after?: string; limit?: number }): Promise<string[]>;
  /** A stable URI naming the object: `file:///...` or `s3://bucket/key`. */
  uri(key: string): string;
  close(): Promise<void>;
}
