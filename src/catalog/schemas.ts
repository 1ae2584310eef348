import { Type } from 'typebox';
import { PageQuery, ProjectName } from '../platform/index.js';

/** Item ids travel in paths: letters, digits and `._~-`, as Retail API product ids do, at most 128 characters. */
// `.` and `..` alone are refused: clients that normalise URLs cannot address such an item.
export const ITEM_ID_PATTERN = '^(?!\\.{1,2}$)[A-Za-z0-9._~-]{1,128}$';
export const ItemId = Type.String({ pattern: ITEM_ID_PATTERN, description: 'letters, digits and . _ ~ -, 1 to 128 characters, not . or .. alone' });

export const AVAILABILITY = ['in_stock', 'out_of_stock', 'preorder', 'discontinued'] as const;
export const CONDITION = ['new', 'refurbished', 'used'] as const;
export const EVENT_TYPES = ['view', 'add_to_cart', 'purchase', 'search', 'impression', 'click', 'page_view'] as const;

/** Money: integer minor units (cents, paise) and an ISO 4217 code; the code is checked against the ICU list in the service. */
export const Money = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'integer minor units: 1999 is 19.99 EUR' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code such as EUR, USD, INR' }),
  },
  { additionalProperties: false },
);

const Url = Type.String({ maxLength: 2048, pattern: '^https?://[^\\s]+$', description: 'an http or https URL' });

const itemFields = {
  title: Type.String({ minLength: 1, maxLength: 1000 }),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  brand: Type.Optional(Type.String({ maxLength: 256 })),
  categoryPath: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 10, description: 'from the top category down: ["Makeup", "Lips", "Lipstick"]' }),
  price: Type.Optional(Money),
  availability: Type.Optional(Type.Union(AVAILABILITY.map((a) => Type.Literal(a)), { description: AVAILABILITY.join(', ') })),
  link: Type.Optional(Url),
  imageLink: Type.Optional(Url),
  condition: Type.Optional(Type.Union(CONDITION.map((c) => Type.Literal(c)), { description: CONDITION.join(', ') })),
  gtin: Type.Optional(Type.String({ pattern: '^[0-9]{8,14}$', description: '8 to 14 digits' })),
  attributes: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]), { description: 'free-form attributes: {"shade": "ruby", "volumeMl": 30}' })),
};

/** The body of `PUT .../catalog/items/{id}` (the id comes from the path; an `id` in the body must equal it). */
export const ItemBody = Type.Object({ id: Type.Optional(ItemId), ...itemFields }, { additionalProperties: false });
/** One JSONL or CSV line of an import. */
export const ImportedItem = Type.Object({ id: ItemId, ...itemFields }, { additionalProperties: false });
export const PatchItemBody = Type.Object(
  { price: Type.Optional(Money), availability: itemFields.availability },
  { additionalProperties: false, minProperties: 1 },
);

export const Item = Type.Object({
  name: Type.String(), id: Type.String(), title: Type.String(), description: Type.String(), brand: Type.String(),
  categoryPath: Type.Array(Type.String()), price: Type.Optional(Type.Object({ amount: Type.Integer(), currency: Type.String() })),
  availability: Type.String(), link: Type.Optional(Type.String()), imageLink: Type.Optional(Type.String()), condition: Type.String(),
  gtin: Type.Optional(Type.String()), attributes: Type.Record(Type.String(), Type.Unknown()), createTime: Type.String(), updateTime: Type.String(),
});

const Id = Type.String({ minLength: 1, maxLength: 256 });
/** A user event (Google Retail's UserEvent, with Rouge's ad attribution fields). */
export const UserEvent = Type.Object(
  {
    eventId: Type.String({ minLength: 1, maxLength: 128, description: 'the client-chosen id: a resent event with the same id is stored once' }),
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)), { description: EVENT_TYPES.join(', ') }),
    userId: Type.Optional(Id),
    sessionId: Type.Optional(Id),
    itemIds: Type.Optional(Type.Array(ItemId, { maxItems: 200 })),
    query: Type.Optional(Type.String({ maxLength: 1000 })),
    eventTime: Type.String({ format: 'date-time', description: 'RFC 3339; at most an hour ahead of the server clock' }),
    variant: Type.Optional(Type.String({ maxLength: 128 })),
    recommendationId: Type.Optional(Id),
    resolvedBidId: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'the sponsored winner this event is about, as an auction returned it' })),
    value: Type.Optional(Money),
    lineItems: Type.Optional(Type.Array(
      Type.Object({ id: ItemId, quantity: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, description: 'how many; a negative quantity on a purchase is a refund of that many, never 0' }), price: Type.Optional(Money) }, { additionalProperties: false }),
      { maxItems: 200, description: 'what a purchase or cart held: item, quantity and unit price (minor units); negative quantities are refunds' },
    )),
    pageCategories: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { maxItems: 10, description: 'the category a page_view showed, as Retail writes it: "Makeup > Lips"' })),
  },
  { additionalProperties: false },
);

export const ProjectParams = Type.Object({ project: ProjectName });
export const ItemParams = Type.Object({ project: ProjectName, id: ItemId });
export const ListItemsQuery = Type.Object(
  { ...PageQuery, filter: Type.Optional(Type.String({ maxLength: 1000, description: 'e.g. availability = "in_stock" AND category = "Makeup > Lips"' })) },
  { additionalProperties: false },
);
export const SearchQuery = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: 1000, description: 'what the shopper typed, 1 to 1000 characters' }),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'items per page, 1 to 200 (default 20)' })),
    pageToken: PageQuery.pageToken,
    filter: Type.Optional(Type.String({ maxLength: 1000, description: 'keep matched items that pass it, in the platform filter syntax: availability = "in_stock" AND price.amount < 50000' })),
  },
  { additionalProperties: false },
);
export const WriteEventsBody = Type.Object(
  { events: Type.Array(UserEvent, { minItems: 1, maxItems: 1000, description: '1 to 1,000 events, written all or nothing; each in Rouge\'s shape or as a Google Retail API UserEvent (eventType, visitorId, productDetails...)' }) },
  { additionalProperties: false },
);
export const ExportQuery = Type.Object(
  { since: Type.Optional(Type.String({ format: 'date-time', description: 'only events whose eventTime is at or after this RFC 3339 time' })) },
  { additionalProperties: false },
);
export const BlobImportBody = Type.Object(
  {
    blobUri: Type.String({ minLength: 1, maxLength: 2048, description: "a URI of this deployment's blob store, as `blobs.uri()` prints it" }),
    format: Type.Optional(Type.Union([Type.Literal('jsonl'), Type.Literal('csv')], { description: 'defaults from the extension: .csv is CSV, anything else JSONL' })),
  },
  { additionalProperties: false },
);
export const SynonymsBody = Type.Object(
  { synonyms: Type.Array(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 50 }), { maxItems: 10_000, description: 'groups of words or phrases a query treats as one: [["lipstick", "lip colour"]]' }) },
  { additionalProperties: false },
);
