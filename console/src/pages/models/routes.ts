import type { PageDef } from '../../shell/page-def';

/** Models and versions (registry), endpoints and their traffic (serving). */
export const modelPages: PageDef[] = [
  { path: '/models', label: 'Models', group: 'Models', module: 'registry', load: () => import('./models-page') },
  { path: '/models/:model', module: 'registry', load: () => import('./model-page') },
  { path: '/endpoints', label: 'Endpoints', group: 'Models', module: 'serving', load: () => import('./endpoints-page') },
  { path: '/endpoints/:endpoint', module: 'serving', load: () => import('./endpoint-page') },
];
