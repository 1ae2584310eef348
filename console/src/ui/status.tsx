import type { ReactNode } from 'react';

/** A polite live region: "Loading…", or the empty state once loaded. */
export function Loading({ what = 'Loading…' }: { what?: string }) {
  return <p className="muted" role="status" aria-live="polite">{what}</p>;
}

/** What a list shows when it has nothing, with the command or step that would fill it. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

const TONES: Record<string, string> = {
  SUCCEEDED: 'ok', ACTIVE: 'ok', active: 'ok', READY: 'ok', ok: 'ok', accepted: 'ok', DELIVERED: 'ok',
  FAILED: 'bad', UPSTREAM_FAILED: 'bad', CANCELLED: 'bad', denied: 'bad', allowed: 'ok', DEAD: 'bad', dead: 'bad', failed: 'bad', error: 'bad', rejected: 'bad',
  RUNNING: 'busy', PENDING: 'wait', QUEUED: 'wait', WAITING: 'wait', pending: 'wait', paused: 'wait', PAUSED: 'wait', SKIPPED: 'wait',
};

/** A state shown as a word with a colour; the word carries the meaning, so colour is never the only cue. */
export function StateBadge({ state }: { state: string }) {
  return <span className={`badge badge-${TONES[state] ?? 'neutral'}`}>{state}</span>;
}
