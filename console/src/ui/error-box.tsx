import type { ApiError } from '../api/errors';

/** The API's error as the user should read it: what went wrong and its stable reason, announced to screen readers. */
export function ErrorBox({ error, onDismiss }: { error: ApiError | Error | undefined; onDismiss?: () => void }) {
  if (!error) return null;
  const reason = 'reason' in error ? (error as ApiError).reason : undefined;
  return (
    <div className="error-box" role="alert">
      <p>
        {error.message}
        {reason ? <code className="reason">{reason}</code> : null}
      </p>
      {onDismiss ? <button type="button" className="link" onClick={onDismiss}>Dismiss</button> : null}
    </div>
  );
}
