import { sql, type Kysely, type Transaction } from 'kysely';
import type { Store } from '../platform/index.js';
import type { AdsTables, AdvertiserRow, CampaignRow, InteractionRow, LedgerRow, SettingsRow } from './tables.js';

export type AdsDb = Kysely<AdsTables> | Transaction<AdsTables>;

/** Data access for the ads module; every query takes the project. */
export class AdsStore {
  readonly db: Kysely<AdsTables>;
  constructor(store: Store) {
    this.db = store.typed<AdsTables>();
  }

  settings(project: string): Promise<SettingsRow | undefined> {
    return this.db.selectFrom('ads_settings').selectAll().where('project', '=', project).executeTakeFirst();
  }
  async putSettings(row: SettingsRow, db: AdsDb = this.db): Promise<void> {
    const { project: _p, ...set } = row;
    await db.insertInto('ads_settings').values(row).onConflict((oc) => oc.column('project').doUpdateSet(set)).execute();
  }

  /** False when the id is taken. */
  async insertAdvertiser(row: AdvertiserRow, db: AdsDb): Promise<boolean> {
    const r = await db.insertInto('advertisers').values(row).onConflict((oc) => oc.columns(['project', 'id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  advertiser(project: string, id: string, db: AdsDb = this.db): Promise<AdvertiserRow | undefined> {
    return db.selectFrom('advertisers').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
  }
  advertisers(project: string, limit: number, after?: string): Promise<AdvertiserRow[]> {
    let q = this.db.selectFrom('advertisers').selectAll().where('project', '=', project).orderBy('id').limit(limit);
    if (after !== undefined) q = q.where('id', '>', after);
    return q.execute();
  }
  async updateAdvertiser(project: string, id: string, set: Partial<AdvertiserRow>): Promise<void> {
    await this.db.updateTable('advertisers').set(set).where('project', '=', project).where('id', '=', id).execute();
  }
  async deleteAdvertiser(project: string, id: string, db: AdsDb): Promise<boolean> {
    const r = await db.deleteFrom('advertisers').where('project', '=', project).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async insertCampaign(row: CampaignRow, db: AdsDb): Promise<boolean> {
    const r = await db.insertInto('campaigns').values(row).onConflict((oc) => oc.columns(['project', 'id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  campaign(project: string, id: string): Promise<CampaignRow | undefined> {
    return this.db.selectFrom('campaigns').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
  }
  campaignsOf(project: string, advertiser: string, limit: number, after?: string, db: AdsDb = this.db): Promise<CampaignRow[]> {
    let q = db.selectFrom('campaigns').selectAll().where('project', '=', project).where('advertiser', '=', advertiser).orderBy('id').limit(limit);
    if (after !== undefined) q = q.where('id', '>', after);
    return q.execute();
  }
  /** Every campaign that may take part in an auction: active now or later (ended ones are left out). */
  liveCampaigns(project: string, now: string): Promise<CampaignRow[]> {
    return this.db.selectFrom('campaigns').selectAll().where('project', '=', project).where('status', '=', 'active')
      .where((eb) => eb.or([eb('end_time', 'is', null), eb('end_time', '>', now)])).execute();
  }
  async updateCampaign(project: string, id: string, set: Partial<CampaignRow>, db: AdsDb = this.db): Promise<boolean> {
    const r = await db.updateTable('campaigns').set(set).where('project', '=', project).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteCampaign(project: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('campaigns').where('project', '=', project).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** False when the event was processed before (its id is taken). */
  async insertInteraction(row: InteractionRow, db: AdsDb): Promise<boolean> {
    const r = await db.insertInto('ads_interactions').values(row).onConflict((oc) => oc.columns(['project', 'event_id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  /** Inserts many at once; returns the event ids that were new (resent ones are skipped). */
  async insertInteractions(rows: InteractionRow[], db: AdsDb): Promise<Set<string>> {
    const fresh = new Set<string>();
    for (let i = 0; i < rows.length; i += 500) {
      const out = await db.insertInto('ads_interactions').values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['project', 'event_id']).doNothing()).returning('event_id').execute();
      for (const r of out) fresh.add(r.event_id);
    }
    return fresh;
  }
  async hasImpression(project: string, resolvedBidId: string, db: AdsDb): Promise<boolean> {
    const r = await db.selectFrom('ads_interactions').select('event_id').where('project', '=', project).where('resolved_bid_id', '=', resolvedBidId)
      .where('type', '=', 'impression').where('status', '=', 'valid').limit(1).executeTakeFirst();
    return r !== undefined;
  }
  async addStats(project: string, item: string, impressions: number, clicks: number, db: AdsDb): Promise<void> {
    await db.insertInto('ads_item_stats').values({ project, item, impressions, clicks }).onConflict((oc) => oc.columns(['project', 'item']).doUpdateSet({
      impressions: sql`ads_item_stats.impressions + ${impressions}`, clicks: sql`ads_item_stats.clicks + ${clicks}`,
    })).execute();
  }
  stats(project: string): Promise<Array<{ item: string; impressions: number; clicks: number }>> {
    return this.db.selectFrom('ads_item_stats').select(['item', 'impressions', 'clicks']).where('project', '=', project).execute();
  }

  /** False when the charge key was charged before (a second click on the same winner by the same visitor). */
  async insertCharge(row: LedgerRow, db: AdsDb): Promise<boolean> {
    const r = await db.insertInto('ads_ledger').values(row).onConflict((oc) => oc.columns(['project', 'charge_key']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  /** Whether the project ever charged a click: purchases in a project without ads need no attribution. */
  async hasCharges(project: string): Promise<boolean> {
    return (await this.db.selectFrom('ads_ledger').select('id').where('project', '=', project).where('kind', '=', 'click').limit(1).executeTakeFirst()) !== undefined;
  }
  async charged(project: string, chargeKey: string, db: AdsDb): Promise<boolean> {
    return (await db.selectFrom('ads_ledger').select('id').where('project', '=', project).where('charge_key', '=', chargeKey).executeTakeFirst()) !== undefined;
  }
  /** What the ledger charged a campaign for clicks, on one budget day or (without `day`) ever. */
  async spent(project: string, campaign: string, day?: string): Promise<number> {
    // Charges only: attribution rows carry revenue, not spend.
    let q = this.db.selectFrom('ads_ledger').select((eb) => eb.fn.sum<number | string | null>('amount').as('total')).where('project', '=', project).where('campaign', '=', campaign).where('kind', '=', 'click');
    if (day !== undefined) q = q.where('day', '=', day);
    const r = await q.executeTakeFirst();
    return Number(r?.total ?? 0);
  }
  /** Campaigns' click charges on one budget day and ever, in one query. */
  async spentByCampaign(project: string, campaigns: readonly string[], day: string): Promise<Map<string, { today: number; total: number }>> {
    const out = new Map(campaigns.map((c) => [c, { today: 0, total: 0 }]));
    if (campaigns.length === 0) return out;
    const rows = await this.db.selectFrom('ads_ledger')
      .select((eb) => ['campaign', eb.fn.sum<number | string>('amount').as('total'), eb.fn.sum<number | string>(eb.case().when('day', '=', day).then(eb.ref('amount')).else(0).end()).as('today')])
      .where('project', '=', project).where('kind', '=', 'click').where('campaign', 'in', campaigns).groupBy('campaign').execute();
    for (const r of rows) out.set(r.campaign, { today: Number(r.today), total: Number(r.total) });
    return out;
  }
  ledger(project: string, campaign?: string): Promise<LedgerRow[]> {
    let q = this.db.selectFrom('ads_ledger').selectAll().where('project', '=', project).orderBy('time').orderBy('id');
    if (campaign !== undefined) q = q.where('campaign', '=', campaign);
    return q.execute();
  }
  interactions(project: string, campaign: string): Promise<InteractionRow[]> {
    return this.db.selectFrom('ads_interactions').selectAll().where('project', '=', project).where('campaign', '=', campaign).orderBy('event_time').execute();
  }

  /**
   * An advertiser's interactions from `since` to `until` (ISO times), counted
   * in the store per campaign, type, status, whether charged, and quarter of
   * an hour (UTC): a report over a year reads counts, not every impression.
   */
  async interactionCounts(project: string, advertiser: string, since: string, until: string, campaign?: string): Promise<InteractionCount[]> {
    const { hour, quarter } = quarterOf('event_time');
    const charged = sql<number>`case when charged > 0 then 1 else 0 end`;
    let q = this.db.selectFrom('ads_interactions')
      .select((eb) => ['campaign', 'type', 'status', charged.as('billed'), hour.as('hr'), quarter.as('qtr'), eb.fn.countAll<number | string>().as('n')])
      .where('project', '=', project).where('advertiser', '=', advertiser).where('event_time', '>=', since).where('event_time', '<', until);
    if (campaign !== undefined) q = q.where('campaign', '=', campaign);
    const rows = await q.groupBy(['campaign', 'type', 'status', charged, hour, quarter]).execute();
    return rows.map((r) => ({ campaign: r.campaign, type: r.type, status: r.status, charged: Number(r.billed) === 1, n: Number(r.n), start: quarterStart(r.hr, r.qtr) }));
  }
  /** An advertiser's charged clicks of budget days from `from` to `to`, both included, summed per campaign, budget day and UTC quarter hour. */
  async clickSpend(project: string, advertiser: string, from: string, to: string, campaign?: string): Promise<ClickSpend[]> {
    const { hour, quarter } = quarterOf('time');
    let q = this.db.selectFrom('ads_ledger')
      .select((eb) => ['campaign', 'day', hour.as('hr'), quarter.as('qtr'), eb.fn.sum<number | string>('amount').as('amount')])
      .where('project', '=', project).where('advertiser', '=', advertiser).where('kind', '=', 'click').where('day', '>=', from).where('day', '<=', to);
    if (campaign !== undefined) q = q.where('campaign', '=', campaign);
    const rows = await q.groupBy(['campaign', 'day', hour, quarter]).execute();
    return rows.map((r) => ({ campaign: r.campaign, day: r.day, start: quarterStart(r.hr, r.qtr), amount: Number(r.amount) }));
  }
  /**
   * An advertiser's attribution and halo rows of budget days from `from` to
   * `to`, one by one: a report counts orders as distinct purchase events
   * across its groups. They are a purchase's lines, far fewer than clicks.
   */
  creditsOf(project: string, advertiser: string, from: string, to: string, campaign?: string): Promise<LedgerRow[]> {
    let q = this.db.selectFrom('ads_ledger').selectAll().where('project', '=', project).where('advertiser', '=', advertiser).where('kind', '!=', 'click').where('day', '>=', from).where('day', '<=', to);
    if (campaign !== undefined) q = q.where('campaign', '=', campaign);
    return q.execute();
  }

  async countCampaigns(project: string, advertiser: string, db: AdsDb): Promise<number> {
    const r = await db.selectFrom('campaigns').select((eb) => eb.fn.countAll<number | string>().as('n')).where('project', '=', project).where('advertiser', '=', advertiser).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async deleteProject(project: string, db: AdsDb): Promise<void> {
    for (const t of ['ads_settings', 'advertisers', 'campaigns', 'ads_interactions', 'ads_ledger', 'ads_item_stats'] as const) {
      await db.deleteFrom(t).where('project', '=', project).execute();
    }
  }
}

/** How many interactions of one kind fell in one quarter hour (`start`, epoch ms). */
export interface InteractionCount {
  campaign: string | null;
  type: string;
  status: string;
  charged: boolean;
  start: number;
  n: number;
}

/** Spend on charged clicks in one quarter hour (`start`, epoch ms) of one budget day. */
export interface ClickSpend {
  campaign: string;
  day: string;
  start: number;
  amount: number;
}

/**
 * The UTC hour (`2026-12-06T14`) and quarter of it (0-3) of an ISO time
 * column (always toISOString()'s shape). Every time zone's offset is a whole
 * number of quarter hours, so a quarter falls in one local day and hour
 * wherever the project is.
 */
function quarterOf(column: 'event_time' | 'time') {
  return { hour: sql<string>`substr(${sql.ref(column)}, 1, 13)`, quarter: sql<number>`cast(substr(${sql.ref(column)}, 15, 2) as integer) / 15` };
}

function quarterStart(hour: string, quarter: number | string): number {
  return Date.parse(`${hour}:${String(Number(quarter) * 15).padStart(2, '0')}:00.000Z`);
}
