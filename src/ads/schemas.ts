import { Type } from 'typebox';
import { DisplayName, PageQuery, ProjectName, Timestamp } from '../platform/index.js';

/** Largest bid: 100,000.00 in a two-digit currency per click is a typo, not a strategy. */
export const MAX_BID = 10_000_000;
/** Largest budget: ten billion minor units. */
export const MAX_BUDGET = 10_000_000_000;
export const AUCTION_TYPES = ['second_price', 'first_price'] as const;
export const CAMPAIGN_STATUSES = ['active', 'paused'] as const;
export const PACING = ['even', 'asap'] as const;

const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code such as EUR, USD, INR' });
const money = (max: number, what: string) => Type.Object(
  { amount: Type.Integer({ minimum: 1, maximum: max, description: `${what}, integer minor units (1999 is 19.99 EUR), 1 to ${max}` }), currency: Currency },
  { additionalProperties: false },
);
export const Bid = money(MAX_BID, 'the most a click may cost');
export const Budget = money(MAX_BUDGET, 'a budget');
const MoneyOut = Type.Object({ amount: Type.Integer(), currency: Type.String() });

export const Id = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'lower-case letters, digits and hyphens, starting with a letter, at most 63 characters' });
const ItemId = Type.String({ pattern: '^(?!\\.{1,2}$)[A-Za-z0-9._~-]{1,128}$', description: 'a catalogue item id' });

export const ProjectParams = Type.Object({ project: ProjectName });
export const AdvertiserParams = Type.Object({ project: ProjectName, advertiser: Id });
export const CampaignParams = Type.Object({ project: ProjectName, advertiser: Id, campaign: Id });
export const ListQuery = Type.Object(PageQuery, { additionalProperties: false });
export const MaskQuery = (fields: readonly string[]) => Type.Object({ updateMask: Type.Optional(Type.String({ maxLength: 300, description: `comma-separated: ${fields.join(', ')}` })) }, { additionalProperties: false });

export const SettingsBody = Type.Object(
  {
    currency: Type.Optional(Currency),
    reservePrice: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BID, description: 'the least a click costs, minor units; an uncontested winner pays it' })),
    auctionType: Type.Optional(Type.Union([Type.Literal('second_price'), Type.Literal('first_price')], { description: 'second_price (default): a winner pays what it needed to keep its rank; first_price: its bid' })),
    attributionWindowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, description: 'how long after a click a purchase is credited to it; default 7' })),
  },
  { additionalProperties: false },
);
export const Settings = Type.Object({
  name: Type.String(), currency: Type.String(), reservePrice: Type.Integer(), auctionType: Type.String(), attributionWindowDays: Type.Integer(), updateTime: Type.Optional(Timestamp),
});

export const CreateAdvertiserBody = Type.Object(
  { name: Id, displayName: Type.Optional(DisplayName), brand: Type.String({ minLength: 1, maxLength: 256, description: 'the catalogue brand whose products this advertiser may promote' }) },
  { additionalProperties: false },
);
export const PatchAdvertiserBody = Type.Object(
  { displayName: Type.Optional(DisplayName), brand: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) },
  { additionalProperties: false },
);
export const Advertiser = Type.Object({
  name: Type.String(), advertiserId: Type.String(), displayName: Type.String(), brand: Type.String(), createTime: Timestamp, updateTime: Timestamp,
});

