import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { ApiClient, Query } from './client.js';
import { CliError, ExitCode } from './exit.js';

/*
 * Requests whose body is not JSON: a streamed upload, an artifact download,
 * an NDJSON export. ApiClient.send carries them with the client's URL, key and
 * user agent; failures map as ApiClient.request maps them: an API error
 * becomes ApiError (exit 1, or 3 for 401/403), an unreachable server a
 * CliError.
 */

export interface RawInit {
  query?: Query;
  headers?: Record<string, string>;
  /**
   * The body: a Node stream, or a web stream (read through Readable.fromWeb,
   * which pulls only when the connection asks). Sent with `contentLength` as
   * its Content-Length, or chunked without one.
   */
  body?: Readable | ReadableStream<Uint8Array>;
  contentLength?: number;
  signal?: AbortSignal;
}

/** A success response whose body is still unread: stream it from `body`, or read it whole with `text()` or `json()`. */
export class RawResponse {
  /** The response headers, looked up by name with `get`. */
  readonly headers: Headers;

  constructor(
    /** The body as a Node stream; read it once. */
    readonly body: IncomingMessage,
    private readonly base: string,
  ) {
    this.headers = new Headers();
    for (const [name, value] of Object.entries(body.headers)) {
      if (value !== undefined) this.headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get status(): number {
    return this.body.statusCode ?? 0;
  }

  /** The whole body as UTF-8 text; a CliError if the connection breaks before it is in. */
  async text(): Promise<string> {
    try {
      return await readText(this.body);
    } catch (e) {
      throw new CliError(`the answer from Rouge at ${this.base} broke off: ${(e as Error).message}`, ExitCode.API_ERROR, ['retry']);
    }
  }

  /** The whole body as JSON; a CliError if it is not JSON. */
  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`unexpected answer from ${this.base} (HTTP ${this.status}, not JSON): ${text.slice(0, 200)}`, ExitCode.API_ERROR, [
        'is --url pointing at a Rouge server?',
      ]);
    }
  }
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Sends one request and returns the response when it is a success (2xx), with
 * its body unread; any other answer is read and thrown as the API's error. No
 * overall timeout unless `signal` sets one: uploads and downloads take as
 * long as the bytes do.
 */
export async function rawRequest(client: ApiClient, method: string, path: string, init: RawInit = {}): Promise<RawResponse> {
  const body = init.body === undefined || init.body instanceof Readable ? init.body : Readable.fromWeb(init.body as NodeReadableStream<Uint8Array>);
  const res = await client.send(method, path, { ...init, body });
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return new RawResponse(res, client.url);
  const text = await readText(res).catch(() => '');
  throw client.errorFor(status, text);
}
