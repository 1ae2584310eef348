import { useCallback, useEffect, useState } from 'react';
import { listAll } from './client';
import type { ApiError } from './errors';

/**
 * Every page of a list call (following nextPageToken, bounded), for lists a
 * page shows whole (recommenders, advertisers, campaigns, models). A newer path or an
 * unmount drops a slower answer instead of letting it overwrite the newer one.
 */
export function useList<T>(path: string | null, field: string): { data: T[] | undefined; error: ApiError | undefined; reload: () => void } {
  const [data, setData] = useState<T[]>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    listAll<T>(path, field)
      .then((d) => { if (live) { setData(d); setError(undefined); } })
      .catch((e: ApiError) => { if (live) setError(e); });
    return () => { live = false; };
  }, [path, field, tick]);
  return { data, error, reload };
}
