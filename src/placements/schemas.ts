import { Type } from 'typebox';
import { DisplayName, ProjectName, Timestamp } from '../platform/index.js';

/** The kinds of placement, after Google Recommendations AI's models and Algolia Recommend's. */
export const KINDS = ['search', 'similar', 'for-you', 'trending', 'popular', 'bought-together'] as const;
export type Kind = (typeof KINDS)[number];

/** Item fields a recommendation may carry beside its id. */
export const FIELDS = ['title', 'price', 'imageLink', 'categoryPath', 'brand', 'link'] as const;
export type ItemField = (typeof FIELDS)[number];

export const REASONS = ['query_match', 'similar_to', 'bought_together', 'history', 'trending', 'popular', 'fallback_popular'] as const;

export const RecommenderName = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'lower-case letters, digits and hyphens, starting with a letter, at most 63 characters' });
export const RecommenderParams = Type.Object({ project: ProjectName, recommender: RecommenderName });
const FieldName = Type.Union([Type.Literal('title'), Type.Literal('price'), Type.Literal('imageLink'), Type.Literal('categoryPath'), Type.Literal('brand'), Type.Literal('link')]);
const Fields = Type.Array(FieldName, { maxItems: FIELDS.length, uniqueItems: true, description: `item fields to return beside the id: ${FIELDS.join(', ')}` });
const FilterText = Type.String({ maxLength: 1000, description: 'the platform filter syntax over items: brand = "Aurelia" AND price.amount < 50000' });

export const Rules = Type.Object(
  {
    excludeItemIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 10_000, description: 'never recommend these items' })),
    excludePurchased: Type.Optional(Type.Boolean({ description: 'leave out what the user (or session) has bought; default false' })),
    maxPerBrand: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'at most this many items of one brand' })),
    filter: Type.Optional(FilterText),
    boosts: Type.Optional(Type.Array(
      Type.Object({ filter: FilterText, factor: Type.Number({ minimum: 0, maximum: 100, description: 'score multiplier: 2 doubles, 0.5 halves, 0 buries' }) }, { additionalProperties: false }),
      { maxItems: 20 },
    )),
    sponsoredOtherBrands: Type.Optional(Type.Boolean({ description: 'sponsored slots show only brands other than the context items\' (a product page that sells no ads against its own brand); default false' })),
  },
  { additionalProperties: false, description: 'business rules: out-of-stock items are never returned whatever the rules say' },
);

export const Rerank = Type.Object(
  {
    endpoint: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'an endpoint of the project whose model scores candidates: one FP32 input of shape [-1, 7]' }),
    topK: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'how many of the best candidates it re-orders; default 50' })),
    budgetMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'answer without re-ranking when the endpoint takes longer; default 20' })),
  },
  { additionalProperties: false, description: 're-rank the top candidates with a model deployed on an endpoint' },
);

const ModelRef = Type.String({ minLength: 1, maxLength: 200, pattern: '^[a-z][a-z0-9-]{0,62}(@[a-zA-Z0-9-]{1,128})?$', description: 'recs@champion: a rouge-recs model and the alias (or version) the recommender follows; recs alone follows default' });

