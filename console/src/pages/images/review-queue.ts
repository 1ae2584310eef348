import { useCallback, useEffect, useRef, useState } from 'react';
import { api, projectPath } from '../../api/client';
import type { ApiError } from '../../api/errors';
import { type Decision, type ReviewTask, type ReviewTaskPage, taskLabel } from './review-types';

const PAGE_SIZE = 50;

export interface ReviewQueue {
  /** loading: the first page is on its way; done: no pending task is left; failed: `error` says why. */
  status: 'loading' | 'ready' | 'done' | 'failed';
  current: ReviewTask | null;
  /** The task after this one, whose image is fetched meanwhile. */
  upcoming: ReviewTask | undefined;
  /** Tasks left in the batch on screen, this one included. */
  left: number;
  /** More pending tasks wait after this batch. */
  more: boolean;
  decided: number;
  busy: boolean;
  /** The last thing that happened, for the live region. */
  note: string;
  error: ApiError | undefined;
  decide: (decision: Decision, label?: string) => void;
  skip: () => void;
  /** Starts over from the oldest pending task (the skipped ones come back). */
  restart: () => void;
}

/**
 * The review queue of a project, oldest pending task first, one page at a
 * time, as the standalone review page (GET /review) works it: each decision
 * goes through POST .../reviewTasks/{id}:resolve, and a task someone else
 * decided meanwhile (409) or a later run replaced (404) is passed over.
 */
export function useReviewQueue(project: string): ReviewQueue {
  const [current, setCurrent] = useState<ReviewTask | null>(null);
  const [upcoming, setUpcoming] = useState<ReviewTask>();
  const [status, setStatus] = useState<ReviewQueue['status']>('loading');
  const [left, setLeft] = useState(0);
  const [more, setMore] = useState(false);
  const [decided, setDecided] = useState(0);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError>();
  const queue = useRef<ReviewTask[]>([]);
  const token = useRef('');
  const exhausted = useRef(false);
  const shown = useRef<ReviewTask | null>(null);
  const busyRef = useRef(false);
  // Bumped on restart: an answer for an earlier queue is dropped, never shown.
  const generation = useRef(0);

  const advance = useCallback(async (gen: number) => {
    try {
      // A page can come back empty with a token (its tasks were decided meanwhile): only no token ends the queue.
      while (queue.current.length === 0 && !exhausted.current) {
        const q = `reviewTasks?state=pending&pageSize=${PAGE_SIZE}${token.current ? `&pageToken=${encodeURIComponent(token.current)}` : ''}`;
        const page = await api<ReviewTaskPage>('GET', projectPath(project, 'tagging', q));
        if (gen !== generation.current) return;
        queue.current = page.reviewTasks.filter((t) => t.state === 'pending');
        token.current = page.nextPageToken ?? '';
        exhausted.current = !token.current;
      }
    } catch (e) {
      if (gen !== generation.current) return;
      setError(e as ApiError);
      setStatus('failed');
      return;
    }
    const next = queue.current.shift() ?? null;
    shown.current = next;
    setCurrent(next);
    setUpcoming(queue.current[0]);
    setLeft(queue.current.length + (next ? 1 : 0));
    setMore(!exhausted.current);
    setStatus(next ? 'ready' : 'done');
  }, [project]);

  const restart = useCallback(() => {
    const gen = ++generation.current;
    queue.current = [];
    token.current = '';
    exhausted.current = false;
    shown.current = null;
    busyRef.current = false;
    setBusy(false);
    setError(undefined);
    setStatus('loading');
    void advance(gen);
  }, [advance]);

  useEffect(() => {
    restart();
    setDecided(0);
    setNote('');
  }, [restart]);

  const decide = useCallback((decision: Decision, label?: string) => {
    const task = shown.current;
    if (!task || busyRef.current) return;
    const gen = generation.current;
    busyRef.current = true;
    setBusy(true);
    const body = decision === 'correct' ? { decision, tags: [{ name: 'product_class', value: label }] } : { decision };
    api('POST', projectPath(project, 'tagging', 'reviewTasks', `${encodeURIComponent(task.id)}:resolve`), { body })
      .then(async () => {
        if (gen !== generation.current) return;
        setDecided((n) => n + 1);
        setError(undefined);
        setNote(`${decision === 'accept' ? 'Accepted' : decision === 'reject' ? 'Rejected' : `Corrected to ${label}`}: ${taskLabel(task)}.`);
        await advance(gen);
      }, async (e: ApiError) => {
        if (gen !== generation.current) return;
        if (e.status === 409 || e.status === 404) {
          // Someone else decided first (or a later run replaced the task): theirs stands, nothing to retry.
          setError(undefined);
          setNote(`${taskLabel(task)} was already decided by someone else; moved on.`);
          await advance(gen);
          return;
        }
        setError(e);
      })
      .finally(() => {
        if (gen !== generation.current) return;
        busyRef.current = false;
        setBusy(false);
      });
  }, [project, advance]);

  const skip = useCallback(() => {
    const task = shown.current;
    if (!task || busyRef.current) return;
    const gen = generation.current;
    busyRef.current = true;
    setBusy(true);
    setError(undefined);
    setNote(`Skipped ${taskLabel(task)}; it stays pending.`);
    void advance(gen).finally(() => {
      if (gen !== generation.current) return;
      busyRef.current = false;
      setBusy(false);
    });
  }, [advance]);

  return { status, current, upcoming, left, more, decided, busy, note, error, decide, skip, restart };
}
