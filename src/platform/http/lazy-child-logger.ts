import type { FastifyBaseLogger } from 'fastify';

type Bindings = Record<string, unknown>;
type Opts = { level?: string };

/**
 * A request's logger that becomes a pino child only when something is logged
 * through it. Fastify gives every request a child bound to its request id;
 * pino builds it by serialising the bindings and copying the redaction setup,
 * a few microseconds that a prediction answered without a log line never needs.
 * A route with its own log level gets a real child at once (its level differs
 * from the parent's, so the parent cannot answer for it).
 */
class LazyChildLogger {
  private real: FastifyBaseLogger | undefined;
  constructor(private readonly parent: FastifyBaseLogger, private readonly bindings: Bindings) {}

  private get log(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings));
  }
  get level(): string {
    return this.parent.level;
  }
  isLevelEnabled(level: string): boolean {
    return (this.parent as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled(level);
  }
  child(bindings: Bindings, opts?: Opts): FastifyBaseLogger {
    return this.log.child(bindings, opts);
  }
  fatal(...args: unknown[]): void {
    (this.log.fatal as (...a: unknown[]) => void)(...args);
  }
  error(...args: unknown[]): void {
    (this.log.error as (...a: unknown[]) => void)(...args);
  }
  warn(...args: unknown[]): void {
    if (this.isLevelEnabled('warn')) (this.log.warn as (...a: unknown[]) => void)(...args);
  }
  info(...args: unknown[]): void {
    if (this.isLevelEnabled('info')) (this.log.info as (...a: unknown[]) => void)(...args);
  }
  debug(...args: unknown[]): void {
    if (this.isLevelEnabled('debug')) (this.log.debug as (...a: unknown[]) => void)(...args);
  }
  trace(...args: unknown[]): void {
    if (this.isLevelEnabled('trace')) (this.log.trace as (...a: unknown[]) => void)(...args);
  }
  silent(): void {}
}

/** Fastify's `childLoggerFactory`: see LazyChildLogger. */
export function lazyChildLoggerFactory(this: unknown, logger: FastifyBaseLogger, bindings: Bindings, opts: Opts): FastifyBaseLogger {
  if (opts.level || typeof (logger as { isLevelEnabled?: unknown }).isLevelEnabled !== 'function') return logger.child(bindings, opts);
  return new LazyChildLogger(logger, bindings) as unknown as FastifyBaseLogger;
}