const campaignFields = {
  displayName: Type.Optional(DisplayName),
  products: Type.Array(ItemId, { minItems: 1, maxItems: 1000, uniqueItems: true, description: 'the catalogue products promoted, all of the advertiser\'s brand' }),
  bid: Bid,
  productBids: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Bid, { description: 'bids for some products in place of `bid`: {"lipstick-12": {"amount": 80, "currency": "EUR"}}' })),
  dailyBudget: Budget,
  totalBudget: Type.Optional(Budget),
  pacing: Type.Optional(Type.Union([Type.Literal('even'), Type.Literal('asap')], { description: 'even (default): spread the daily budget over the day; asap: spend it as fast as auctions allow' })),
  startTime: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; default now' })),
  endTime: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; none runs until paused' })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused')], { description: 'active (default) or paused' })),
};
export const CreateCampaignBody = Type.Object({ name: Type.Optional(Id), ...campaignFields }, { additionalProperties: false });
export const PatchCampaignBody = Type.Object(
  {
    displayName: campaignFields.displayName, products: Type.Optional(campaignFields.products), bid: Type.Optional(Bid), productBids: campaignFields.productBids,
    dailyBudget: Type.Optional(Budget), totalBudget: Type.Optional(Type.Union([Budget, Type.Null()])), pacing: campaignFields.pacing,
    startTime: campaignFields.startTime, endTime: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])), status: campaignFields.status,
  },
  { additionalProperties: false },
);
export const CAMPAIGN_MASK = ['displayName', 'products', 'bid', 'productBids', 'dailyBudget', 'totalBudget', 'pacing', 'startTime', 'endTime', 'status'] as const;
export const Campaign = Type.Object({
  name: Type.String(), campaignId: Type.String(), advertiser: Type.String(), displayName: Type.String(), products: Type.Array(Type.String()),
  bid: MoneyOut, productBids: Type.Record(Type.String(), MoneyOut), dailyBudget: MoneyOut, totalBudget: Type.Optional(MoneyOut), pacing: Type.String(),
  startTime: Timestamp, endTime: Type.Optional(Timestamp), status: Type.String(), statusReason: Type.Optional(Type.String()),
  spend: Type.Object({ today: MoneyOut, total: MoneyOut }),
  createTime: Timestamp, updateTime: Timestamp,
});

const Visitor = Type.String({ minLength: 1, maxLength: 256 });
export const AuctionBody = Type.Object(
  {
    slots: Type.Integer({ minimum: 1, maximum: 10, description: 'how many sponsored products to return, 1 to 10' }),
    query: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'what the shopper searched: ads stay inside the categories it matches' })),
    itemIds: Type.Optional(Type.Array(ItemId, { minItems: 1, maxItems: 50, description: 'the products on the page: ads stay inside their categories and never repeat them' })),
    candidates: Type.Optional(Type.Array(
      Type.Object({ id: ItemId, quality: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'your relevance score in (0, 1]; default 0.5' })) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 10_000, description: 'the products that may win (Topsort\'s products.ids and qualityScores)' },
    )),
    exclude: Type.Optional(Type.Array(ItemId, { maxItems: 500, description: 'products already shown organically' })),
    otherBrandsOnly: Type.Optional(Type.Boolean({ description: 'with itemIds: only brands other than the page\'s products\'' })),
    userId: Type.Optional(Visitor),
    sessionId: Type.Optional(Visitor),
    debug: Type.Optional(Type.Boolean({ description: 'adsManager only: why each campaign won, lost or was ineligible' })),
  },
  { additionalProperties: false },
);

export const ReportQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'first budget day, in the project\'s time zone: 2026-12-01; default 6 days before to' })),
    to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'last budget day, included; default today' })),
    groupBy: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('hour'), Type.Literal('campaign')], { description: 'day (default), hour (the local hour; a window of at most 7 days) or campaign' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'json (default) or csv' })),
    campaign: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'only this campaign of the advertiser (e.g. its pacing with groupBy=hour)' })),
  },
  { additionalProperties: false },
);
const MoneyOut2 = Type.Object({ amount: Type.Integer(), currency: Type.String() });
const ReportLine = Type.Object({
  day: Type.Optional(Type.String()), hour: Type.Optional(Type.String({ description: 'the local hour, 2026-12-06T14' })), campaignId: Type.Optional(Type.String()),
  impressions: Type.Integer(), clicks: Type.Integer(), invalidClicks: Type.Integer(), ctr: Type.Number(), spend: MoneyOut2,
  orders: Type.Integer(), revenue: MoneyOut2, haloOrders: Type.Integer(), haloRevenue: MoneyOut2,
  roas: Type.Union([Type.Number(), Type.Null()]), roasWithHalo: Type.Union([Type.Number(), Type.Null()]),
});
export const Report = Type.Object({
  advertiser: Type.String(), campaign: Type.Optional(Type.String()), from: Type.String(), to: Type.String(), groupBy: Type.String(), currency: Type.String(), rows: Type.Array(ReportLine), totals: ReportLine,
});
