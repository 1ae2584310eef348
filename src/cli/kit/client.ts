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

interface GoogleError {
  error?: { code?: number; status?: string; message?: string; details?: Array<{ '@type'?: string; reason?: string }> };
}

const PAGE_SIZE = 100;

/** A thin JSON client for the Rouge API: one request, or every page of a list. */
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
  async request<T = Record<string, unknown>>(method: string, path: string, init: { query?: Query; body?: unknown } = {}): Promise<T> {
    const url = new URL(this.options.url + path);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
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
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new CliError(`unexpected answer from ${this.options.url} (HTTP ${res.status}, not JSON): ${text.slice(0, 200)}`, ExitCode.API_ERROR, [
        'is --url pointing at a Rouge server?',
      ]);
    }
    if (!res.ok) throw this.apiError(res.status, body as GoogleError);
    return body as T;
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
}
