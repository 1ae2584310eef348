import type { PageDef } from '../../shell/page-def';

/** Pipeline runs and triggers (the pipelines module), and the audit log (the platform). */
export const automationPages: PageDef[] = [
  { path: '/pipelines', label: 'Pipeline runs', group: 'Automation', module: 'pipelines', load: () => import('./runs-page') },
  { path: '/pipelines/runs/:run', module: 'pipelines', load: () => import('./run-page') },
  { path: '/triggers', label: 'Triggers', group: 'Automation', module: 'pipelines', load: () => import('./triggers-page') },
  { path: '/audit', label: 'Audit log', group: 'Governance', module: null, load: () => import('./audit-page') },
];
