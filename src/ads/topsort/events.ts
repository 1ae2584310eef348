import { minorDigits, type CatalogFace, type UserEvent } from '../../catalog/index.js';
import { RougeError } from '../../platform/index.js';
import { invalid } from './errors.js';
import { isObject, list, onlyFields, text, time } from './shapes.js';

/** Most events of one kind in one call, as at Topsort. */
export const MAX_PER_KIND = 50;
const INTERACTION = ['id', 'occurredAt', 'opaqueUserId', 'resolvedBidId', 'entity', 'placement', 'additionalAttribution', 'page', 'object', 'externalCampaignId', 'externalVendorId', 'deviceType', 'channel'];
const KINDS = { impressions: 'impression', clicks: 'click', purchases: 'purchase', pageviews: 'page_view' } as const;


/**
 * Writes a Topsort `POST /v2/events` body as Rouge user events, in one
 * `userEvents:write` batch (so billing and attribution see them as any
 * event): impressions and clicks keep their `resolvedBidId` (or `entity`,
 * for organic ones), purchases become line items in the project's ads
 * currency, `opaqueUserId` is the user. Each event's `id` is its eventId, so
 * a resent call is stored once.
 */
export async function writeTopsortEvents(catalog: CatalogFace, project: string, currency: string, body: unknown): Promise<void> {
  if (!isObject(body) || Object.keys(body).length === 0) throw invalid('empty_request', 'the body must hold at least one of impressions, clicks, purchases and pageviews');
  onlyFields(body, Object.keys(KINDS), 'body');
  const events: UserEvent[] = [];
  // Topsort's prices are in major units of the project's currency.
  const digits = minorDigits(currency) ?? 2;
  for (const [kind, type] of Object.entries(KINDS) as Array<[keyof typeof KINDS, UserEvent['type']]>) {
    if (body[kind] === undefined) continue;
    list(body[kind], kind, 1, MAX_PER_KIND).forEach((raw, i) => {
      const where = `${kind}[${i}]`;
      if (!isObject(raw)) throw invalid('bad_request', `${where} must be an object`);
      if (type === 'purchase') onlyFields(raw, ['id', 'occurredAt', 'opaqueUserId', 'items', 'deviceType', 'channel'], where);
      else if (type === 'page_view') onlyFields(raw, ['id', 'occurredAt', 'opaqueUserId', 'page', 'deviceType', 'channel'], where);
      else onlyFields(raw, type === 'click' ? [...INTERACTION, 'clickType'] : INTERACTION, where);
      const e: UserEvent = {
        eventId: text(raw.id, `${where}.id`, 'bad_request', 128), type, userId: text(raw.opaqueUserId, `${where}.opaqueUserId`, 'missing_session', 256),
        eventTime: time(raw.occurredAt, `${where}.occurredAt`),
      };
      if (type === 'impression' || type === 'click') {
        if (raw.resolvedBidId !== undefined) e.resolvedBidId = text(raw.resolvedBidId, `${where}.resolvedBidId`, 'bad_request', 512);
        else if (isObject(raw.entity) && raw.entity.type === 'product') e.itemIds = [text(raw.entity.id, `${where}.entity.id`, 'missing_product_id', 128)];
        else throw invalid('bad_request', `${where} needs a resolvedBidId (a sponsored winner) or an entity {"type": "product", "id"} (an organic product)`);
      }
      if (type === 'purchase') {
        const items = list(raw.items, `${where}.items`, 1, 200, 'no_purchase_items');
        e.lineItems = items.map((it, j) => {
          const w = `${where}.items[${j}]`;
          if (!isObject(it)) throw invalid('bad_request', `${w} must be an object`);
          onlyFields(it, ['productId', 'quantity', 'unitPrice', 'vendorId'], w);
          const quantity = it.quantity ?? 1;
          if (!Number.isInteger(quantity) || (quantity as number) <= 0) throw invalid('purchase_item_quantity_less_or_equal_than_zero', `${w}.quantity must be a whole number of at least 1`);
          if (typeof it.unitPrice !== 'number' || !(it.unitPrice > 0)) throw invalid('bad_request', `${w}.unitPrice must be a price above 0 in ${currency}, in major units (12.95)`);
          return { id: text(it.productId, `${w}.productId`, 'missing_product_id', 128), quantity: quantity as number, price: { amount: Math.round(it.unitPrice * 10 ** digits), currency } };
        });
        e.itemIds = e.lineItems.map((l) => l.id);
        e.value = { amount: e.lineItems.reduce((n, l) => n + l.price!.amount * l.quantity, 0), currency };
      }
      events.push(e);
    });
  }
  try {
    await catalog.events.write(project, events);
  } catch (err) {
    // Rouge's own checks (an item id it cannot store, a time in the future) in Topsort's shape.
    if (err instanceof RougeError && err.httpStatus === 400) throw invalid('bad_request', err.message);
    throw err;
  }
}
