/** The blend of signals a recommendation adds up; each weight multiplies one neighbour list. */
export interface BlendWeights {
  /** Sequential rules: items that followed a history item (raw gap-weighted counts, so well-supported rules dominate). */
  sequential: number;
  /** Items that preceded a history item. */
  preceding: number;
  /** Co-occurrence anywhere in a user's sequence (cosine, decayed by distance). */
  cooccurrence: number;
  /** Content similarity from item tokens. */
  content: number;
  /** Co-purchase within baskets. */
  basket: number;
  /** Popularity, scaled to 0..1; acts as the backoff and tie breaker. */
  popularity: number;
  /** Weight of the k-th most recent history item is historyDecay^k. */
  historyDecay: number;
}

/** Every hyperparameter of trainRecs; the defaults were tuned on the validation targets of Amazon Toys and Sports. */
export interface TrainOptions extends Partial<BlendWeights> {
  /** Sequential rules link an item to the next `window` items. Default 5. */
  window?: number;
  /** A rule across a gap of g positions counts 1/g^gapDecay. Default 1. */
  gapDecay?: number;
  /** Co-occurrence at distance d counts coDecay^(d-1). Default 0.8. */
  coDecay?: number;
  /** Co-occurrence looks at most this many positions either side; bounds training time on long sequences. Default 50. */
  coSpan?: number;
  /** How many of the most recent history items a recommendation looks at. Default 5. */
  historyLength?: number;
  /** Neighbours kept per item in each behavioural list. Default 100. */
  neighbours?: number;
  /** Neighbours kept per item in the content list. Default 30. */
  contentNeighbours?: number;
  /** Items scanned per token, most popular first, so a common token costs a bounded amount. Default 300. */
  contentScan?: number;
  /** Tokens carried by more than this share of items say nothing and are ignored. Default 0.2. */
  contentMaxShare?: number;
  /** Half-life of the trending score, in days (in positions from a sequence's end when there are no times). Default 7. */
  trendingHalfLifeDays?: number;
  /** Tune the blend weights on validation targets. Default true. */
  tune?: boolean;
  /** Validation cases used for tuning, sampled when there are more; bounds tuning time on large data. Default 5000. */
  tuneUsers?: number;
  /** Seed for every sampling and tie break. Default 42. */
  seed?: number;
}

/** The defaults trainRecs fills in. */
export const DEFAULT_TRAIN_OPTIONS: Required<TrainOptions> = {
  sequential: 1,
  preceding: 0.3,
  cooccurrence: 0.5,
  content: 0.5,
  basket: 0.5,
  popularity: 0.01,
  historyDecay: 0.6,
  window: 5,
  gapDecay: 1,
  coDecay: 0.8,
  coSpan: 50,
  historyLength: 5,
  neighbours: 100,
  contentNeighbours: 30,
  contentScan: 300,
  contentMaxShare: 0.2,
  trendingHalfLifeDays: 7,
  tune: true,
  tuneUsers: 5000,
  seed: 42,
};

/** Options with every default filled in. */
export function resolveOptions(options: TrainOptions = {}): Required<TrainOptions> {
  const out = { ...DEFAULT_TRAIN_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined && k in out) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** The blend part of resolved options. */
export function blendOf(o: Required<TrainOptions>): BlendWeights {
  const { sequential, preceding, cooccurrence, content, basket, popularity, historyDecay } = o;
  return { sequential, preceding, cooccurrence, content, basket, popularity, historyDecay };
}
