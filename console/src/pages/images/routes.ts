import type { PageDef } from '../../shell/page-def';

/** Tag review and savings, tagging runs, feeds (the tagging module). */
export const imagePages: PageDef[] = [
  { path: '/review', label: 'Tag review', group: 'Images', module: 'tagging', load: () => import('./review-page') },
  { path: '/tagging', label: 'Tagging runs', group: 'Images', module: 'tagging', load: () => import('./runs-page') },
  { path: '/feeds', label: 'Feeds', group: 'Images', module: 'tagging', load: () => import('./feeds-page') },
];
