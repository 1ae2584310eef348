import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Config } from '../config/settings.js';
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './file-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

/** The settings the blob store is built from. */
export type BlobConfig = Pick<
  Config,
  'dataDir' | 'blobUrl' | 's3Endpoint' | 's3Region' | 's3ForcePathStyle' | 's3AccessKeyId' | 's3SecretAccessKey'
>;

/**
 * Chooses the blob adapter from configuration: no blob URL means files under
 * `<dataDir>/blobs` (a fresh temporary directory, removed on close, when the
 * data dir is `:memory:`); `file:///path` means files under that path;
 * `s3://bucket/prefix` means S3 or an S3-compatible service reached with the
 * `s3*` settings, and with the SDK's default credential chain unless both
 * static keys are set. A file store's directory is created now, so one that
 * cannot be written stops Rouge at start.
 */
export async function openBlobStore(config: BlobConfig): Promise<BlobStore> {
  const url = config.blobUrl;
  if (url === undefined) {
    if (config.dataDir === ':memory:') {
      return initFile(new FileBlobStore(mkdtempSync(join(tmpdir(), 'rouge-blobs-')), { removeOnClose: true }));
    }
    return initFile(new FileBlobStore(join(config.dataDir, 'blobs')));
  }
  if (url.startsWith('file://')) return initFile(new FileBlobStore(fileURLToPath(url)));
  if (url.startsWith('s3://')) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1);
    if ((config.s3AccessKeyId === undefined) !== (config.s3SecretAccessKey === undefined)) {
      throw new ConfigError('--s3-access-key-id and --s3-secret-access-key must be set together; set both, or neither to use the AWS credential chain');
    }
    try {
      return new S3BlobStore({
        bucket,
        prefix,
        endpoint: config.s3Endpoint,
        region: config.s3Region,
        forcePathStyle: config.s3ForcePathStyle,
        credentials: config.s3AccessKeyId && config.s3SecretAccessKey
          ? { accessKeyId: config.s3AccessKeyId, secretAccessKey: config.s3SecretAccessKey }
          : undefined,
      });
    } catch (e) {
      throw new ConfigError(`--blob-url ${url}: ${(e as Error).message}`);
    }
  }
  throw new ConfigError(`--blob-url must be file:///absolute/path or s3://bucket[/prefix], got ${url}`);
}

async function initFile(store: FileBlobStore): Promise<FileBlobStore> {
  await store.init();
  return store;
}
