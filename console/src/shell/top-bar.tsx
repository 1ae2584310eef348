import type { ReactNode } from 'react';
import { useSession } from './project';

/** The bar on every signed-in screen: the product, a slot for the project picker, who is signed in, sign-out. */
export function TopBar({ onSignOut, children }: { onSignOut: () => void; children?: ReactNode }) {
  const session = useSession();
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="top-bar">
        <a className="brand" href="/console/">Rouge</a>
        {children}
        <span className="who" title="Signed in as">{session.principal}</span>
        <button type="button" className="secondary" onClick={onSignOut}>Sign out</button>
      </header>
    </>
  );
}
