import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Empty, readPage, readUpdateMask } from '../platform/index.js';
import { SET_BRAND, type AdvertiserService } from './advertisers.js';
import type { CampaignService } from './campaigns.js';
import { reportCsv, type Reports } from './reports.js';
import * as S from './schemas.js';
import { settingsView, type SettingsService } from './settings.js';

type PP = Static<typeof S.ProjectParams>;
type AP = Static<typeof S.AdvertiserParams>;
type CP = Static<typeof S.CampaignParams>;
const ADVERTISER_MASK = ['displayName', 'brand'];
const SETTINGS_MASK = ['currency', 'reservePrice', 'auctionType', 'attributionWindowDays'];

export interface AdsRouteDeps {
  settings: SettingsService;
  advertisers: AdvertiserService;
  campaigns: CampaignService;
  reports: Reports;
  /** Whether the caller holds a permission on the project (setting a brand). */
  holds: (principal: string, permission: string, project: string) => Promise<boolean>;
}

/**
 * Ads management on the `api` role. Campaigns live under their advertiser,
 * and every advertiser route names `advertisers/{a}` as its resource, so an
 * advertiser's own key (role `advertiser` bound there) reaches its campaigns and no one else's.
 */
export function registerAdsRoutes(app: FastifyInstance, d: AdsRouteDeps): void {
  const tags = ['sponsored products'];
  const base = '/v1/projects/:project';
  const adv = `${base}/advertisers`;
  const resource = (p: Record<string, string>) => `advertisers/${p.advertiser}`;

  app.get<{ Params: PP }>(`${base}/adsSettings`, { config: { permission: 'ads.settings.get' }, schema: { tags, summary: 'The project\'s ads settings (defaults until set)', params: S.ProjectParams, response: { 200: S.Settings } } },
    async (request) => settingsView(request.params.project, await d.settings.get(request.params.project)));
  app.patch<{ Params: PP; Body: Static<typeof S.SettingsBody>; Querystring: { updateMask?: string } }>(`${base}/adsSettings`, { config: { permission: 'ads.settings.update' }, schema: { tags, summary: 'Change the currency, reserve price, auction type or attribution window', params: S.ProjectParams, querystring: S.MaskQuery(SETTINGS_MASK), body: S.SettingsBody, response: { 200: S.Settings } } },
    async (request) => {
      const mask = readUpdateMask(request.query.updateMask, SETTINGS_MASK);
      const body = mask.length === 0 ? request.body : Object.fromEntries(Object.entries(request.body).filter(([k]) => mask.includes(k)));
      return settingsView(request.params.project, await d.settings.update(request.params.project, body));
    });

  app.post<{ Params: PP; Body: Static<typeof S.CreateAdvertiserBody> }>(adv, { config: { permission: 'ads.advertisers.create', idempotent: true }, schema: { tags, summary: 'Create an advertiser: a brand whose products it may promote', params: S.ProjectParams, body: S.CreateAdvertiserBody, response: { 200: S.Advertiser } } },
    async (request) => d.advertisers.create(request.params.project, request.body));
  app.get<{ Params: PP; Querystring: Static<typeof S.ListQuery> }>(adv, { config: { permission: 'ads.advertisers.list' }, schema: { tags, params: S.ProjectParams, querystring: S.ListQuery, response: { 200: Type.Object({ advertisers: Type.Array(S.Advertiser), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => d.advertisers.list(request.params.project, readPage(request.query)));
  app.get<{ Params: AP }>(`${adv}/:advertiser`, { config: { permission: 'ads.advertisers.get', resource }, schema: { tags, params: S.AdvertiserParams, response: { 200: S.Advertiser } } },
    async (request) => d.advertisers.get(request.params.project, request.params.advertiser));
  app.patch<{ Params: AP; Body: Static<typeof S.PatchAdvertiserBody>; Querystring: { updateMask?: string } }>(`${adv}/:advertiser`, { config: { permission: 'ads.advertisers.update', resource }, schema: { tags, summary: 'Rename an advertiser; only an ads manager changes its brand', params: S.AdvertiserParams, querystring: S.MaskQuery(ADVERTISER_MASK), body: S.PatchAdvertiserBody, response: { 200: S.Advertiser } } },
    async (request) => d.advertisers.update(request.params.project, request.params.advertiser, request.body, readUpdateMask(request.query.updateMask, ADVERTISER_MASK),
      () => d.holds(request.principalName, SET_BRAND, request.params.project)));
  app.delete<{ Params: AP }>(`${adv}/:advertiser`, { config: { permission: 'ads.advertisers.delete', resource }, schema: { tags, summary: 'Delete an advertiser with no campaigns', params: S.AdvertiserParams, response: { 200: Empty } } },
    async (request) => {
      await d.advertisers.delete(request.params.project, request.params.advertiser);
      return {};
    });

  app.get<{ Params: AP; Querystring: Static<typeof S.ReportQuery> }>(`${adv}/:advertiser/reports`, { config: { permission: 'ads.reports.get', resource }, schema: { tags, summary: 'An advertiser\'s impressions, clicks, spend, attributed orders and revenue (direct and halo) and ROAS, per day or campaign; ?format=csv for a spreadsheet', params: S.AdvertiserParams, querystring: S.ReportQuery, response: { 200: S.Report } } },
    async (request, reply) => {
      const { project, advertiser } = request.params;
      await d.advertisers.row(project, advertiser);
      const report = await d.reports.advertiser(project, advertiser, request.query);
      if (request.query.format !== 'csv') return report;
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${advertiser}-${report.from}-${report.to}.csv"`).send(reportCsv(report));
    });

  const camp = `${adv}/:advertiser/campaigns`;
  app.post<{ Params: AP; Body: Static<typeof S.CreateCampaignBody> }>(camp, { config: { permission: 'ads.campaigns.create', resource, idempotent: true }, schema: { tags, summary: 'Create a campaign: products of the advertiser\'s brand, a bid per click, budgets', params: S.AdvertiserParams, body: S.CreateCampaignBody, response: { 200: S.Campaign } } },
    async (request) => d.campaigns.create(request.params.project, request.params.advertiser, request.body));
  app.get<{ Params: AP; Querystring: Static<typeof S.ListQuery> }>(camp, { config: { permission: 'ads.campaigns.list', resource }, schema: { tags, params: S.AdvertiserParams, querystring: S.ListQuery, response: { 200: Type.Object({ campaigns: Type.Array(S.Campaign), nextPageToken: Type.Optional(Type.String()) }) } } },
    async (request) => d.campaigns.list(request.params.project, request.params.advertiser, readPage(request.query)));
  app.get<{ Params: CP }>(`${camp}/:campaign`, { config: { permission: 'ads.campaigns.get', resource }, schema: { tags, summary: 'A campaign with today\'s spend and all of it', params: S.CampaignParams, response: { 200: S.Campaign } } },
    async (request) => d.campaigns.get(request.params.project, request.params.advertiser, request.params.campaign));
  app.patch<{ Params: CP; Body: Static<typeof S.PatchCampaignBody>; Querystring: { updateMask?: string } }>(`${camp}/:campaign`, { config: { permission: 'ads.campaigns.update', resource }, schema: { tags, summary: 'Change a campaign: pause or resume it, its bids, budgets, products or dates', params: S.CampaignParams, querystring: S.MaskQuery(S.CAMPAIGN_MASK), body: S.PatchCampaignBody, response: { 200: S.Campaign } } },
    async (request) => d.campaigns.update(request.params.project, request.params.advertiser, request.params.campaign, request.body, readUpdateMask(request.query.updateMask, S.CAMPAIGN_MASK)));
  app.delete<{ Params: CP }>(`${camp}/:campaign`, { config: { permission: 'ads.campaigns.delete', resource }, schema: { tags, summary: 'Delete a campaign (its ledger rows stay)', params: S.CampaignParams, response: { 200: Empty } } },
    async (request) => {
      await d.campaigns.delete(request.params.project, request.params.advertiser, request.params.campaign);
      return {};
    });
}
