import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { CliError, ExitCode } from './exit.js';
import { hintFor } from './hints.js';

/** An error the API answered with, in Google's error model. */
export class ApiError extends CliError {
  constructor(
    readonly httpStatus: number,
    readonly reason: string,
    readonly apiMessage: string,
    hints: string[],
  ) {
    super(`${apiMessage} (${reason})`, httpStatus === 401 || httpStatus === 403 ? ExitCode.AUTH : ExitCode.API_ERROR, hints);
    this.name = 'ApiError';
  }
}

/** What the client needs to call Rouge, and what to tell the user when the key is refused. */
export interface ClientOptions {
  url: string;
  key: string;
  userAgent: string;
  /** What to do after a 401, such as `run "rouge login --url ..." with a valid key`. */
  unauthenticatedHint: string;
  /** What to do after a 403. */
  deniedHint: string;
  timeoutMs?: number;
}

export type Query = Record<string, string | number | undefined>;

/** What {@link ApiClient.send} sends besides the method and path. */
export interface SendInit {
  query?: Query;
  /** Headers of the request's own; authorization and user-agent are the client's. */
  headers?: Record<string, string>;
  /** The body, read only as fast as the connection takes it. */
  body?: Readable;
  /** The body's length in bytes; without it the body is sent chunked. */
  contentLength?: number;
  signal?: AbortSignal;
}

interface GoogleError {
  error?: { code?: number; status?: string; message?: string; details?: Array<{ '@type'?: string; reason?: string }> };
}

const PAGE_SIZE = 100;

/** A thin client for the Rouge API: one JSON request, every page of a list, or a raw request ({@link ApiClient.send}). */
export class ApiClient {
  constructor(private readonly options: ClientOptions) {}

  /** The base URL, for messages. */
  get url(): string {
    return this.options.url;
  }

