/*
 * Argument checks shared by the adapters, so a bad call fails the same way on
 * memory as on Redis instead of passing in development and failing in production.
 */

/** Counters are integers (Redis INCRBY); budgets count in integer units such as micros. */
export function checkIncrement(by: number, cap: number, ttlMs: number | undefined): void {
  if (!Number.isSafeInteger(by)) throw new RangeError(`incrementCapped: by must be a safe integer, got ${by}`);
  if (!Number.isSafeInteger(cap)) throw new RangeError(`incrementCapped: cap must be a safe integer, got ${cap}`);
  checkTtl(ttlMs);
}

/** A TTL is whole milliseconds (Redis PX); 0 or undefined means none. */
export function checkTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && (!Number.isSafeInteger(ttlMs) || ttlMs < 0)) {
    throw new RangeError(`ttlMs must be a non-negative integer of milliseconds, got ${ttlMs}`);
  }
}

/** Where a throwing signal handler is reported by default: visible, but never fatal. */
export function warnHandlerError(error: unknown, channel: string): void {
  const detail = error instanceof Error ? error.stack ?? error.message : String(error);
  process.emitWarning(`cache signal handler for channel "${channel}" threw: ${detail}`, 'RougeCacheWarning');
}
