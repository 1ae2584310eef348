import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CliError, ExitCode } from './exit.js';

/*
 * A multipart/form-data body that streams: its parts are produced one after
 * the other as the request is sent, so a file part is read from disk chunk by
 * chunk and never held in memory. Every part's size is known in advance, so
 * the body's Content-Length is too.
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
  body: ReadableStream<Uint8Array>;
}

const enc = new TextEncoder();
const headerValue = (s: string) => s.replace(/["\\\r\n]/g, '_');

/** Yields a file's bytes, checking that exactly `size` bytes come out. */
async function* fileChunks(part: FilePart): AsyncGenerator<Uint8Array> {
  let read = 0;
  const stream = createReadStream(part.path);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > part.size) break;
      part.onChunk?.(chunk.length);
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    }
  } finally {
    stream.destroy();
  }
  if (read !== part.size) {
    throw new CliError(`${part.path} changed while it was being uploaded (${part.size} bytes expected)`, ExitCode.API_ERROR, ['upload it again once nothing writes to it']);
  }
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
      else yield* fileChunks(s);
    }
  }
  const it = all();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
      }
    },
    // The request failed or was aborted: stop reading and close the file.
    async cancel() {
      await it.return(undefined);
    },
  });
  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength, body };
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
