import { createHash, randomUUID } from 'node:crypto';
import type { EventSink, UserEvent } from '../catalog/index.js';
import { nowIso, type Cache, type ProjectService } from '../platform/index.js';
import type { Attribution } from './attribution.js';
import type { BidClaim, BidTokens } from './bid-token.js';
import type { Budgets } from './budget.js';
import { dayPosition } from './budget-day.js';
import type { AdsSettings } from './settings.js';
import type { AdsStore } from './store.js';
import type { InteractionRow } from './tables.js';

/** More sponsored clicks than this from one visitor in a minute are a bot or a competitor: the rest are not charged. */
export const BURST_CLICKS_PER_MINUTE = 10;
const AD_EVENTS = new Set(['impression', 'click', 'purchase']);

export interface BillingDeps {
  store: AdsStore;
  cache: Cache;
  tokens: BidTokens;
  budgets: Budgets;
  projects: ProjectService;
  settings: (project: string) => Promise<AdsSettings>;
  attribution: Attribution;
  /** A campaign paused itself (its total budget is spent): every process must stop auctioning it. */
  changed: (project: string) => Promise<void>;
}

/**
 * Turns the storefront's events about sponsored products into interactions
 * and charges. Each event is processed once (its id is the interaction's
 * key); a click is charged only when its resolvedBidId is genuine and fresh,
 * the winner was shown (an impression came first), the visitor is not
 * clicking in a burst, and no click of this visitor on this winner was
 * charged before; the charge must fit the campaign's budgets, counted on the
 * cache port, and lands in the ledger in the same transaction as the interaction.
 * Purchases are then credited to the clicks that earned them (Attribution).
 */
export class Billing implements EventSink {
  readonly name = 'ads';
  constructor(private readonly d: BillingDeps) {}

  async written(project: string, events: readonly UserEvent[]): Promise<void> {
    const views: InteractionRow[] = [];
    const clicks: Array<{ e: UserEvent; row: InteractionRow; claim: BidClaim | undefined }> = [];
    for (const e of events) {
      if (e.resolvedBidId === undefined || !AD_EVENTS.has(e.type)) continue;
      const { row, claim } = this.interaction(project, e, e.resolvedBidId);
      if (e.type === 'click') clicks.push({ e, row, claim });
      else views.push(row);
    }
    // A batch's impressions are stored first, in one insert (storefronts send many), so a click
    // sent in the same batch as its impression finds it.
    if (views.length > 0) await this.recordViews(project, views);
    for (const c of clicks) await this.click(project, c.e, c.row, c.claim);
    // Purchases are attributed last, so a click sent in the same batch is credited; any purchase
    // with line items may have been earned by a click, whether or not it names a resolvedBidId.
    const purchases = events.filter((e) => e.type === 'purchase' && e.lineItems?.length);
    if (purchases.length > 0 && (await this.d.store.hasCharges(project))) {
      // No transaction: each attribution row is written once by its key, so a retry completes what a failure left.
      for (const e of purchases) await this.d.attribution.purchase(project, e, this.d.store.db);
    }
  }

  /** The event as an interaction, its resolvedBidId checked: `valid` with the claim, or the reason it is not. */
  private interaction(project: string, e: UserEvent, token: string): { row: InteractionRow; claim?: BidClaim } {
    const check = this.d.tokens.check(project, token, Date.parse(e.eventTime), Date.now());
    const row: InteractionRow = {
      project, event_id: e.eventId, type: e.type, resolved_bid_id: token, campaign: null, advertiser: null, item: null, unit: e.userId ?? `session:${e.sessionId}`,
      event_time: new Date(e.eventTime).toISOString(), status: check.ok ? 'valid' : check.reason, charged: 0,
    };
    // An expired token is genuine: its campaign is known, and reports count the click against it as invalid.
    const known = 'claim' in check ? check.claim : undefined;
    if (known) Object.assign(row, { campaign: known.campaign, advertiser: known.advertiser, item: known.item });
    return check.ok ? { row, claim: check.claim } : { row };
  }

  /** Impressions and purchases: stored once each, and new valid impressions counted per product. */
  private async recordViews(project: string, rows: InteractionRow[]): Promise<void> {
    await this.d.store.db.transaction().execute(async (trx) => {
      const fresh = await this.d.store.insertInteractions(rows, trx);
      const perItem = new Map<string, number>();
      for (const r of rows) {
        if (r.type === 'impression' && r.status === 'valid' && fresh.has(r.event_id)) perItem.set(r.item!, (perItem.get(r.item!) ?? 0) + 1);
      }
      for (const [item, n] of perItem) await this.d.store.addStats(project, item, n, 0, trx);
    });
  }

