import { useEffect, useRef, useState } from 'react';
import { api, projectPath } from '../../api/client';
import type { ApiError } from '../../api/errors';
import type { LogLine } from './types';

const PAGE = 1000;
const POLL_MS = 1500;

/**
 * A run's log lines (one step's, or every step's with `step` null), oldest
 * first. Reads with `?after=` the id of the last line it has, so each poll
 * fetches only new lines; polls while `live` (the run is unfinished), and
 * reads again whenever `changed` does (a step moved on, the run ended or was
 * retried), so lines written between two polls of the run are never missed.
 */
export function useRunLogs(project: string, run: string, step: string | null, live: boolean, changed: string): { lines: LogLine[]; error: ApiError | undefined; loaded: boolean } {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<ApiError>();
  const [loaded, setLoaded] = useState(false);
  const [tick, setTick] = useState(0);
  const last = useRef<string | undefined>(undefined);

  // Declared before the reader, so a new step starts from an empty log in the same commit.
  useEffect(() => {
    last.current = undefined;
    setLines([]);
    setLoaded(false);
    setError(undefined);
  }, [project, run, step]);

  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    void (async () => {
      try {
        for (;;) {
          const q = new URLSearchParams({ pageSize: String(PAGE) });
          if (step) q.set('step', step);
          if (last.current) q.set('after', last.current);
          const page = await api<{ lines: LogLine[] }>('GET', `${projectPath(project, 'pipelineRuns', encodeURIComponent(run), 'logs')}?${q}`, { signal: ctl.signal });
          if (ctl.signal.aborted) return;
          if (page.lines.length) {
            last.current = page.lines[page.lines.length - 1]!.id;
            setLines((prev) => [...prev, ...page.lines]);
          }
          if (page.lines.length < PAGE) break;
        }
        setError(undefined);
        setLoaded(true);
      } catch (e) {
        if ((e as Error).name === 'AbortError') return;
        setError(e as ApiError);
      }
      if (live && !ctl.signal.aborted) timer = setTimeout(() => setTick((t) => t + 1), POLL_MS);
    })();
    return () => {
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [project, run, step, live, changed, tick]);

  return { lines, error, loaded };
}
