import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { ApiError } from '../../api/errors';

export interface Pages<T> {
  items: T[];
  /** The first page has been read (or failed). */
  loaded: boolean;
  loading: boolean;
  error: ApiError | undefined;
  /** More pages exist (the last answer had a nextPageToken). */
  more: boolean;
  loadMore: () => void;
  /** Reads the first page again, dropping the others. */
  reload: () => void;
}

/**
 * A list read page by page with `pageToken`: the first page when `path`
 * changes (null: nothing to read), the next on `loadMore`. A newer path
 * aborts what is in flight, so an old answer never lands in a new list.
 */
export function usePages<T>(path: string | null, field: string): Pages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [token, setToken] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  const ctl = useRef<AbortController | undefined>(undefined);

  const fetchPage = useCallback(async (pageToken: string | undefined, replace: boolean) => {
    if (path === null) return;
    ctl.current?.abort();
    const mine = new AbortController();
    ctl.current = mine;
    setLoading(true);
    try {
      const sep = path.includes('?') ? '&' : '?';
      const page = await api<Record<string, unknown>>('GET', pageToken ? `${path}${sep}pageToken=${encodeURIComponent(pageToken)}` : path, { signal: mine.signal });
      const got = (page[field] as T[] | undefined) ?? [];
      setItems((prev) => (replace ? got : [...prev, ...got]));
      setToken(page.nextPageToken as string | undefined);
      setError(undefined);
      setLoaded(true);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      setError(e as ApiError);
      setLoaded(true);
    } finally {
      if (!mine.signal.aborted) setLoading(false);
    }
  }, [path, field]);

  useEffect(() => {
    setItems([]);
    setToken(undefined);
    setLoaded(false);
    void fetchPage(undefined, true);
    return () => ctl.current?.abort();
  }, [fetchPage, tick]);

  return {
    items, loaded, loading, error, more: token !== undefined,
    loadMore: () => void fetchPage(token, false),
    reload: () => setTick((t) => t + 1),
  };
}