  private async click(project: string, e: UserEvent, row: InteractionRow, claim: BidClaim | undefined): Promise<void> {
    const now = Date.now();
    const token = row.resolved_bid_id!;
    const unit = row.unit;
    if (!claim) {
      // Forged or expired: recorded with the reason, never charged.
      await this.d.store.insertInteraction(row, this.d.store.db);
      return;
    }
    // A resent click was processed by its first delivery.
    if (await this.seen(project, e.eventId)) return;
    const chargeKey = createHash('sha256').update(`${token}\u0000${e.userId ?? ''}\u0000${e.sessionId ?? ''}`).digest('base64url');
    const status = await this.clickStatus(project, token, unit, chargeKey, now);
    if (status) {
      row.status = status;
      await this.d.store.insertInteraction(row, this.d.store.db);
      return;
    }
    await this.charge(project, row, claim, chargeKey, now);
  }

  /** Why a genuine click is not charged, or undefined to charge it. */
  private async clickStatus(project: string, token: string, unit: string, chargeKey: string, now: number): Promise<string | undefined> {
    const db = this.d.store.db;
    if (!(await this.d.store.hasImpression(project, token, db))) return 'no_impression';
    if (await this.d.store.charged(project, chargeKey, db)) return 'duplicate_click';
    const minute = Math.floor(now / 60_000);
    const burst = await this.d.cache.incrementCapped(`ads:clicks:${project}:${unit}:${minute}`, 1, BURST_CLICKS_PER_MINUTE, 120_000);
    if (!burst.ok) return 'burst';
    return undefined;
  }

  private async charge(project: string, row: InteractionRow, claim: BidClaim, chargeKey: string, now: number): Promise<void> {
    const campaign = await this.d.store.campaign(project, claim.campaign);
    // A campaign deleted and its name reused (by another advertiser, or later) is not the one that won.
    if (!campaign || campaign.advertiser !== claim.advertiser || Date.parse(campaign.create_time) > claim.at) {
      row.status = 'campaign_deleted';
      await this.d.store.insertInteraction(row, this.d.store.db);
      return;
    }
    const [project_, settings] = await Promise.all([this.d.projects.get(project), this.d.settings(project)]);
    const { day } = dayPosition(project_.timeZone, now);
    const total = campaign.total_budget === null ? null : Number(campaign.total_budget);
    const outcome = await this.d.budgets.charge(project, claim.campaign, day, claim.cpc, Number(campaign.daily_budget), total);
    if (!outcome.ok) {
      row.status = 'budget_spent';
      await this.d.store.insertInteraction(row, this.d.store.db);
      if (outcome.spent === 'total') await this.pause(project, claim.campaign);
      return;
    }
    let refund = true;
    try {
      await this.d.store.db.transaction().execute(async (trx) => {
        if (!(await this.d.store.insertInteraction({ ...row, charged: claim.cpc }, trx))) return;
        const charged = await this.d.store.insertCharge({
          project, id: randomUUID(), kind: 'click', campaign: claim.campaign, advertiser: claim.advertiser, item: claim.item, amount: claim.cpc,
          currency: settings.currency, day, time: nowIso(), event_id: row.event_id, resolved_bid_id: row.resolved_bid_id!, charge_key: chargeKey, source: null,
        }, trx);
        if (!charged) {
          // Another delivery of this visitor's click on this winner was charged meanwhile.
          await trx.updateTable('ads_interactions').set({ status: 'duplicate_click', charged: 0 }).where('project', '=', project).where('event_id', '=', row.event_id).execute();
          return;
        }
        await this.d.store.addStats(project, claim.item, 0, 1, trx);
        refund = false;
      });
    } finally {
      if (refund) await this.d.budgets.refund(project, claim.campaign, day, claim.cpc);
    }
    if (total !== null && outcome.totalAfter + 1 > total) await this.pause(project, claim.campaign);
  }

  private async seen(project: string, eventId: string): Promise<boolean> {
    const r = await this.d.store.db.selectFrom('ads_interactions').select('event_id').where('project', '=', project).where('event_id', '=', eventId).executeTakeFirst();
    return r !== undefined;
  }

  /** A campaign whose total budget is spent pauses itself, with the reason, and every process hears of it. */
  private async pause(project: string, campaign: string): Promise<void> {
    await this.d.store.updateCampaign(project, campaign, { status: 'paused', status_reason: 'total_budget_spent', update_time: nowIso() });
    await this.d.changed(project);
  }
}