  /**
   * Sends one request and returns the parsed JSON body. Throws ApiError for an
   * error response and CliError when Rouge cannot be reached.
   */
  async request<T = Record<string, unknown>>(method: string, path: string, init: { query?: Query; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    const url = this.urlOf(path, init.query);
    const headers: Record<string, string> = {
      ...init.headers,
      authorization: `Bearer ${this.options.key}`,
      accept: 'application/json',
      'user-agent': this.options.userAgent,
    };
    // Only a request with a body says it is JSON: the server rejects an empty JSON body.
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (e) {
      throw this.unreachable(e);
    }
    const text = await res.text();
    if (!res.ok) throw this.errorFor(res.status, text);
    return this.parseJson(res.status, text) as T;
  }

  /**
   * Sends one request with the client's URL, key and user agent, and resolves
   * with the response as soon as its headers arrive, whatever its status, with
   * the body unread: for bodies that are not JSON, such as a streamed upload
   * or a download. There is no overall timeout (pass `signal` for one):
   * transfers take as long as their bytes do. Rejects with a CliError when no
   * answer comes; a CliError the body stream fails with (a file that changed
   * while it was read) is passed through as it is.
   *
   * Uses node:http rather than fetch: Node 20's fetch buffers a streamed
   * request body, so a 1 GiB upload cost the CLI over 1 GB of memory. Here the
   * body is piped, paused whenever the socket's buffer is full.
   */
  send(method: string, path: string, init: SendInit = {}): Promise<IncomingMessage> {
    const url = this.urlOf(path, init.query);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.key}`,
      'user-agent': this.options.userAgent,
      ...init.headers,
    };
    if (init.contentLength !== undefined) headers['content-length'] = String(init.contentLength);
    else if (init.body) headers['transfer-encoding'] = 'chunked';
    const transport = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = init.body;
    return new Promise<IncomingMessage>((resolve, reject) => {
      let answered = false;
      // agent: false gives the request a connection of its own, closed once it ends: a kept-alive
      // socket would hold the process open after the command is done.
      const req = transport(url, { method, headers, agent: false, ...(init.signal ? { signal: init.signal } : {}) });
      req.on('response', (res) => {
        answered = true;
        // A server that answers before the body is in (a refusal) gets no more of it; the file is closed.
        if (body && !body.readableEnded) {
          body.unpipe(req);
          body.destroy();
          res.once('close', () => req.destroy());
        }
        resolve(res);
      });
      req.on('error', (e) => {
        // After the answer, a failed write only means the server stopped reading; the response says why.
        if (!answered) reject(this.sendFailure(e));
      });
      if (!body) {
        req.end();
        return;
      }
      body.once('error', (e) => req.destroy(e));
      // A request that failed or was aborted must not leave the body's file open.
      req.once('close', () => {
        if (!body.readableEnded) body.destroy();
      });
      body.pipe(req);
    });
  }

  /**
   * The error for an answer that is not a success, from its body's text: an
   * ApiError built from Google's error model (exit 1, or 3 for 401 and 403,
   * with the hint for its reason), or a CliError when the body is not JSON.
   */
  errorFor(status: number, text: string): CliError {
    try {
      return this.apiError(status, this.parseJson(status, text) as GoogleError);
    } catch (e) {
      return e as CliError;
    }
  }

  /** An answer's body as JSON; `{}` when empty, a CliError when it is not JSON. */
  private parseJson(status: number, text: string): unknown {
    try {
      return text === '' ? {} : JSON.parse(text);
    } catch {
      throw new CliError(`unexpected answer from ${this.options.url} (HTTP ${status}, not JSON): ${text.slice(0, 200)}`, ExitCode.API_ERROR, [
        'is --url pointing at a Rouge server?',
      ]);
    }
  }

  private urlOf(path: string, query: Query = {}): URL {
    const url = new URL(this.options.url + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    return url;
  }

  /**
   * Fetches every page of a list (pageSize 100, following nextPageToken) and
   * returns one body holding all the items, as if the API had sent them in one
   * page. With `limit`, stops after that many items and keeps the token of the
   * next page, so the body still says more exist.
   */
  async listAll<T = Record<string, unknown>>(path: string, field: string, query: Query = {}, limit = Infinity): Promise<Record<string, unknown> & { nextPageToken?: string }> {
    const items: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (;;) {
      const pageSize = Math.min(PAGE_SIZE, limit - items.length);
      const page = await this.request<Record<string, unknown> & { nextPageToken?: string }>('GET', path, { query: { ...query, pageSize, pageToken: token } });
      items.push(...((page[field] as T[] | undefined) ?? []));
      token = page.nextPageToken;
      if (!token || items.length >= limit) break;
      // A server that hands back a token it already gave would page forever.
      if (seen.has(token)) throw new CliError(`the server repeated page token ${token} for ${path}; stopping`, ExitCode.API_ERROR);
      seen.add(token);
    }
    return { [field]: items, ...(token ? { nextPageToken: token } : {}) };
  }

  private apiError(status: number, body: GoogleError): ApiError {
    const info = body.error?.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo');
    const reason = info?.reason ?? body.error?.status ?? `HTTP_${status}`;
    const message = body.error?.message ?? `HTTP ${status} from ${this.options.url}`;
    const hint = status === 401 ? this.options.unauthenticatedHint : status === 403 ? this.options.deniedHint : hintFor(reason);
    return new ApiError(status, reason, message, hint ? [hint] : []);
  }

  private unreachable(e: unknown): CliError {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const where = `Rouge at ${this.options.url}`;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return new CliError(`${where} did not answer within ${Math.round((this.options.timeoutMs ?? 60_000) / 1000)} s`, ExitCode.API_ERROR, ['check the server, then retry']);
    }
    const code = err.cause?.code;
    if (code === 'ECONNREFUSED') return new CliError(`cannot reach ${where}: is it running? (rouge serve)`, ExitCode.API_ERROR);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new CliError(`cannot reach ${where}: the host name does not resolve`, ExitCode.API_ERROR, ['check --url, ROUGE_URL or the profile (rouge login --url ...)']);
    }
    return new CliError(`cannot reach ${where}: ${code ?? err.cause?.message ?? err.message}`, ExitCode.API_ERROR);
  }

  /** The error for a send that got no answer. */
  private sendFailure(e: unknown): CliError {
    if (e instanceof CliError) return e;
    const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
    if (err.cause instanceof CliError) return err.cause;
    const where = `Rouge at ${this.options.url}`;
    if (err.name === 'AbortError' || err.name === 'TimeoutError') return new CliError(`the request to ${where} was stopped`, ExitCode.API_ERROR);
    const code = err.code ?? err.cause?.code;
    if (code === 'ECONNREFUSED') return new CliError(`cannot reach ${where}: is it running? (rouge serve)`, ExitCode.API_ERROR);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new CliError(`cannot reach ${where}: the host name does not resolve`, ExitCode.API_ERROR, ['check --url, ROUGE_URL or the profile (rouge login --url ...)']);
    }
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      return new CliError(`${where} closed the connection before answering`, ExitCode.API_ERROR, ['retry; if it keeps happening, check the server log and its --max-artifact-bytes']);
    }
    return new CliError(`cannot reach ${where}: ${code ?? err.cause?.message ?? err.message}`, ExitCode.API_ERROR);
  }
}
