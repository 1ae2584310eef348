import { useList } from '../../api/use-list';
import type { ApiError } from '../../api/errors';

export interface LoadedList<T> {
  items: T[] | undefined;
  error: ApiError | undefined;
  /** Reads the list again (after a change the page made); the old items stay on screen meanwhile. */
  reload: () => void;
}

/** Every page of a list call (`field` names the array in each page); null path: nothing yet. */
export function useListAll<T>(path: string | null, field: string): LoadedList<T> {
  const { data, error, reload } = useList<T>(path, field);
  return { items: data, error, reload };
}
