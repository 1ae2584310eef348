/**
 * The blob port and its two adapters (files under a directory, embedded; S3 or
 * any S3-compatible service, production), chosen from configuration by
 * `openBlobStore`, plus the key rules and the error reasons they raise.
 */
export type { BlobStore, BlobInfo, PutOptions } from './blob-store.js';
/** Opens the adapter `--blob-url` names; see `openBlobStore`. */
export { openBlobStore } from './open.js';
export type { BlobConfig } from './open.js';
/** The embedded adapter: one file per key under a root directory. */
export { FileBlobStore } from './file-blob-store.js';
export type { FileBlobStoreOptions } from './file-blob-store.js';
/** The production adapter: S3 or an S3-compatible service through AWS SDK v3. */
export { S3BlobStore } from './s3-blob-store.js';
export type { S3BlobStoreOptions } from './s3-blob-store.js';
/** Key rules shared by every adapter, so a key valid on one store is valid on all. */
export { validateBlobKey, validateBlobPrefix, isValidBlobKey, MAX_KEY_BYTES } from './keys.js';
/** The streaming size-and-sha256 counter adapters pipe bodies through. */
export { HashingCounter } from './hashing.js';
/** The blob error reasons: BLOB_KEY_INVALID, BLOB_NOT_FOUND, BLOB_ALREADY_EXISTS, BLOB_KEY_CONFLICT, BLOB_TOO_LARGE, BLOB_STORE_UNAVAILABLE. */
export * as BlobErrors from './errors.js';
