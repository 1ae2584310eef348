import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from './client';
import type { ApiError } from './errors';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Loads again now (after a change the page made). */
  reload: () => void;
}

/**
 * GETs `path` (null: nothing yet) and keeps the answer; with `refreshMs` it
 * polls, keeping the last answer on screen while the next loads. A newer
 * path or an unmount aborts the call in flight, so a slow answer never
 * overwrites a newer one.
 */
export function useApi<T>(path: string | null, options: { refreshMs?: number; text?: boolean } = {}): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const lastPath = useRef(path);

  useEffect(() => {
    if (path === null) return;
    if (lastPath.current !== path) {
      setData(undefined);
      lastPath.current = path;
    }
    const ctl = new AbortController();
    setLoading(true);
    api<T>('GET', path, { signal: ctl.signal, text: options.text })
      .then((d) => { setData(d); setError(undefined); })
      .catch((e: ApiError) => { if (e.name !== 'AbortError') setError(e); })
      .finally(() => { if (!ctl.signal.aborted) setLoading(false); });
    return () => ctl.abort();
  }, [path, tick, options.text]);

  useEffect(() => {
    if (!options.refreshMs || path === null) return;
    const t = setInterval(reload, options.refreshMs);
    return () => clearInterval(t);
  }, [options.refreshMs, path, reload]);

  return { data, error, loading, reload };
}

/**
 * Runs a change (POST, PATCH, DELETE) with a busy flag and its error kept
 * for the page to show; answers the result, or undefined when it failed.
 */
export function useAction(): { run: <T>(fn: () => Promise<T>) => Promise<T | undefined>; busy: boolean; error: ApiError | undefined; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = useCallback(async <T,>(fn: () => Promise<T>) => {
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (e) {
      setError(e as ApiError);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clear: () => setError(undefined) };
}
