import { useCallback, useEffect, useState } from 'react';
import { listAll } from '../../api/client';
import type { ApiError } from '../../api/errors';

export interface LoadedList<T> {
  items: T[] | undefined;
  error: ApiError | undefined;
  /** Reads the list again (after a change the page made); the old items stay on screen meanwhile. */
  reload: () => void;
}

/** Every page of a list call (`field` names the array in each page); null path: nothing yet. */
export function useListAll<T>(path: string | null, field: string): LoadedList<T> {
  const [items, setItems] = useState<T[]>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    listAll<T>(path, field)
      .then((v) => { if (current) { setItems(v); setError(undefined); } })
      .catch((e: ApiError) => { if (current) setError(e); });
    return () => { current = false; };
  }, [path, field, tick]);
  return { items, error, reload };
}
