import { catalogModule, EVENT_SINKS } from '../catalog/index.js';
import { dataDirSecret, type RougeModule } from '../platform/index.js';
import { AdvertiserService, SET_BRAND } from './advertisers.js';
import { Attribution } from './attribution.js';
import { AuctionService } from './auction-service.js';
import { BidTokens } from './bid-token.js';
import { Billing } from './billing.js';
import { Books } from './books.js';
import { Budgets } from './budget.js';
import { dayPosition } from './budget-day.js';
import { CampaignService } from './campaigns.js';
import { registerAuctionRoute, DEBUG_AUCTIONS } from './routes-auction.js';
import { registerAdsRoutes } from './routes.js';
import { registerTopsortRoutes } from './topsort/routes.js';
import { SettingsService } from './settings.js';
import { Reports } from './reports.js';
import { AdsStore } from './store.js';
import { adsMigration, attributionMigration, type LedgerRow } from './tables.js';

/** What other modules get from ads: the auction, and the services behind the routes. */
export interface AdsFace {
  auctions: AuctionService;
  reports: Reports;
  settings: SettingsService;
  advertisers: AdvertiserService;
  campaigns: CampaignService;
  /** The ledger's rows of a project (one campaign's with `campaign`), oldest first: what reports and tests sum. */
  ledger(project: string, campaign?: string): Promise<LedgerRow[]>;
  /** Whether the principal holds `ads.auctions.debug` on the project (auction reasons inside `:recommend`). */
  mayDebug(principal: string, project: string): Promise<void>;
}

const READ = ['ads.settings.get', 'ads.advertisers.get', 'ads.advertisers.list', 'ads.campaigns.get', 'ads.campaigns.list', 'ads.reports.get'];
const CAMPAIGNS = ['ads.campaigns.create', 'ads.campaigns.get', 'ads.campaigns.list', 'ads.campaigns.update', 'ads.campaigns.delete'];

/**
 * Sponsored products as a module: advertisers and campaigns managed on `api`,
 * auctions on `inference` (alone, or inside `:recommend` through
 * `placements/`), clicks billed from the storefront's events as they are
 * written. It never imports the recommendation engine: a page's relevance
 * reaches it as categories, candidates and a quality function.
 */
export const adsModule: RougeModule<AdsFace> = {
  name: 'ads',
  requires: [catalogModule],
  migrations: { '0001_ads': adsMigration, '0002_attribution': attributionMigration },
  roles: [
    { name: 'adsManager', description: 'viewer, plus every advertiser of the project: settings, advertisers and their brands, campaigns, auction reasons', inherits: ['viewer'],
      permissions: ['ads.settings.update', 'ads.advertisers.create', 'ads.advertisers.update', 'ads.advertisers.delete', SET_BRAND, ...CAMPAIGNS, DEBUG_AUCTIONS] },
    { name: 'advertiser', description: 'one advertiser\'s own key, bound on advertisers/{a}: sees and changes only that advertiser\'s campaigns',
      permissions: ['ads.advertisers.get', 'ads.advertisers.update', 'ads.reports.get', ...CAMPAIGNS] },
  ],
  permissions: {
    viewer: READ,
    predictor: ['ads.auctions.create'],
  },
  setup(ctx) {
    const catalog = ctx.use(catalogModule);
    const store = new AdsStore(ctx.store);
    const tokens = new BidTokens(dataDirSecret(ctx.config.bidSigningKey, ctx.config.dataDir, 'bid-signing-key'));
    const budgets = new Budgets(ctx.cache, (project, campaign, day) => store.spent(project, campaign, day));
    let books: Books | undefined;
    const changed = (project: string) => books!.changed(project);
    const settings = new SettingsService(store, ctx.hold, async (project) => (await store.db.selectFrom('campaigns').select('id').where('project', '=', project).limit(1).executeTakeFirst()) !== undefined, changed);
    const readSettings = (project: string) => settings.get(project);
    books = new Books({ store, catalog, cache: ctx.cache, budgets, projects: ctx.projects, settings: readSettings, onError: (err) => ctx.log.warn({ err }, 'sponsored products: a background refresh failed') });
    const advertisers = new AdvertiserService(store, ctx.hold, changed);
    const spend = async (project: string, ids: readonly string[]) => store.spentByCampaign(project, ids, dayPosition((await ctx.projects.get(project)).timeZone, Date.now()).day);
    const campaigns = new CampaignService({ store, catalog, advertisers, settings: readSettings, spend, hold: ctx.hold, changed });
    const auctions = new AuctionService(books, tokens, catalog);
    const reports = new Reports(store, ctx.projects, readSettings);
    const attribution = new Attribution({ store, catalog, projects: ctx.projects, settings: readSettings });
    ctx.contribute(EVENT_SINKS, new Billing({ store, cache: ctx.cache, tokens, budgets, projects: ctx.projects, settings: readSettings, changed, attribution }));
    const authorize = (principal: string, permission: string, project: string) => ctx.authorize(principal, permission, project);
    const subscribed = books.start();
    return {
      face: {
        auctions, settings, advertisers, campaigns, reports,
        ledger: (project, campaign) => store.ledger(project, campaign),
        mayDebug: (principal, project) => authorize(principal, DEBUG_AUCTIONS, project),
      },
      routes: {
        api: (app) => registerAdsRoutes(app, {
          settings, advertisers, campaigns, reports,
          holds: (principal, permission, project) => authorize(principal, permission, project).then(() => true, () => false),
        }),
        inference: (app) => {
          registerAuctionRoute(app, auctions, authorize);
          registerTopsortRoutes(app, { auctions, catalog, settings: readSettings });
        },
      },
      resources: [{ collection: 'advertisers', exists: async (project, id) => (await store.advertiser(project, id)) !== undefined }],
      countInProject: async (project, db) => {
        const r = await db.selectFrom('campaigns').select((eb) => eb.fn.countAll<number | string>().as('n')).where('project', '=', project).executeTakeFirst();
        return { kind: 'campaigns', count: Number(r?.n ?? 0) };
      },
      deleteProject: async (project, trx) => {
        await store.deleteProject(project, trx);
        books!.drop(project);
      },
      readiness: async () => {
        await subscribed;
        return undefined;
      },
      close: async () => {
        await subscribed.catch(() => undefined);
        await books!.close();
      },
    };
  },
};
