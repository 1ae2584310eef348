import { randomBytes } from 'node:crypto';
import type { Static } from 'typebox';
import type { CatalogFace } from '../catalog/index.js';
import { cutPage, nowIso, parseJson, type PageRequest, type ProjectHold } from '../platform/index.js';
import type { AdvertiserService } from './advertisers.js';
import * as errors from './errors.js';
import type * as S from './schemas.js';
import type { AdsSettings } from './settings.js';
import type { AdsStore } from './store.js';
import type { CampaignRow } from './tables.js';

export type CampaignView = Static<typeof S.Campaign>;
export type CreateCampaign = Static<typeof S.CreateCampaignBody>;
export type PatchCampaign = Static<typeof S.PatchCampaignBody>;
type Money = { amount: number; currency: string };

/** What campaigns' views need beside their rows: each one's click charges today and ever, from the ledger, in one read for a page. */
export type SpendReader = (project: string, campaigns: readonly string[]) => Promise<Map<string, { today: number; total: number }>>;

export interface CampaignDeps {
  store: AdsStore;
  catalog: CatalogFace;
  advertisers: AdvertiserService;
  settings: (project: string) => Promise<AdsSettings>;
  spend: SpendReader;
  hold: ProjectHold;
  /** Tells every process the project's campaigns changed (pausing takes effect within a second everywhere). */
  changed: (project: string) => Promise<void>;
}

export function campaignView(r: CampaignRow, currency: string, spent: { today: number; total: number } = { today: 0, total: 0 }): CampaignView {
  const m = (amount: number): Money => ({ amount: Number(amount), currency });
  const productBids = parseJson<Record<string, number>>(r.product_bids, {});
  const { today, total } = spent;
  return {
    name: `projects/${r.project}/advertisers/${r.advertiser}/campaigns/${r.id}`, campaignId: r.id, advertiser: `projects/${r.project}/advertisers/${r.advertiser}`,
    displayName: r.display_name, products: parseJson<string[]>(r.products, []), bid: m(r.bid),
    productBids: Object.fromEntries(Object.entries(productBids).map(([k, v]) => [k, m(v)])), dailyBudget: m(r.daily_budget),
    ...(r.total_budget !== null ? { totalBudget: m(r.total_budget) } : {}), pacing: r.pacing, startTime: r.start_time,
    ...(r.end_time !== null ? { endTime: r.end_time } : {}), status: r.status, ...(r.status_reason ? { statusReason: r.status_reason } : {}),
    spend: { today: m(today), total: m(total) }, createTime: r.create_time, updateTime: r.update_time,
  };
}

/**
 * Campaigns under an advertiser: what it promotes, what it bids per click,
 * how much it may spend. Every change is checked as a whole (products of the
 * advertiser's brand that exist, amounts in the project's currency, a daily
 * budget that covers one click at the bid, an end after the start) before it
 * is stored, then signalled so every process's auction sees it.
 */
export class CampaignService {
  constructor(private readonly d: CampaignDeps) {}

  async create(project: string, advertiser: string, input: CreateCampaign): Promise<CampaignView> {
    const adv = await this.d.advertisers.row(project, advertiser);
    const settings = await this.d.settings(project);
    const now = nowIso();
    const row: CampaignRow = {
      project, id: input.name ?? `c-${randomBytes(5).toString('hex')}`, advertiser, display_name: input.displayName ?? input.name ?? 'campaign',
      products: JSON.stringify(input.products), bid: input.bid.amount, product_bids: JSON.stringify(amounts(input.productBids)), daily_budget: input.dailyBudget.amount,
      total_budget: input.totalBudget?.amount ?? null, pacing: input.pacing ?? 'even', start_time: normalise(input.startTime) ?? now, end_time: normalise(input.endTime) ?? null,
      status: input.status ?? 'active', status_reason: null, create_time: now, update_time: now,
    };
    this.checkMoney(settings, input);
    await this.check(row, adv.brand, settings);
    await this.d.store.db.transaction().execute(async (trx) => {
      await this.d.hold(project, trx);
      // The advertiser is read again inside: one deleted meanwhile takes no campaign.
      if (!(await this.d.store.advertiser(project, advertiser, trx))) throw errors.ADVERTISER_NOT_FOUND({ advertiser: `projects/${project}/advertisers/${advertiser}` });
      if (!(await this.d.store.insertCampaign(row, trx))) throw errors.CAMPAIGN_ALREADY_EXISTS({ campaign: `projects/${project}/campaigns/${row.id}` });
    });
    await this.d.changed(project);
    return campaignView(row, settings.currency);
  }

