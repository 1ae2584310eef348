/** One user's interactions, oldest first. */
export interface UserSequence {
  user: string;
  items: string[];
  /** Milliseconds since the epoch, one per item; used for trending. */
  times?: number[];
  /** Per-interaction weight from the event type (view 1, add_to_cart 3, purchase 5 ...); default 1. */
  weights?: number[];
}

/** Content features of one item, built by the caller: title words, brand, category path entries, attribute ids. */
export interface ItemContent {
  id: string;
  tokens: string[];
}

/**
 * A held-out next item for tuning: `items` is the query history, `target` the
 * item that followed. The target must not be part of the training sequences.
 */
export interface ValidationCase {
  items: string[];
  target: string;
}

/** What the engine learns from. */
export interface TrainInput {
  sequences: UserSequence[];
  /** Content of catalogue items; an item listed here is recommendable even without interactions. */
  content?: ItemContent[];
  /** Items bought together (one order, or one session's purchases). */
  baskets?: string[][];
  /**
   * Held-out cases to tune the blend on. When absent and tuning is on,
   * trainRecs holds out the last item of each sequence itself.
   */
  validation?: ValidationCase[];
}

/** Why an item was recommended, for the caller's explanation text. */
export type Reason = 'similar_to' | 'bought_together' | 'history' | 'trending' | 'popular';

/** A recommended item index with its blended score. */
export interface Scored {
  item: number;
  score: number;
  reason: Reason;
}

/** Reports progress of a long stage: `done` out of `total` units. */
export type ProgressFn = (stage: string, done: number, total: number) => void;
