import type { Static } from 'typebox';
import { isCurrency } from '../catalog/index.js';
import { nowIso, type ProjectHold } from '../platform/index.js';
import * as errors from './errors.js';
import type * as S from './schemas.js';
import type { AdsStore } from './store.js';
import type { SettingsRow } from './tables.js';

export type SettingsInput = Static<typeof S.SettingsBody>;

/** A project's ads settings as the auction uses them. */
export interface AdsSettings {
  currency: string;
  reservePrice: number;
  auctionType: 'second_price' | 'first_price';
  attributionWindowDays: number;
}

/** What a project runs on before anyone sets anything: Topsort's defaults, in US dollars. */
export const DEFAULT_SETTINGS: AdsSettings = { currency: 'USD', reservePrice: 1, auctionType: 'second_price', attributionWindowDays: 7 };

function fromRow(r: SettingsRow | undefined): AdsSettings {
  if (!r) return DEFAULT_SETTINGS;
  return { currency: r.currency, reservePrice: Number(r.reserve_price), auctionType: r.auction_type as AdsSettings['auctionType'], attributionWindowDays: r.attribution_window_days };
}

/** `/v1/projects/{p}/adsSettings`: one resource per project, read with defaults, changed by PATCH. */
export class SettingsService {
  constructor(private readonly store: AdsStore, private readonly hold: ProjectHold, private readonly hasCampaigns: (project: string) => Promise<boolean>, private readonly changed: (project: string) => Promise<void>) {}

  async get(project: string): Promise<AdsSettings & { updateTime?: string }> {
    const r = await this.store.settings(project);
    return { ...fromRow(r), ...(r ? { updateTime: r.update_time } : {}) };
  }

  /** Sets the given fields; the currency is fixed once a campaign exists, since every amount is in it. */
  async update(project: string, input: SettingsInput): Promise<AdsSettings & { updateTime?: string }> {
    const current = await this.get(project);
    const next: AdsSettings = {
      currency: input.currency ?? current.currency, reservePrice: input.reservePrice ?? current.reservePrice,
      auctionType: input.auctionType ?? current.auctionType, attributionWindowDays: input.attributionWindowDays ?? current.attributionWindowDays,
    };
    if (next.currency !== current.currency && (await this.hasCampaigns(project))) {
      throw errors.SETTINGS_INVALID({ why: `the currency cannot change from ${current.currency} to ${next.currency} while campaigns exist (their bids and budgets are in ${current.currency})` });
    }
    if (!isCurrency(next.currency)) throw errors.SETTINGS_INVALID({ why: `${next.currency} is not an ISO 4217 currency` });
    const row: SettingsRow = { project, currency: next.currency, reserve_price: next.reservePrice, auction_type: next.auctionType, attribution_window_days: next.attributionWindowDays, update_time: nowIso() };
    await this.store.db.transaction().execute(async (trx) => {
      await this.hold(project, trx);
      await this.store.putSettings(row, trx);
    });
    await this.changed(project);
    return { ...next, updateTime: row.update_time };
  }
}

/** The resource view. */
export function settingsView(project: string, s: AdsSettings & { updateTime?: string }): Static<typeof S.Settings> {
  return { name: `projects/${project}/adsSettings`, ...s };
}
