/**
 * Sponsored products: advertisers (brands) and their campaigns, the auction
 * that fills sponsored slots beside organic recommendations, and per-click
 * billing from the storefront's events with budgets that hold across processes.
 */
export { adsModule } from './module.js';
export type { AdsFace } from './module.js';
export type { AuctionRequest, AuctionResult, SponsoredWinner, DebugEntry } from './auction-service.js';
export type { AdsSettings } from './settings.js';
export type { AdvertiserView } from './advertisers.js';
export type { CampaignView } from './campaigns.js';
export type { LedgerRow } from './tables.js';
export { BURST_CLICKS_PER_MINUTE } from './billing.js';
export { BID_TOKEN_TTL_MS } from './bid-token.js';
export * as AdsErrors from './errors.js';
