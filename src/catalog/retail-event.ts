import { createHash } from 'node:crypto';
import { PlatformErrors } from '../platform/index.js';
import { minorDigits } from './money.js';
import { EVENT_TYPES } from './schemas.js';

/**
 * Google Retail API `UserEvent` JSON, accepted on `userEvents:write` beside
 * Rouge's own shape so a storefront tagged for Retail needs no rewrite. An
 * event is read as Retail's when it has `eventType` and no `type`.
 */

/** Retail event types Rouge maps, and what each becomes. */
export const RETAIL_TYPES: Readonly<Record<string, (typeof EVENT_TYPES)[number]>> = {
  'detail-page-view': 'view',
  'add-to-cart': 'add_to_cart',
  'purchase-complete': 'purchase',
  search: 'search',
  'home-page-view': 'page_view',
  'category-page-view': 'page_view',
};

/** Retail fields Rouge reads, and those it accepts and does not keep (page URIs, experiment ids...). */
const READ = new Set(['eventType', 'visitorId', 'eventTime', 'userInfo', 'productDetails', 'purchaseTransaction', 'attributionToken', 'searchQuery', 'pageCategories']);
// Retail's own sessionId is ignored: visitorId is the browser's id, which is what Rouge's sessionId holds.
const IGNORED = new Set(['sessionId', 'uri', 'referrerUri', 'pageViewId', 'experimentIds', 'attributes', 'cartId', 'filter', 'orderBy', 'offset', 'entity', 'completionDetail', 'pageCategory']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a written event is in Retail's shape. */
export function isRetailEvent(value: unknown): value is Json {
  return isObject(value) && 'eventType' in value && !('type' in value);
}


function bad(field: string, message: string): never {
  throw PlatformErrors.INVALID_FIELD({ message }, { fieldViolations: [{ field, description: message }] });
}

/** A price in major units (Retail's `19.99`) as integer minor units of its currency. */
function toMinor(amount: unknown, currency: unknown, field: string): { amount: number; currency: string } {
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) bad(`${field}.currencyCode`, `needs an ISO 4217 currencyCode such as EUR or INR beside the amount; got ${JSON.stringify(currency)}`);
  const digits = minorDigits(currency);
  if (digits === undefined) bad(`${field}.currencyCode`, `${currency} is not an ISO 4217 currency code`);
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) bad(field, `must be a number of ${currency} at or above 0, in major units (19.99); got ${JSON.stringify(amount)}`);
  return { amount: Math.round(amount * 10 ** digits), currency };
}

/**
 * Maps a Retail `UserEvent` to Rouge's event shape, which is then validated
 * as any event is. `field(name)` names a field for error messages. Retail
 * events carry no id, so the id is a digest of the event as sent: a resent
 * event is stored once. Without an `eventTime` (Retail then uses the time it
 * arrives) the arrival time is part of the digest, so two such events are
 * never merged.
 */
export function fromRetailEvent(e: Json, field: (name: string) => string, now: number): Json {
  for (const key of Object.keys(e)) {
    if (!READ.has(key) && !IGNORED.has(key)) bad(field(key), `${key} is not a field of Retail's UserEvent or of Rouge's event; remove it`);
  }
  const type = RETAIL_TYPES[String(e.eventType)];
  if (!type) {
    bad(field('eventType'), `eventType ${JSON.stringify(e.eventType)} is not one Rouge accepts; use one of ${Object.keys(RETAIL_TYPES).join(', ')} (Retail's), or send Rouge's own \`type\` (${EVENT_TYPES.join(', ')})`);
  }
  const eventTime = e.eventTime ?? new Date(now).toISOString();
  const out: Json = {
    eventId: `retail-${createHash('sha256').update(JSON.stringify(e)).update(e.eventTime === undefined ? eventTime as string : '').digest('base64url').slice(0, 32)}`,
    type,
    eventTime,
  };
  if (e.visitorId !== undefined) out.sessionId = e.visitorId;
  const userInfo = e.userInfo;
  if (userInfo !== undefined) {
    if (!isObject(userInfo)) bad(field('userInfo'), 'must be an object such as {"userId": "u1"}');
    if (userInfo.userId !== undefined) out.userId = userInfo.userId;
  }
  if (e.searchQuery !== undefined) out.query = e.searchQuery;
  if (e.pageCategories !== undefined) out.pageCategories = e.pageCategories;
  if (e.attributionToken !== undefined) out.recommendationId = e.attributionToken;
  if (e.productDetails !== undefined) {
    if (!Array.isArray(e.productDetails)) bad(field('productDetails'), 'must be a list of {"product": {"id": ...}, "quantity": n}');
    const ids: unknown[] = [];
    const lines: Json[] = [];
    e.productDetails.forEach((d: unknown, i) => {
      const f = field(`productDetails[${i}]`);
      if (!isObject(d) || !isObject(d.product)) bad(f, 'must be {"product": {"id": ...}, "quantity": n}');
      const product = d.product as Json;
      ids.push(product.id);
      const priceInfo = product.priceInfo;
      if (d.quantity === undefined && priceInfo === undefined) return;
      const line: Json = { id: product.id, quantity: d.quantity ?? 1 };
      if (priceInfo !== undefined) {
        if (!isObject(priceInfo)) bad(`${f}.product.priceInfo`, 'must be {"price": 19.99, "currencyCode": "EUR"}');
        line.price = toMinor(priceInfo.price, priceInfo.currencyCode, `${f}.product.priceInfo.price`);
      }
      lines.push(line);
    });
    out.itemIds = ids;
    if (lines.length > 0) out.lineItems = lines;
  }
  const tx = e.purchaseTransaction;
  if (tx !== undefined) {
    if (!isObject(tx)) bad(field('purchaseTransaction'), 'must be {"revenue": 42.5, "currencyCode": "EUR"}');
    out.value = toMinor(tx.revenue, tx.currencyCode, field('purchaseTransaction.revenue'));
  }
  return out;
}
