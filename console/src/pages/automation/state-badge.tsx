/**
 * Tones of every state this group shows (runs, steps, deliveries, audit
 * results), sharing the badge classes of styles.css. The word is always
 * shown: the colour only repeats it.
 */
const TONE: Record<string, 'ok' | 'bad' | 'busy' | 'wait' | 'neutral'> = {
  SUCCEEDED: 'ok', DELIVERED: 'ok', ACTIVE: 'ok', allowed: 'ok',
  FAILED: 'bad', UPSTREAM_FAILED: 'bad', DEAD: 'bad', denied: 'bad', failed: 'bad',
  RUNNING: 'busy',
  QUEUED: 'wait', PENDING: 'wait', PAUSED: 'wait', SKIPPED: 'neutral', CANCELLED: 'neutral',
};

/** A run, step, delivery or trigger state as a word in a coloured pill. */
export function Badge({ state, text }: { state: string; text?: string }) {
  return <span className={`badge badge-${TONE[state] ?? 'neutral'}`}>{text ?? state}</span>;
}
