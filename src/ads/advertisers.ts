import type { Static } from 'typebox';
import { cutPage, nowIso, type PageRequest, type ProjectHold } from '../platform/index.js';
import * as errors from './errors.js';
import type * as S from './schemas.js';
import type { AdsStore } from './store.js';
import type { AdvertiserRow } from './tables.js';

export type AdvertiserView = Static<typeof S.Advertiser>;
export type CreateAdvertiser = Static<typeof S.CreateAdvertiserBody>;
export type PatchAdvertiser = Static<typeof S.PatchAdvertiserBody>;

/** The permission that lets a caller set an advertiser's brand: the adsManager's, never the advertiser's own. */
export const SET_BRAND = 'ads.advertisers.setBrand';

export function advertiserView(r: AdvertiserRow): AdvertiserView {
  return { name: `projects/${r.project}/advertisers/${r.id}`, advertiserId: r.id, displayName: r.display_name, brand: r.brand, createTime: r.create_time, updateTime: r.update_time };
}

/**
 * Advertisers (brands) as resources. The brand decides which products an
 * advertiser's campaigns may promote, so only a caller holding SET_BRAND
 * changes it; an advertiser's own key may rename itself and nothing more.
 */
export class AdvertiserService {
  constructor(private readonly store: AdsStore, private readonly hold: ProjectHold, private readonly changed: (project: string) => Promise<void>) {}

  async create(project: string, input: CreateAdvertiser): Promise<AdvertiserView> {
    const now = nowIso();
    const row: AdvertiserRow = { project, id: input.name, display_name: input.displayName ?? input.name, brand: input.brand, create_time: now, update_time: now };
    await this.store.db.transaction().execute(async (trx) => {
      await this.hold(project, trx);
      if (!(await this.store.insertAdvertiser(row, trx))) throw errors.ADVERTISER_ALREADY_EXISTS({ advertiser: `projects/${project}/advertisers/${input.name}` });
    });
    return advertiserView(row);
  }

  async row(project: string, id: string): Promise<AdvertiserRow> {
    const r = await this.store.advertiser(project, id);
    if (!r) throw errors.ADVERTISER_NOT_FOUND({ advertiser: `projects/${project}/advertisers/${id}` });
    return r;
  }

  async get(project: string, id: string): Promise<AdvertiserView> {
    return advertiserView(await this.row(project, id));
  }

  async list(project: string, page: PageRequest): Promise<{ advertisers: AdvertiserView[]; nextPageToken?: string }> {
    const { items, nextPageToken } = cutPage(await this.store.advertisers(project, page.pageSize + 1, page.after?.[0]), page.pageSize, (r) => [r.id]);
    return { advertisers: items.map(advertiserView), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  /** `maySetBrand` is whether the caller holds SET_BRAND; a brand change without it is BRAND_SET_BY_MANAGER. */
  async update(project: string, id: string, patch: PatchAdvertiser, mask: string[], maySetBrand: () => Promise<boolean>): Promise<AdvertiserView> {
    const fields = mask.length > 0 ? new Set(mask) : new Set(Object.keys(patch));
    const row = await this.row(project, id);
    const set: Partial<AdvertiserRow> = { update_time: nowIso() };
    if (fields.has('displayName')) set.display_name = patch.displayName ?? id;
    if (fields.has('brand') && patch.brand !== undefined && patch.brand !== row.brand) {
      if (!(await maySetBrand())) throw errors.BRAND_SET_BY_MANAGER({ permission: SET_BRAND });
      set.brand = patch.brand;
    }
    await this.store.updateAdvertiser(project, id, set);
    if (set.brand !== undefined) await this.changed(project);
    return this.get(project, id);
  }

  /** Refused while the advertiser has campaigns: their ledger rows name it. */
  async delete(project: string, id: string): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const count = await this.store.countCampaigns(project, id, trx);
      if (count > 0) throw errors.ADVERTISER_HAS_CAMPAIGNS({ advertiser: `projects/${project}/advertisers/${id}`, count });
      if (!(await this.store.deleteAdvertiser(project, id, trx))) throw errors.ADVERTISER_NOT_FOUND({ advertiser: `projects/${project}/advertisers/${id}` });
    });
  }
}
