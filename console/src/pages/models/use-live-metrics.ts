import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { ApiError } from '../../api/errors';
import { LATENCY_BUCKET, REQUESTS, snapshotOf, type Snapshot } from './live-stats';
import { parsePrometheus } from './prometheus';

const NAMES = new Set([REQUESTS, LATENCY_BUCKET]);

export interface LiveMetrics {
  /** Scrapes of this endpoint inside the window, oldest first. */
  snapshots: Snapshot[];
  error: ApiError | undefined;
  /** The key may not read /metrics: polling stopped, as asking again cannot help. */
  denied: boolean;
}

/**
 * Scrapes GET /metrics every `intervalMs` while the page is open (skipping
 * while the tab is hidden) and keeps the endpoint's counters of the last
 * `windowMs`. A 403 stops the polling; other errors are shown and retried.
 */
export function useLiveMetrics(endpoint: string, intervalMs: number, windowMs: number): LiveMetrics {
  const [snapshots, setSnapshots] = useState<Snapshot[]>([]);
  const [error, setError] = useState<ApiError>();
  const [denied, setDenied] = useState(false);
  useEffect(() => {
    setSnapshots([]);
    setError(undefined);
    setDenied(false);
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (document.visibilityState !== 'hidden') {
        try {
          const text = await api<string>('GET', '/metrics', { text: true, signal: ctl.signal });
          const now = Date.now();
          const snap = snapshotOf(parsePrometheus(text, NAMES), endpoint, now);
          setSnapshots((prev) => [...prev.filter((s) => now - s.time <= windowMs), snap]);
          setError(undefined);
        } catch (e) {
          if (ctl.signal.aborted) return;
          setError(e as ApiError);
          if ((e as ApiError).status === 403) {
            setDenied(true);
            return;
          }
        }
      }
      if (!ctl.signal.aborted) timer = setTimeout(() => void poll(), intervalMs);
    };
    void poll();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [endpoint, intervalMs, windowMs]);
  return { snapshots, error, denied };
}
