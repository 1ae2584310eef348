import type { Static } from 'typebox';
import { PlatformErrors, RougeError, validateValue, type FieldViolation } from '../platform/index.js';
import * as errors from './errors.js';
import { checkCurrency } from './items.js';
import { fromRetailEvent, isRetailEvent } from './retail-event.js';
import { EVENT_TYPES, UserEvent as UserEventSchema } from './schemas.js';
import type { EventRow } from './tables.js';

export type UserEvent = Static<typeof UserEventSchema>;

/** How far ahead of the server clock an eventTime may be: client clocks drift, but not by days. */
export const FUTURE_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * Validates one event beyond its schema: a visitor to attribute it to, a
 * time that is not in the future, a real currency. Throws the RougeError a
 * caller reports for this event (its field names start with `context`).
 */
export function checkEvent(value: unknown, context: string, now: number, schemaChecked = false): UserEvent {
  // validateValue names fields of a 'body' bare (`eventTime`); other contexts prefix them (`events[3].eventTime`).
  const f = (name: string) => (context === 'body' ? name : `${context}.${name}`);
  if (isRetailEvent(value)) value = fromRetailEvent(value, f, now);
  else checkType(value, f);
  // A route body was validated against the same schema already; a JSONL line was not.
  const e = schemaChecked ? (value as UserEvent) : validateValue<UserEvent>(UserEventSchema, value, context);
  const at = Date.parse(e.eventTime);
  if (!Number.isFinite(at)) throw errors.EVENT_TIME_IN_FUTURE({ eventTime: e.eventTime }, { fieldViolations: [{ field: f('eventTime'), description: 'not a time' }] });
  if (at > now + FUTURE_TOLERANCE_MS) throw errors.EVENT_TIME_IN_FUTURE({ eventTime: e.eventTime }, { fieldViolations: [{ field: f('eventTime'), description: 'more than an hour in the future' }] });
  if (e.userId === undefined && e.sessionId === undefined) throw errors.EVENT_WITHOUT_VISITOR(undefined, { fieldViolations: [{ field: context === 'body' ? 'userId' : context, description: 'needs userId or sessionId' }] });
  if (e.value) checkCurrency(e.value.currency, f('value.currency'));
  e.lineItems?.forEach((l, i) => {
    if (l.price) checkCurrency(l.price.currency, f(`lineItems[${i}].price.currency`));
    if (l.quantity === 0) throw PlatformErrors.INVALID_FIELD({ message: 'a line item\'s quantity is never 0: a positive number was bought, a negative number refunded' }, { fieldViolations: [{ field: f(`lineItems[${i}].quantity`), description: 'must not be 0' }] });
    if (l.quantity < 0 && e.type !== 'purchase') throw PlatformErrors.INVALID_FIELD({ message: `only a purchase refunds: a ${e.type} event's quantities are positive` }, { fieldViolations: [{ field: f(`lineItems[${i}].quantity`), description: 'must be positive outside a purchase' }] });
  });
  return e;
}

/** An unknown `type` named with the types there are (the schema alone says "must be equal to constant"). */
function checkType(value: unknown, f: (name: string) => string): void {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && !(EVENT_TYPES as readonly string[]).includes(type)) {
    const message = `type ${JSON.stringify(type.slice(0, 64))} is not an event type; use one of ${EVENT_TYPES.join(', ')} (or send Retail's UserEvent with its eventType)`;
    throw PlatformErrors.INVALID_FIELD({ message }, { fieldViolations: [{ field: f('type'), description: message }] });
  }
}

/** The field violation a rejected event contributes to a batch's error: its field, reason and message. */
export function violationOf(err: RougeError, context: string): FieldViolation {
  const field = err.fieldViolations[0]?.field ?? context;
  return { field, description: `${err.reason}: ${err.message}` };
}

export function toEventRow(project: string, e: UserEvent, ingestTime: string): EventRow {
  return {
    project,
    event_id: e.eventId,
    type: e.type,
    user_id: e.userId ?? null,
    session_id: e.sessionId ?? null,
    item_ids: JSON.stringify(e.itemIds ?? []),
    query: e.query ?? null,
    // Stored normalised to UTC with milliseconds so that text order is time order.
    event_time: new Date(e.eventTime).toISOString(),
    variant: e.variant ?? null,
    recommendation_id: e.recommendationId ?? null,
    resolved_bid_id: e.resolvedBidId ?? null,
    value_amount: e.value?.amount ?? null,
    value_currency: e.value?.currency ?? null,
    line_items: e.lineItems ? JSON.stringify(e.lineItems) : null,
    page_categories: e.pageCategories ? JSON.stringify(e.pageCategories) : null,
    ingest_time: ingestTime,
  };
}

/** An event as stored, in the API's shape (the export's lines). */
export function toUserEvent(r: EventRow): UserEvent {
  return {
    eventId: r.event_id,
    type: r.type as UserEvent['type'],
    ...(r.user_id !== null ? { userId: r.user_id } : {}),
    ...(r.session_id !== null ? { sessionId: r.session_id } : {}),
    itemIds: JSON.parse(r.item_ids) as string[],
    ...(r.query !== null ? { query: r.query } : {}),
    eventTime: r.event_time,
    ...(r.variant !== null ? { variant: r.variant } : {}),
    ...(r.recommendation_id !== null ? { recommendationId: r.recommendation_id } : {}),
    ...(r.resolved_bid_id !== null ? { resolvedBidId: r.resolved_bid_id } : {}),
    ...(r.value_amount !== null && r.value_currency !== null ? { value: { amount: Number(r.value_amount), currency: r.value_currency } } : {}),
    ...(r.line_items ? { lineItems: JSON.parse(r.line_items) as NonNullable<UserEvent['lineItems']> } : {}),
    ...(r.page_categories ? { pageCategories: JSON.parse(r.page_categories) as string[] } : {}),
  };
}
