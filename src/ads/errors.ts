import { defineError } from '../platform/index.js';

export const ADVERTISER_NOT_FOUND = defineError('ADVERTISER_NOT_FOUND', 404, 'NOT_FOUND', (p: { advertiser: string }) =>
  `Advertiser ${p.advertiser} does not exist; list advertisers with GET /v1/projects/{project}/advertisers (rouge ads advertisers list).`);
export const ADVERTISER_ALREADY_EXISTS = defineError('ADVERTISER_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { advertiser: string }) =>
  `Advertiser ${p.advertiser} already exists; PATCH it to change its name or brand.`);
export const ADVERTISER_HAS_CAMPAIGNS = defineError('ADVERTISER_HAS_CAMPAIGNS', 409, 'FAILED_PRECONDITION', (p: { advertiser: string; count: number }) =>
  `Advertiser ${p.advertiser} still has ${p.count} campaign(s); delete them first, or pause them to keep their history.`);
export const BRAND_SET_BY_MANAGER = defineError('BRAND_SET_BY_MANAGER', 403, 'PERMISSION_DENIED', (p: { permission: string }) =>
  `Only an ads manager sets an advertiser's brand (it decides which products the advertiser may promote); this caller lacks ${p.permission}. Ask someone with the adsManager role.`);
export const CAMPAIGN_NOT_FOUND = defineError('CAMPAIGN_NOT_FOUND', 404, 'NOT_FOUND', (p: { campaign: string }) =>
  `Campaign ${p.campaign} does not exist; list the advertiser's campaigns with GET .../advertisers/{advertiser}/campaigns.`);
export const CAMPAIGN_ALREADY_EXISTS = defineError('CAMPAIGN_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { campaign: string }) =>
  `Campaign ${p.campaign} already exists in this project; choose another name, or PATCH the existing campaign.`);
export const CAMPAIGN_INVALID = defineError('CAMPAIGN_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The campaign cannot be used: ${p.why}.`);
export const PRODUCT_NOT_ELIGIBLE = defineError('PRODUCT_NOT_ELIGIBLE', 400, 'FAILED_PRECONDITION', (p: { why: string }) =>
  `A campaign promotes only catalogue products of its advertiser's brand: ${p.why}.`);
export const CURRENCY_MISMATCH = defineError('CURRENCY_MISMATCH', 400, 'INVALID_ARGUMENT', (p: { field: string; currency: string; expected: string }) =>
  `${p.field} is in ${p.currency}, but the project's ads run in ${p.expected}; give every amount in ${p.expected} (or change adsSettings.currency before the first campaign).`);
export const SETTINGS_INVALID = defineError('SETTINGS_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The ads settings cannot be used: ${p.why}.`);
export const AUCTION_INPUT_INVALID = defineError('AUCTION_INPUT_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The auction request cannot be run: ${p.why}.`);
export const BUDGET_COUNTERS_BUSY = defineError('BUDGET_COUNTERS_BUSY', 503, 'UNAVAILABLE', (p: { campaign: string }) =>
  `The spend counters of campaign ${p.campaign} are being rebuilt from the ledger; retry the write in a second (it is idempotent by eventId).`);
export const REPORT_INVALID = defineError('REPORT_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The report cannot be made: ${p.why}.`);
