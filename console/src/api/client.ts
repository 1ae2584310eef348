import { ApiError, toApiError } from './errors';
import { forgetKey, storedKey } from './session';

type Listener = () => void;
const signedOut = new Set<Listener>();

/** Calls `listener` when the API refuses the stored key (expired, revoked): the shell goes back to sign-in. */
export function onSignedOut(listener: Listener): () => void {
  signedOut.add(listener);
  return () => signedOut.delete(listener);
}

export interface RequestOptions {
  body?: unknown;
  /** Ask for text (Prometheus metrics, feed files) instead of JSON. */
  text?: boolean;
  /** Ask for the raw response (images). */
  raw?: boolean;
  /** A key to use instead of the stored one (the sign-in form checks it). */
  key?: string;
  signal?: AbortSignal;
}

/**
 * Calls the public API as any client does, with the signed-in key in the
 * Authorization header. Answers parsed JSON (or text); throws ApiError with the
 * API's reason and message, or with reason NETWORK when the server is gone.
 */
export async function api<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const key = options.key ?? storedKey();
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: options.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', `Rouge did not answer (${(e as Error).message}); check that the server is running.`);
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (res.status === 401 && options.key === undefined) {
      forgetKey();
      for (const l of signedOut) l();
    }
    throw err;
  }
  if (options.raw) return res as T;
  if (options.text) return (await res.text()) as T;
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** `/v1/projects/{p}/...` with each segment escaped. */
export function projectPath(project: string, ...rest: string[]): string {
  return `/v1/projects/${encodeURIComponent(project)}${rest.map((r) => `/${r}`).join('')}`;
}

/** Every page of a list call, following nextPageToken (bounded, so a huge list cannot hang the page). */
export async function listAll<T>(path: string, field: string, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api<Record<string, unknown>>('GET', token ? `${path}${sep}pageToken=${encodeURIComponent(token)}` : path);
    out.push(...((page[field] as T[] | undefined) ?? []));
    token = page.nextPageToken as string | undefined;
    if (!token) break;
  }
  return out;
}
