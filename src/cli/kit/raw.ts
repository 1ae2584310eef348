import { ApiError, type ApiClient, type ClientOptions, type Query } from './client.js';
import { CliError, ExitCode } from './exit.js';
import { hintFor } from './hints.js';

/*
 * Requests whose body is not JSON: a streamed multipart upload, an artifact
 * download. ApiClient speaks JSON only and keeps its options private, so this
 * reads them from the client that resolveContext built (the same URL, key and
 * hints) and maps failures the way ApiClient does: an API error becomes
 * ApiError (exit 1, or 3 for 401/403), an unreachable server a CliError.
 *
 * TODO(cli kit): an ApiClient.send() returning the raw Response would remove
 * the need to read ApiClient's private options here.
 */

function optionsOf(client: ApiClient): ClientOptions {
  const options = (client as unknown as { options?: ClientOptions }).options;
  if (!options || typeof options.key !== 'string' || typeof options.url !== 'string') {
    throw new Error('ApiClient no longer keeps its options in `options`; update src/cli/kit/raw.ts');
  }
  return options;
}

export interface RawInit {
  query?: Query;
  headers?: Record<string, string>;
  /** A streamed body; sent with `duplex: 'half'` and the given Content-Length. */
  body?: ReadableStream<Uint8Array>;
  contentLength?: number;
  signal?: AbortSignal;
}

interface GoogleError {
  error?: { status?: string; message?: string; details?: Array<{ '@type'?: string; reason?: string }> };
}

/**
 * Sends one request and returns the response when it is a success, with its
 * body unread. No overall timeout: uploads and downloads take as long as the
 * bytes do.
 */
export async function rawRequest(client: ApiClient, method: string, path: string, init: RawInit = {}): Promise<Response> {
  const options = optionsOf(client);
  const url = new URL(options.url + path);
  for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {
    authorization: `Bearer ${options.key}`,
    'user-agent': options.userAgent,
    ...init.headers,
  };
  if (init.contentLength !== undefined) headers['content-length'] = String(init.contentLength);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      ...(init.body ? { body: init.body, duplex: 'half' } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    } as RequestInit);
  } catch (e) {
    throw unreachable(e, options.url);
  }
  if (res.ok) return res;
  const text = await res.text().catch(() => '');
  let body: GoogleError = {};
  try {
    body = text === '' ? {} : (JSON.parse(text) as GoogleError);
  } catch {
    throw new CliError(`unexpected answer from ${options.url} (HTTP ${res.status}, not JSON): ${text.slice(0, 200)}`, ExitCode.API_ERROR, [
      'is --url pointing at a Rouge server?',
    ]);
  }
  const info = body.error?.details?.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo');
  const reason = info?.reason ?? body.error?.status ?? `HTTP_${res.status}`;
  const message = body.error?.message ?? `HTTP ${res.status} from ${options.url}`;
  const hint = res.status === 401 ? options.unauthenticatedHint : res.status === 403 ? options.deniedHint : hintFor(reason);
  throw new ApiError(res.status, reason, message, hint ? [hint] : []);
}

/** The error for a request that got no answer; CliErrors raised by the body itself pass through. */
function unreachable(e: unknown, base: string): CliError {
  if (e instanceof CliError) return e;
  const err = e as Error & { cause?: { code?: string; message?: string } & Error };
  // A body stream that failed (the file changed while it was read) surfaces as the fetch's cause.
  if (err.cause instanceof CliError) return err.cause;
  const where = `Rouge at ${base}`;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return new CliError(`the request to ${where} was stopped`, ExitCode.API_ERROR);
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return new CliError(`cannot reach ${where}: is it running? (rouge serve)`, ExitCode.API_ERROR);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(`cannot reach ${where}: the host name does not resolve`, ExitCode.API_ERROR, ['check --url, ROUGE_URL or the profile (rouge login --url ...)']);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return new CliError(`${where} closed the connection before answering`, ExitCode.API_ERROR, ['retry; if it keeps happening, check the server log and its --max-artifact-bytes']);
  }
  return new CliError(`cannot reach ${where}: ${code ?? err.cause?.message ?? err.message}`, ExitCode.API_ERROR);
}
