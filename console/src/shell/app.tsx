import { useEffect, useState } from 'react';
import { Route, Router, Switch } from 'wouter';
import { api, onSignedOut } from '../api/client';
import type { ApiError } from '../api/errors';
import { forgetKey, storedKey } from '../api/session';
import { ErrorBox } from '../ui/error-box';
import { Loading } from '../ui/status';
import { prefetchAllPages, preloadPageAt } from './lazy-pages';
import { ProjectChooser } from './project-chooser';
import { ProjectShell } from './project-shell';
import { SessionContext, type Session } from './project';
import { SignIn } from './sign-in';

interface WhoAmI { principal: string; orgAdmin: boolean }

/** The console: sign-in until a key is kept, then the projects and their pages. */
export function App() {
  const [signedIn, setSignedIn] = useState(() => storedKey() !== null);
  const [notice, setNotice] = useState<string>();
  useEffect(() => onSignedOut(() => {
    setNotice('The API refused your key (expired, revoked or mistyped); sign in again.');
    setSignedIn(false);
  }), []);
  if (!signedIn) return <SignIn notice={notice} onSignedIn={() => { setNotice(undefined); setSignedIn(true); }} />;
  return <SignedIn onSignOut={() => { forgetKey(); setNotice('Signed out.'); setSignedIn(false); }} />;
}

function SignedIn({ onSignOut }: { onSignOut: () => void }) {
  const [session, setSession] = useState<Session>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    // The opened page's chunk downloads with the session calls, not after them, and is awaited with them.
    Promise.all([api<WhoAmI>('GET', '/v1/whoami'), api<{ modules: Array<{ name: string }> }>('GET', '/v1/modules'), preloadPageAt(location.pathname)])
      .then(([me, mods]) => {
        setSession({ principal: me.principal, orgAdmin: me.orgAdmin, modules: new Set(mods.modules.map((m) => m.name)) });
        prefetchAllPages();
      })
      .catch((e: ApiError) => setError(e));
  }, []);
  if (error) return <main id="main" className="sign-in"><ErrorBox error={error} /><button type="button" onClick={onSignOut}>Sign out</button></main>;
  if (!session) return <main id="main" className="sign-in"><Loading /></main>;
  return (
    <SessionContext.Provider value={session}>
      <Router base="/console">
        <Switch>
          <Route path="/p/:project" nest>{(params) => <ProjectShell project={decodeURIComponent(params.project)} onSignOut={onSignOut} />}</Route>
          <Route><ProjectChooser onSignOut={onSignOut} /></Route>
        </Switch>
      </Router>
    </SessionContext.Provider>
  );
}
