import { useEffect } from 'react';
import { Link, useLocation } from 'wouter';
import { lastProject } from '../api/session';
import { useApi } from '../api/use-api';
import { ErrorBox } from '../ui/error-box';
import { Empty, Loading } from '../ui/status';
import { TopBar } from './top-bar';

interface Project { projectId: string; displayName?: string }

/** The first screen after sign-in: the projects this key may see; the last one used opens by itself. */
export function ProjectChooser({ onSignOut }: { onSignOut: () => void }) {
  const { data, error } = useApi<{ projects: Project[] }>('/v1/projects?pageSize=200');
  const [, navigate] = useLocation();
  const projects = data?.projects ?? [];
  useEffect(() => {
    if (!data) return;
    const last = lastProject();
    const pick = projects.find((p) => p.projectId === last) ?? (projects.length === 1 ? projects[0] : undefined);
    if (pick) navigate(`/p/${encodeURIComponent(pick.projectId)}`, { replace: true });
  }, [data]);
  return (
    <>
      <TopBar onSignOut={onSignOut} />
      <main id="main" className="chooser">
        <h1>Projects</h1>
        <ErrorBox error={error} />
        {!data && !error ? <Loading /> : null}
        {data && projects.length === 0 ? <Empty>This key sees no project. An admin can bind it to one with <code>rouge bindings add</code>.</Empty> : null}
        <ul className="cards">
          {projects.map((p) => (
            <li key={p.projectId}><Link href={`/p/${encodeURIComponent(p.projectId)}`}>{p.displayName || p.projectId}<span className="muted"> {p.projectId}</span></Link></li>
          ))}
        </ul>
      </main>
    </>
  );
}
