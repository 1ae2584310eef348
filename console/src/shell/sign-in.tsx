import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ApiError } from '../api/errors';
import { storeKey } from '../api/session';
import { ErrorBox } from '../ui/error-box';

/**
 * Sign-in with an API key. The key is checked with GET /v1/whoami before it is
 * kept, and kept only in this tab's sessionStorage; it is never put in a URL.
 */
export function SignIn({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return;
    setBusy(true);
    setError(undefined);
    try {
      await api('GET', '/v1/whoami', { key: trimmed });
      storeKey(trimmed);
      setKey('');
      onSignedIn();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Rouge</h1>
        {notice ? <p role="status">{notice}</p> : null}
        <label htmlFor="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" spellCheck={false} required value={key}
          onChange={(e) => setKey(e.target.value)} aria-describedby="api-key-help" autoFocus />
        <p id="api-key-help" className="muted">
          A user or service-account key (<code>rk_…</code>). <code>npm start</code> prints the admin key on first start;
          <code> rouge keys create</code> makes others. It stays in this tab until you sign out or close it.
        </p>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
