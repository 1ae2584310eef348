import type { Run } from './types';
import { unfinished } from './format';

/**
 * What may be done to the run in its state: cancel while it is unfinished;
 * once it ended, run its failed steps again (keeping what succeeded) or
 * every step again. Approvals are on the steps' rows.
 */
export function RunActions({ run, busy, onCancel, onRetry }: { run: Run; busy: boolean; onCancel: () => void; onRetry: (fromFailed: boolean) => void }) {
  if (unfinished(run.state)) {
    return <button type="button" className="secondary" disabled={busy} onClick={onCancel}>Cancel run</button>;
  }
  const someFailed = run.state !== 'SUCCEEDED';
  return (
    <>
      {someFailed ? <button type="button" disabled={busy} onClick={() => onRetry(true)}>Retry failed steps</button> : null}
      <button type="button" className="secondary" disabled={busy} onClick={() => onRetry(false)}>Run every step again</button>
    </>
  );
}
