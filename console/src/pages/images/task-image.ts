import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { ReviewTask } from './review-types';

/**
 * A stored image as a blob: URL. The image route needs the key, which an
 * <img src> cannot send, so the bytes are fetched with it; only API paths of
 * this origin are fetched, so the key never goes where a task's URI points
 * elsewhere.
 */
export async function imageBlobUrl(path: string): Promise<string> {
  if (!path.startsWith('/v1/') || path.startsWith('//')) throw new ApiError(0, 'CROSS_ORIGIN', `Refused to send the key to ${path}: not an API path of this server.`);
  const res = await api<Response>('GET', path, { raw: true });
  return URL.createObjectURL(await res.blob());
}

export type ShownImage = { id: string; url: string } | { id: string; error: Error };

/**
 * The image of the task on screen, with the next task's fetched meanwhile so
 * a decision shows the next image at once. Each replaced URL is revoked, so a
 * long session does not keep every image it showed in memory.
 */
export function useTaskImage(task: ReviewTask | null, upcoming: ReviewTask | undefined): ShownImage | undefined {
  const [shown, setShown] = useState<ShownImage>();
  const prefetched = useRef(new Map<string, Promise<string>>());

  useEffect(() => {
    if (!task) { setShown(undefined); return; } // the queue is done: the last image's URL is revoked
    let live = true;
    const cache = prefetched.current;
    const p = cache.get(task.id) ?? imageBlobUrl(task.imageUri);
    cache.delete(task.id);
    p.then(
      (url) => (live ? setShown({ id: task.id, url }) : URL.revokeObjectURL(url)),
      (e: Error) => { if (live) setShown({ id: task.id, error: e }); },
    );
    // Only the next one is kept: anything older was skipped past and would never be shown.
    for (const [id, old] of cache) {
      if (id === upcoming?.id) continue;
      cache.delete(id);
      old.then(URL.revokeObjectURL, () => undefined);
    }
    if (upcoming && !cache.has(upcoming.id)) {
      const next = imageBlobUrl(upcoming.imageUri);
      next.catch(() => undefined); // its error is shown when its task is, not now
      cache.set(upcoming.id, next);
    }
    return () => { live = false; };
  }, [task?.id, upcoming?.id]);

  useEffect(() => {
    const url = shown && 'url' in shown ? shown.url : undefined;
    return () => { if (url) URL.revokeObjectURL(url); };
  }, [shown]);

  useEffect(() => () => {
    for (const p of prefetched.current.values()) p.then(URL.revokeObjectURL, () => undefined);
    prefetched.current.clear();
  }, []);

  return shown && task && shown.id === task.id ? shown : undefined;
}
