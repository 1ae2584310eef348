/**
 * The API's shapes these pages read, as src/placements/schemas.ts,
 * src/ads/schemas.ts and src/catalog/schemas.ts declare them.
 */

export interface Money {
  /** Integer minor units (paise, cents). */
  amount: number;
  currency: string;
}

export interface Variant {
  name: string;
  weight: number;
  model?: string;
  rerank?: Rerank | null;
}

export interface Rerank {
  endpoint: string;
  topK: number;
  budgetMs: number;
}

export interface Recommender {
  name: string;
  recommenderId: string;
  displayName: string;
  kind: 'search' | 'similar' | 'for-you' | 'trending' | 'popular' | 'bought-together' | string;
  model: string;
  rules: Record<string, unknown>;
  fields: string[];
  createTime: string;
  updateTime: string;
  rerank?: Rerank;
  experiment?: { unit: 'userId' | 'sessionId'; variants: Variant[] };
}

/** The item fields the try-out page asks for beside the id. */
export const ITEM_FIELDS = ['title', 'brand', 'categoryPath', 'imageLink', 'price'] as const;

/** What `:recommend` answers per item: the id, score and reason, and the fields asked for. */
export interface RecommendedItem {
  id: string;
  score: number;
  reason: string;
  title?: string;
  brand?: string;
  categoryPath?: string[];
  imageLink?: string;
  price?: Money;
  [field: string]: unknown;
}

export interface SponsoredItem {
  id: string;
  rank: number;
  campaignId: string;
  advertiserId: string;
  resolvedBidId: string;
  cpc: Money;
  title?: string;
  brand?: string;
  categoryPath?: string[];
  imageLink?: string;
  price?: Money;
  [field: string]: unknown;
}

export interface RecommendResult {
  items: RecommendedItem[];
  matched: boolean;
  fallback: boolean;
  notes: string[];
  modelVersion: string;
  recommendationId: string;
  variant?: string;
  sponsored?: SponsoredItem[];
  /** With `debug`: why each campaign won, lost or was ineligible. */
  adsDebug?: AuctionDebug;
}

export interface VariantReport {
  name: string;
  users: number;
  impressions: number;
  clicks: number;
  ctr: number;
  ctrInterval: [number, number];
  addToCarts: number;
  addToCartRate: number;
  conversions: number;
  conversionRate: number;
  conversionRateInterval: [number, number];
  revenue: Money;
}

export interface ExperimentReport {
  variants: VariantReport[];
  from: string;
  to: string;
  notes: string[];
}

export interface CatalogItem {
  id: string;
  title: string;
  brand: string;
  categoryPath: string[];
  price?: Money;
  imageLink?: string;
  availability: string;
}

export interface AdsSettings {
  name: string;
  currency: string;
  reservePrice: number;
  auctionType: string;
  attributionWindowDays: number;
  updateTime?: string;
}

export interface Advertiser {
  name: string;
  advertiserId: string;
  displayName: string;
  brand: string;
  createTime: string;
  updateTime: string;
}

export interface Campaign {
  name: string;
  campaignId: string;
  advertiser: string;
  displayName: string;
  products: string[];
  bid: Money;
  productBids: Record<string, Money>;
  dailyBudget: Money;
  totalBudget?: Money;
  pacing: 'even' | 'asap' | string;
  startTime: string;
  endTime?: string;
  status: 'active' | 'paused' | string;
  statusReason?: string;
  spend: { today: Money; total: Money };
  createTime: string;
  updateTime: string;
}

/** One line of an advertiser's report: a budget day or a campaign, or the totals. */
export interface ReportLine {
  day?: string;
  /** The local hour, `2026-12-06T14` (groupBy=hour). */
  hour?: string;
  campaignId?: string;
  impressions: number;
  clicks: number;
  invalidClicks: number;
  ctr: number;
  spend: Money;
  orders: number;
  revenue: Money;
  haloOrders: number;
  haloRevenue: Money;
  roas: number | null;
  roasWithHalo: number | null;
}

export interface AdsReport {
  advertiser: string;
  from: string;
  to: string;
  groupBy: 'day' | 'campaign';
  currency: string;
  rows: ReportLine[];
  totals: ReportLine;
}

export interface ProjectInfo {
  projectId: string;
  displayName?: string;
  timeZone?: string;
}

/** Why one campaign's offer on a product won, lost or was not in the auction (`debug`, for an ads manager). */
export interface AuctionDebugEntry {
  campaignId: string;
  advertiserId: string;
  itemId: string;
  outcome: 'won' | 'lost' | 'ineligible' | string;
  reason: string;
  /** Minor units. */
  bid: number;
  quality?: number;
  score?: number;
  /** Minor units. */
  cpc?: number;
}

export interface AuctionDebug {
  entries: AuctionDebugEntry[];
  considered: number;
  notes: string[];
}
