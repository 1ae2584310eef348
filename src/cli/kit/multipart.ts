import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { CliError, ExitCode } from './exit.js';

/*
 * Request bodies that stream from disk: a file is read chunk by chunk as the
 * request takes it and never held in memory. Every part's size is known in
 * advance, so the body's Content-Length is too.
 */

/** A JSON field, such as an upload's `metadata`. */
export interface JsonPart {
  name: string;
  json: unknown;
}

/** A file part, read from disk while the body is sent. */
export interface FilePart {
  name: string;
  /** The filename the server sees; quotes and line breaks are replaced. */
  filename: string;
  path: string;
  /** The file's size when it was hashed; reading a different number of bytes fails the upload. */
  size: number;
  contentType?: string;
  /** Called with each chunk's length as it is read into the body. */
  onChunk?: (bytes: number) => void;
}

export interface MultipartBody {
  contentType: string;
  contentLength: number;
  /** A byte stream that reads the next chunk only when the previous one was taken. */
  body: Readable;
}

const enc = new TextEncoder();
const headerValue = (s: string) => s.replace(/["\\\r\n]/g, '_');

/** The default hint when a file changed under its upload. */
const AGAIN = 'upload it again once nothing writes to it';

/** Yields a file's bytes, checking that exactly `size` bytes come out. */
async function* fileChunks(path: string, size: number, onChunk: ((bytes: number) => void) | undefined, again: string): AsyncGenerator<Uint8Array> {
  let read = 0;
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > size) break;
      onChunk?.(chunk.length);
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
  if (read !== size) {
    throw new CliError(`${path} changed while it was being uploaded (${size} bytes expected)`, ExitCode.API_ERROR, [again]);
  }
}

/**
 * A file as a request body of exactly `size` bytes, read only as fast as the
 * request takes it; a file that is longer or shorter by then fails the body
 * with a CliError whose hint is `again`. `onChunk` sees each chunk's length.
 */
export function fileBody(path: string, size: number, onChunk?: (bytes: number) => void, again = AGAIN): Readable {
  return Readable.from(fileChunks(path, size, onChunk, again), { objectMode: false });
}

/**
 * Builds the body from the parts, in the order given (the registry wants the
 * `metadata` part first, then the `artifact` file).
 */
export function multipartBody(parts: Array<JsonPart | FilePart>): MultipartBody {
  const boundary = `----rouge-${randomBytes(12).toString('hex')}`;
  const segments: Array<Uint8Array | FilePart> = [];
  for (const p of parts) {
    if ('json' in p) {
      segments.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${headerValue(p.name)}"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(p.json)}\r\n`));
    } else {
      segments.push(
        enc.encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="${headerValue(p.name)}"; filename="${headerValue(p.filename)}"\r\n` +
            `Content-Type: ${p.contentType ?? 'application/octet-stream'}\r\n\r\n`,
        ),
      );
      segments.push(p);
      segments.push(enc.encode('\r\n'));
    }
  }
  segments.push(enc.encode(`--${boundary}--\r\n`));
  const contentLength = segments.reduce((n, s) => n + (s instanceof Uint8Array ? s.length : s.size), 0);

  async function* all(): AsyncGenerator<Uint8Array> {
    for (const s of segments) {
      if (s instanceof Uint8Array) yield s;
      else yield* fileChunks(s.path, s.size, s.onChunk, AGAIN);
    }
  }
  // Destroying the stream (the request failed, or the server answered early) returns the generator, which closes the file.
  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength, body: Readable.from(all(), { objectMode: false }) };
}

/** A file's sha256 (hex) and size, in one streaming pass; `onChunk` sees each chunk's length. */
export async function sha256File(path: string, onChunk?: (bytes: number) => void): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    onChunk?.(chunk.length);
  }
  return { sha256: hash.digest('hex'), size };
}