  /** The campaign, which must belong to the advertiser in the path (another's is NOT_FOUND, as if it did not exist). */
  async row(project: string, advertiser: string, id: string): Promise<CampaignRow> {
    const r = await this.d.store.campaign(project, id);
    if (!r || r.advertiser !== advertiser) throw errors.CAMPAIGN_NOT_FOUND({ campaign: `projects/${project}/advertisers/${advertiser}/campaigns/${id}` });
    return r;
  }

  async get(project: string, advertiser: string, id: string): Promise<CampaignView> {
    const [r, settings] = await Promise.all([this.row(project, advertiser, id), this.d.settings(project)]);
    return campaignView(r, settings.currency, (await this.d.spend(project, [id])).get(id));
  }

  async list(project: string, advertiser: string, page: PageRequest): Promise<{ campaigns: CampaignView[]; nextPageToken?: string }> {
    await this.d.advertisers.row(project, advertiser);
    const settings = await this.d.settings(project);
    const { items, nextPageToken } = cutPage(await this.d.store.campaignsOf(project, advertiser, page.pageSize + 1, page.after?.[0]), page.pageSize, (r) => [r.id]);
    const spent = await this.d.spend(project, items.map((r) => r.id));
    return { campaigns: items.map((r) => campaignView(r, settings.currency, spent.get(r.id))), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  async update(project: string, advertiser: string, id: string, patch: PatchCampaign, mask: string[]): Promise<CampaignView> {
    const fields = mask.length > 0 ? new Set(mask) : new Set(Object.keys(patch));
    const [old, adv, settings] = await Promise.all([this.row(project, advertiser, id), this.d.advertisers.row(project, advertiser), this.d.settings(project)]);
    this.checkMoney(settings, patch);
    const next: CampaignRow = { ...old, update_time: nowIso() };
    if (fields.has('displayName')) next.display_name = patch.displayName ?? id;
    if (fields.has('products')) {
      if (!patch.products) throw errors.CAMPAIGN_INVALID({ why: 'products cannot be removed; give the products to promote' });
      next.products = JSON.stringify(patch.products);
    }
    if (fields.has('bid')) {
      if (!patch.bid) throw errors.CAMPAIGN_INVALID({ why: 'bid cannot be removed' });
      next.bid = patch.bid.amount;
    }
    if (fields.has('productBids')) next.product_bids = JSON.stringify(amounts(patch.productBids));
    if (fields.has('dailyBudget')) {
      if (!patch.dailyBudget) throw errors.CAMPAIGN_INVALID({ why: 'dailyBudget cannot be removed' });
      next.daily_budget = patch.dailyBudget.amount;
    }
    if (fields.has('totalBudget')) next.total_budget = patch.totalBudget?.amount ?? null;
    if (fields.has('pacing')) next.pacing = patch.pacing ?? 'even';
    if (fields.has('startTime')) next.start_time = normalise(patch.startTime) ?? old.start_time;
    if (fields.has('endTime')) next.end_time = normalise(patch.endTime ?? undefined) ?? null;
    if (fields.has('status')) {
      next.status = patch.status ?? 'active';
      next.status_reason = null;
    }
    await this.check(next, adv.brand, settings);
    const spent = (await this.d.spend(project, [id])).get(id);
    if (next.status === 'active' && next.total_budget !== null && (spent?.total ?? 0) >= next.total_budget) {
      throw errors.CAMPAIGN_INVALID({ why: `its total budget of ${next.total_budget} is spent; raise totalBudget to run it again` });
    }
    const { project: _p, id: _i, ...set } = next;
    if (!(await this.d.store.updateCampaign(project, id, set))) throw errors.CAMPAIGN_NOT_FOUND({ campaign: `projects/${project}/advertisers/${advertiser}/campaigns/${id}` });
    await this.d.changed(project);
    return campaignView(next, settings.currency, spent);
  }

  async delete(project: string, advertiser: string, id: string): Promise<void> {
    await this.row(project, advertiser, id);
    if (!(await this.d.store.deleteCampaign(project, id))) throw errors.CAMPAIGN_NOT_FOUND({ campaign: `projects/${project}/advertisers/${advertiser}/campaigns/${id}` });
    await this.d.changed(project);
  }

  /** Every amount is in the project's ads currency. */
  private checkMoney(settings: AdsSettings, input: { bid?: Money | undefined; dailyBudget?: Money | undefined; totalBudget?: Money | null | undefined; productBids?: Record<string, Money> | undefined }): void {
    const all: Array<[string, Money | null | undefined]> = [['bid', input.bid], ['dailyBudget', input.dailyBudget], ['totalBudget', input.totalBudget],
      ...Object.entries(input.productBids ?? {}).map(([k, v]): [string, Money] => [`productBids.${k}`, v])];
    for (const [field, m] of all) {
      if (m && m.currency !== settings.currency) throw errors.CURRENCY_MISMATCH({ field, currency: m.currency, expected: settings.currency });
    }
  }

  /** The whole campaign makes sense: sane amounts and dates, and products of the brand that exist. */
  private async check(r: CampaignRow, brand: string, settings: AdsSettings): Promise<void> {
    const products = parseJson<string[]>(r.products, []);
    const bids = parseJson<Record<string, number>>(r.product_bids, {});
    const maxBid = Math.max(Number(r.bid), ...Object.values(bids));
    for (const [field, amount] of [['bid', Number(r.bid)], ...Object.entries(bids).map(([k, v]) => [`productBids.${k}`, v] as const)] as const) {
      if (amount < settings.reservePrice) throw errors.CAMPAIGN_INVALID({ why: `${field} ${amount} is below the project's reserve price of ${settings.reservePrice}: it could never win` });
    }
    const stray = Object.keys(bids).filter((k) => !products.includes(k));
    if (stray.length > 0) throw errors.CAMPAIGN_INVALID({ why: `productBids names ${stray.slice(0, 3).join(', ')}, which the campaign does not promote; add them to products` });
    if (Number(r.daily_budget) < maxBid) throw errors.CAMPAIGN_INVALID({ why: `the daily budget ${r.daily_budget} is less than one click at the highest bid (${maxBid}); raise it or lower the bid` });
    if (r.total_budget !== null && Number(r.total_budget) < maxBid) throw errors.CAMPAIGN_INVALID({ why: `the total budget ${r.total_budget} is less than one click at the highest bid (${maxBid})` });
    if (r.end_time !== null && r.end_time <= r.start_time) throw errors.CAMPAIGN_INVALID({ why: `endTime ${r.end_time} is not after startTime ${r.start_time}` });
    const found = new Map((await this.d.catalog.items.getMany(r.project, products)).map((i) => [i.id, i]));
    const missing = products.filter((p) => !found.has(p));
    if (missing.length > 0) throw errors.PRODUCT_NOT_ELIGIBLE({ why: `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} not in the catalogue` });
    const foreign = products.filter((p) => found.get(p)!.brand !== brand);
    if (foreign.length > 0) {
      const first = found.get(foreign[0]!)!;
      throw errors.PRODUCT_NOT_ELIGIBLE({ why: `${foreign[0]} is a ${first.brand || '(no brand)'} product, not ${brand}${foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : ''}` });
    }
  }
}

function amounts(bids: Record<string, Money> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(bids ?? {}).map(([k, v]) => [k, v.amount]));
}

/** Stored as UTC with milliseconds, so text order is time order. */
function normalise(t: string | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString();
}
