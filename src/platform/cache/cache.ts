/** The outcome of an increment with a cap. */
export interface CappedIncrement {
  /** True when the increment was applied (the result stayed at or under the cap). */
  ok: boolean;
  /** The counter's value after the call (unchanged when refused). */
  value: number;
}

/** A message handler for a signals channel. */
export type SignalHandler = (message: string) => void;

/**
 * The shared cache port: values with a TTL, counters that increment only while
 * under a cap (budgets, rate limits: one round trip, atomic), and publish/
 * subscribe signals that tell every process something changed (an alias moved,
 * a key was revoked, an item went out of stock). The memory adapter serves one
 * process; the Redis adapter is shared by many.
 */
export interface Cache {
  readonly description: string;
  get(key: string): Promise<string | undefined>;
  /** Sets a value; `ttlMs` 0 or undefined keeps it until deleted. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Adds `by` to the counter unless the result would exceed `cap`; creates the
   * counter at 0 with `ttlMs` (when given) on first use. Atomic across processes.
   */
  incrementCapped(key: string, by: number, cap: number, ttlMs?: number): Promise<CappedIncrement>;
  /** Current value of a counter (0 when absent). */
  counter(key: string): Promise<number>;
  /** Several counters in one round trip (Redis MGET), in the keys' order; absent ones read 0. */
  counters(keys: readonly string[]): Promise<number[]>;
  /** Publishes to every subscriber of the channel in every process (including this one). */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes; resolves once the subscription is active. Returns an unsubscribe function. */
  subscribe(channel: string, handler: SignalHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
