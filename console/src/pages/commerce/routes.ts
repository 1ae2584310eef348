import type { PageDef } from '../../shell/page-def';

/** Recommendations try-out and A/B reports (placements), advertisers and campaigns (ads). */
export const commercePages: PageDef[] = [
  { path: '/recommend', label: 'Recommendations', group: 'Commerce', module: 'placements', load: () => import('./recommend-page') },
  { path: '/recommenders/:recommender', module: 'placements', load: () => import('./recommender-page') },
  { path: '/ads', label: 'Sponsored products', group: 'Commerce', module: 'ads', load: () => import('./advertisers-page') },
  { path: '/ads/:advertiser', module: 'ads', load: () => import('./advertiser-page') },
];