export const ExperimentBody = Type.Object(
  {
    unit: Type.Union([Type.Literal('userId'), Type.Literal('sessionId')], { description: 'what is split: each user (or session) always sees the same variant' }),
    variants: Type.Array(
      Type.Object(
        {
          name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,30}$', description: 'lower-case letters, digits and hyphens; the first variant is the control' }),
          weight: Type.Integer({ minimum: 0, maximum: 100, description: 'percent of the units; the variants\' weights add up to 100' }),
          model: Type.Optional(ModelRef),
          rerank: Type.Optional(Type.Union([Rerank, Type.Null()], { description: 'this variant\'s re-ranking; null for none; absent: the recommender\'s' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 2, maxItems: 10 },
    ),
  },
  { additionalProperties: false, description: 'an A/B test: units split between variants by a hash of their id' },
);

export const CreateRecommenderBody = Type.Object(
  {
    name: RecommenderName,
    kind: Type.Union([Type.Literal('search'), Type.Literal('similar'), Type.Literal('for-you'), Type.Literal('trending'), Type.Literal('popular'), Type.Literal('bought-together')], { description: KINDS.join(', ') }),
    model: Type.Optional(ModelRef),
    displayName: Type.Optional(DisplayName),
    rules: Type.Optional(Rules),
    fields: Type.Optional(Fields),
    rerank: Type.Optional(Rerank),
    experiment: Type.Optional(ExperimentBody),
  },
  { additionalProperties: false },
);
export const PatchRecommenderBody = Type.Object(
  {
    model: Type.Optional(ModelRef), displayName: Type.Optional(DisplayName), rules: Type.Optional(Rules), fields: Type.Optional(Fields),
    rerank: Type.Optional(Type.Union([Rerank, Type.Null()], { description: 'null (or leaving it out of the body with rerank in updateMask) removes re-ranking' })),
    experiment: Type.Optional(Type.Union([ExperimentBody, Type.Null()], { description: 'null ends the experiment' })),
  },
  { additionalProperties: false },
);
export const Recommender = Type.Object({
  name: Type.String(), recommenderId: Type.String(), displayName: Type.String(), kind: Type.String(), model: Type.String(),
  rules: Type.Record(Type.String(), Type.Unknown()), fields: Type.Array(Type.String()), createTime: Timestamp, updateTime: Timestamp,
  rerank: Type.Optional(Type.Object({ endpoint: Type.String(), topK: Type.Integer(), budgetMs: Type.Integer() })),
  experiment: Type.Optional(Type.Unknown()),
});

const Id = Type.String({ minLength: 1, maxLength: 256 });
export const RecommendBody = Type.Object(
  {
    userId: Type.Optional(Id),
    sessionId: Type.Optional(Id),
    itemIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 50, description: 'context items: the product page, the cart' })),
    query: Type.Optional(Type.String({ maxLength: 1000, description: 'what the shopper typed (search kind)' })),
    filter: Type.Optional(FilterText),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: '1 to 100, default 10' })),
    fields: Type.Optional(Fields),
    sponsoredSlots: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'how many sponsored products to auction beside the organic ones, 0 to 10 (default 0); limit counts organic items only' })),
    debug: Type.Optional(Type.Boolean({ description: 'adsManager only: with sponsoredSlots, why each campaign won, lost or was ineligible' })),
  },
  { additionalProperties: false },
);
export const RecommendResponse = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), score: Type.Number(), reason: Type.String() }, { additionalProperties: true })),
  matched: Type.Boolean(),
  fallback: Type.Boolean(),
  notes: Type.Array(Type.String()),
  modelVersion: Type.String(),
  recommendationId: Type.String(),
  variant: Type.Optional(Type.String()),
  sponsored: Type.Optional(Type.Array(Type.Object({
    id: Type.String(), rank: Type.Integer(), campaignId: Type.String(), advertiserId: Type.String(), resolvedBidId: Type.String(), cpc: Type.Object({ amount: Type.Integer(), currency: Type.String() }),
  }, { additionalProperties: true }))),
  adsDebug: Type.Optional(Type.Unknown()),
});

export const ReportQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'start of the window (RFC 3339); default 7 days before `to`' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'end of the window, exclusive; default now' })),
  },
  { additionalProperties: false },
);
const Rate = Type.Number();
const Interval = Type.Tuple([Type.Number(), Type.Number()]);
export const ReportResponse = Type.Object({
  variants: Type.Array(Type.Object({
    name: Type.String(), users: Type.Integer(), impressions: Type.Integer(), clicks: Type.Integer(), ctr: Rate, ctrInterval: Interval,
    addToCarts: Type.Integer(), addToCartRate: Rate, conversions: Type.Integer(), conversionRate: Rate, conversionRateInterval: Interval,
    revenue: Type.Object({ amount: Type.Number(), currency: Type.String() }),
  })),
  from: Type.String(),
  to: Type.String(),
  notes: Type.Array(Type.String()),
});

export const TrainBody = Type.Object(
  {
    model: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', description: 'the model to add a version to; default recs (created if missing)' })),
    alias: Type.Optional(Type.String({ pattern: '^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$', description: 'an alias to move to the new version, such as champion' })),
    eventsUri: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'train on this JSONL export (under the project\'s imports/{project}/ area of the blob store) instead of the stored events' })),
    eventWeights: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 100 }), { description: 'weight per event type; defaults view 1, add_to_cart 3, purchase 5, click 1, search 0, impression 0, page_view 0' })),
  },
  { additionalProperties: false },
);
