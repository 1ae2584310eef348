import type { Kysely, Migration } from 'kysely';

/** Sponsored products: settings, advertisers, campaigns, what shoppers did with the ads, and the money. */
export interface AdsTables {
  ads_settings: {
    project: string;
    currency: string;
    reserve_price: number;
    auction_type: string;
    attribution_window_days: number;
    update_time: string;
  };
  advertisers: {
    project: string;
    id: string;
    display_name: string;
    brand: string;
    create_time: string;
    update_time: string;
  };
  campaigns: {
    project: string;
    /** Unique in the project: a resolvedBidId names the campaign alone. */
    id: string;
    advertiser: string;
    display_name: string;
    /** JSON array of item ids. */
    products: string;
    bid: number;
    /** JSON of `{itemId: amount}`: bids that replace `bid` for some products. */
    product_bids: string;
    daily_budget: number;
    total_budget: number | null;
    pacing: string;
    start_time: string;
    end_time: string | null;
    status: string;
    /** Why the campaign paused itself (`total_budget_spent`), or null. */
    status_reason: string | null;
    create_time: string;
    update_time: string;
  };
  /** One row per impression, click or purchase event about a sponsored product: idempotent by event id. */
  ads_interactions: {
    project: string;
    event_id: string;
    type: string;
    resolved_bid_id: string | null;
    campaign: string | null;
    advertiser: string | null;
    item: string | null;
    /** The user, else `session:<id>`. */
    unit: string;
    event_time: string;
    /** `valid`, or why the event was not counted: `forged`, `expired`, `no_impression`, `burst`, `duplicate_click`, `budget_spent`. */
    status: string;
    /** What the click was charged (0 when it was not). */
    charged: number;
  };
  /** Every charge: one row per charged click; spend counters are rebuilt from it. */
  ads_ledger: {
    project: string;
    id: string;
    kind: string;
    campaign: string;
    advertiser: string;
    item: string;
    amount: number;
    currency: string;
    /** The budget day in the project's time zone: `2026-12-06`. */
    day: string;
    time: string;
    event_id: string;
    resolved_bid_id: string;
    /** A digest of resolvedBidId and visitor: a click is charged once per user per session per winner; `attr:<event>:<line>` for an attribution. */
    charge_key: string;
    /** For an attribution: the id of the charged click's row it credits. */
    source: string | null;
  };
  /** Impressions and valid clicks per product, the observed half of an ad's quality. */
  ads_item_stats: {
    project: string;
    item: string;
    impressions: number;
    clicks: number;
  };
}

export type SettingsRow = AdsTables['ads_settings'];
export type AdvertiserRow = AdsTables['advertisers'];
export type CampaignRow = AdsTables['campaigns'];
export type InteractionRow = AdsTables['ads_interactions'];
export type LedgerRow = AdsTables['ads_ledger'];

export const adsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('ads_settings')
      .addColumn('project', 'text', (c) => c.primaryKey())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('reserve_price', 'bigint', (c) => c.notNull())
      .addColumn('auction_type', 'text', (c) => c.notNull())
      .addColumn('attribution_window_days', 'integer', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('advertisers')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('brand', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('advertisers_pk', ['project', 'id'])
      .execute();
    await db.schema.createTable('campaigns')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('advertiser', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('products', 'text', (c) => c.notNull())
      .addColumn('bid', 'bigint', (c) => c.notNull())
      .addColumn('product_bids', 'text', (c) => c.notNull())
      .addColumn('daily_budget', 'bigint', (c) => c.notNull())
      .addColumn('total_budget', 'bigint')
      .addColumn('pacing', 'text', (c) => c.notNull())
      .addColumn('start_time', 'text', (c) => c.notNull())
      .addColumn('end_time', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text')
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('campaigns_pk', ['project', 'id'])
      .execute();
    await db.schema.createIndex('campaigns_advertiser').on('campaigns').columns(['project', 'advertiser', 'id']).execute();
    await db.schema.createTable('ads_interactions')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('resolved_bid_id', 'text')
      .addColumn('campaign', 'text')
      .addColumn('advertiser', 'text')
      .addColumn('item', 'text')
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('event_time', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('charged', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ads_interactions_pk', ['project', 'event_id'])
      .execute();
    await db.schema.createIndex('ads_interactions_bid').on('ads_interactions').columns(['project', 'resolved_bid_id', 'type']).execute();
    await db.schema.createIndex('ads_interactions_campaign').on('ads_interactions').columns(['project', 'campaign', 'event_time']).execute();
    await db.schema.createTable('ads_ledger')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('campaign', 'text', (c) => c.notNull())
      .addColumn('advertiser', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('resolved_bid_id', 'text', (c) => c.notNull())
      .addColumn('charge_key', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('ads_ledger_pk', ['project', 'id'])
      .addUniqueConstraint('ads_ledger_charge', ['project', 'charge_key'])
      .execute();
    await db.schema.createIndex('ads_ledger_campaign_day').on('ads_ledger').columns(['project', 'campaign', 'day']).execute();
    await db.schema.createTable('ads_item_stats')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('impressions', 'bigint', (c) => c.notNull())
      .addColumn('clicks', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('ads_item_stats_pk', ['project', 'item'])
      .execute();
  },
};

/** Attribution (issue #18): attributions name the click row they credit; a visitor's clicks are found by visitor and time. */
export const attributionMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('ads_ledger').addColumn('source', 'text').execute();
    await db.schema.createIndex('ads_interactions_unit').on('ads_interactions').columns(['project', 'unit', 'type', 'event_time']).execute();
    await db.schema.createIndex('ads_interactions_advertiser').on('ads_interactions').columns(['project', 'advertiser', 'event_time']).execute();
    await db.schema.createIndex('ads_ledger_advertiser_day').on('ads_ledger').columns(['project', 'advertiser', 'day']).execute();
  },
};
