import { Link } from 'wouter';
import type { PageDef } from '../../shell/page-def';
import { useProject, useSession } from '../../shell/project';
import { Page } from '../../ui/page';

const ABOUT: Record<string, string> = {
  '/models': 'Registered models, their versions, metrics, aliases and lineage.',
  '/endpoints': 'Deployed models, the traffic split between them, live request rate, latency and errors.',
  '/recommend': 'Try the recommenders: organic results with their reasons, sponsored ones with their campaign and cost per click.',
  '/ads': 'Advertisers and campaigns: spend against budget, pacing, clicks, CTR and ROAS.',
  '/review': 'Image tag proposals waiting for a decision, reviewed from the keyboard.',
  '/tagging': 'Image analysis runs and what tagging saved.',
  '/feeds': 'The Merchant Center and Meta feeds, and the products they leave out.',
  '/pipelines': 'Pipeline runs as graphs, with step states and logs.',
  '/triggers': 'Schedules, event triggers and HTTP functions, and deliveries that failed.',
  '/audit': 'Who changed what, and when.',
};

/** The project's home: one card per page this deployment offers. */
export default function Overview({ pages }: { pages: PageDef[] }) {
  const project = useProject();
  const { principal } = useSession();
  return (
    <Page title={`Project ${project}`}>
      <p className="muted">Signed in as <code>{principal}</code>. Pages this key may not read say so when opened.</p>
      <ul className="cards">
        {pages.filter((p) => p.label).map((p) => (
          <li key={p.path}>
            <Link href={p.path}><strong>{p.label}</strong><span className="muted">{ABOUT[p.path] ?? ''}</span></Link>
          </li>
        ))}
      </ul>
    </Page>
  );
}
