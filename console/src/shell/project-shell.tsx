import { Suspense, useEffect, useMemo } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { rememberProject } from '../api/session';
import { useApi } from '../api/use-api';
import Overview from '../pages/overview/overview-page';
import { ErrorBox } from '../ui/error-box';
import { Loading } from '../ui/status';
import { componentOf } from './lazy-pages';
import type { PageDef } from './page-def';
import { pagesFor } from './pages';
import { ProjectContext, useSession } from './project';
import { TopBar } from './top-bar';

const GROUPS = ['Models', 'Commerce', 'Images', 'Automation', 'Governance'] as const;

/** A project's screens: the top bar with the project picker, the menu of the modules present, the page. */
export function ProjectShell({ project, onSignOut }: { project: string; onSignOut: () => void }) {
  const { modules } = useSession();
  const pages = useMemo(() => pagesFor(modules), [modules]);
  const [location] = useLocation();
  useEffect(() => rememberProject(project), [project]);
  // A new page moves focus to its heading, so a screen reader announces where the user is.
  useEffect(() => {
    const t = setTimeout(() => document.getElementById('page-title')?.focus({ preventScroll: true }), 0);
    return () => clearTimeout(t);
  }, [location]);
  return (
    <ProjectContext.Provider value={project}>
      <TopBar onSignOut={onSignOut}><ProjectPicker project={project} /></TopBar>
      <div className="layout">
        <nav className="side-nav" aria-label="Pages">
          <ul>
            <li><NavLink href="/" label="Overview" current={location === '/'} /></li>
          </ul>
          {GROUPS.map((g) => {
            const inGroup = pages.filter((p) => p.group === g && p.label);
            if (inGroup.length === 0) return null;
            return (
              <div key={g} className="nav-group">
                <h2 className="nav-title">{g}</h2>
                <ul>{inGroup.map((p) => <li key={p.path}><NavLink href={p.path} label={p.label!} current={location === p.path || location.startsWith(`${p.path}/`)} /></li>)}</ul>
              </div>
            );
          })}
        </nav>
        <main id="main" className="content">
          <Suspense fallback={<Loading />}>
            <Switch>
              <Route path="/"><Overview pages={pages} /></Route>
              {pages.map((p: PageDef) => <Route key={p.path} path={p.path} component={componentOf(p)} />)}
              <Route><NotFound /></Route>
            </Switch>
          </Suspense>
        </main>
      </div>
    </ProjectContext.Provider>
  );
}

function NavLink({ href, label, current }: { href: string; label: string; current: boolean }) {
  return <Link href={href} aria-current={current ? 'page' : undefined} className={current ? 'current' : undefined}>{label}</Link>;
}

function ProjectPicker({ project }: { project: string }) {
  const { data } = useApi<{ projects: Array<{ projectId: string; displayName?: string }> }>('/v1/projects?pageSize=200');
  const [location, navigate] = useLocation();
  const ids = data?.projects.map((p) => p.projectId) ?? [project];
  return (
    <label className="project-picker">
      <span>Project</span>
      <select value={project} onChange={(e) => navigate(`~/console/p/${encodeURIComponent(e.target.value)}${location === '/' ? '' : location.split('/').slice(0, 2).join('/')}`)}>
        {(ids.includes(project) ? ids : [project, ...ids]).map((id) => <option key={id} value={id}>{id}</option>)}
      </select>
    </label>
  );
}

function NotFound() {
  return (
    <section className="page">
      <h1 id="page-title" tabIndex={-1}>Not found</h1>
      <ErrorBox error={new Error('No console page has this address, or its module is not installed here.')} />
      <Link href="/">Back to the overview</Link>
    </section>
  );
}
