import { createHash, type Hash } from 'node:crypto';
import { finished, Transform, type Readable, type TransformCallback } from 'node:stream';
import { BLOB_TOO_LARGE } from './errors.js';

/**
 * Passes bytes through unchanged while counting them and hashing them with
 * sha256, so a put learns the size and digest of what it stored without a
 * second read. Past `maxBytes` it fails with BLOB_TOO_LARGE, which makes the
 * adapter discard the partial write.
 */
export class HashingCounter extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private digest: string | undefined;

  constructor(
    private readonly key: string,
    private readonly maxBytes = Infinity,
  ) {
    super();
  }

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.count += buf.length;
    if (this.count > this.maxBytes) {
      callback(BLOB_TOO_LARGE({ key: this.key, maxBytes: this.maxBytes }));
      return;
    }
    this.hash.update(buf);
    callback(null, buf);
  }

  /**
   * Bytes seen so far. Not called `size`: lib-storage takes a body's `size`
   * as its total length, and 0 at the start makes it reject every multipart upload.
   */
  get bytes(): number {
    return this.count;
  }

  /** Lower-case hex sha256 of every byte seen; call once the source has ended. */
  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}

/**
 * Pipes a caller's stream into a new HashingCounter. A source that errors or
 * closes before its end destroys the counter with that error (remembered as
 * `sourceError`, so adapters rethrow it untouched). The source itself is never
 * destroyed: when the write fails the caller still owns it, so an HTTP handler
 * can answer 413 or 409 on the same connection.
 */
export function meter(body: Readable, key: string, maxBytes?: number): HashingCounter & { sourceError?: unknown } {
  const counter: HashingCounter & { sourceError?: unknown } = new HashingCounter(key, maxBytes);
  finished(body, { writable: false }, (err) => {
    if (err && !counter.destroyed) {
      counter.sourceError = err;
      counter.destroy(err);
    }
  });
  // Failures reach the consumer through the destroyed stream (pipeline, async iteration, `errored`);
  // without a listener, one raised after the consumer stopped reading would crash the process.
  counter.on('error', () => undefined);
  body.pipe(counter);
  return counter;
}
