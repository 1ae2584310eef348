import { checkIncrement, checkTtl, warnHandlerError } from './arguments.js';
import type { Cache, CappedIncrement, SignalHandler } from './cache.js';

interface Entry {
  /** Counters stay numbers so an increment does not parse and format a string. */
  value: string | number;
  /** Epoch ms; 0 = no expiry. */
  expiresAt: number;
}

export interface MemoryCacheOptions {
  /** How often expired entries are removed; reads never see them either way. Default 5000. */
  sweepIntervalMs?: number;
  /** Called when a signal handler throws; the default emits a process warning. */
  onHandlerError?: (error: unknown, channel: string) => void;
}

const INTEGER = /^-?\d+$/;

/**
 * The cache for one process: a Map with expiry. Every operation runs to
 * completion synchronously, so increments are atomic without locks; signals
 * reach only subscribers in this process.
 */
export class MemoryCache implements Cache {
  readonly description = 'in memory (this process only)';
  private readonly entries = new Map<string, Entry>();
  private readonly channels = new Map<string, Set<SignalHandler>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly onHandlerError: (error: unknown, channel: string) => void;

  constructor(options: MemoryCacheOptions = {}) {
    this.onHandlerError = options.onHandlerError ?? warnHandlerError;
    // Lazy expiry keeps reads correct; the sweep only bounds memory held by keys
    // nobody reads again (last second's rate-limit windows).
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 5000);
    this.sweeper.unref();
  }

  /** Always answers; here so readiness checks can treat both adapters alike. */
  async ping(): Promise<void> {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.live(key);
    return entry === undefined ? undefined : String(entry.value);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    checkTtl(ttlMs);
    this.entries.set(key, { value, expiresAt: ttlMs ? Date.now() + ttlMs : 0 });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async incrementCapped(key: string, by: number, cap: number, ttlMs?: number): Promise<CappedIncrement> {
    checkIncrement(by, cap, ttlMs);
    const entry = this.live(key);
    const value = entry === undefined ? 0 : toInteger(key, entry.value);
    if (value + by > cap) return { ok: false, value };
    if (entry === undefined) {
      this.entries.set(key, { value: by, expiresAt: ttlMs ? Date.now() + ttlMs : 0 });
    } else {
      // The window keeps its first expiry: a fixed window, as on Redis.
      entry.value = value + by;
    }
    return { ok: true, value: value + by };
  }

  async counter(key: string): Promise<number> {
    const entry = this.live(key);
    return entry === undefined ? 0 : toInteger(key, entry.value);
  }

  async counters(keys: readonly string[]): Promise<number[]> {
    return keys.map((key) => {
      const entry = this.live(key);
      return entry === undefined ? 0 : toInteger(key, entry.value);
    });
  }

  async publish(channel: string, message: string): Promise<void> {
    const handlers = this.channels.get(channel);
    if (handlers === undefined) return;
    // A snapshot, delivered on a later turn: the publisher never runs handlers
    // inside its own call, and a subscriber added meanwhile does not receive a
    // message published before it subscribed. One that left meanwhile does not either.
    for (const handler of [...handlers]) {
      setImmediate(() => {
        if (!handlers.has(handler)) return;
        try {
          handler(message);
        } catch (e) {
          this.onHandlerError(e, channel);
        }
      });
    }
  }

  async subscribe(channel: string, handler: SignalHandler): Promise<() => Promise<void>> {
    let handlers = this.channels.get(channel);
    if (handlers === undefined) this.channels.set(channel, (handlers = new Set()));
    // Wrapped so the same function subscribed twice is two subscriptions, as on Redis.
    const own: SignalHandler = (message) => handler(message);
    handlers.add(own);
    return async () => {
      handlers.delete(own);
      if (handlers.size === 0 && this.channels.get(channel) === handlers) this.channels.delete(channel);
    };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.channels.clear();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== 0 && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== 0 && entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}

/** Mirrors Redis, which refuses to count on a value that is not an integer. */
function toInteger(key: string, value: string | number): number {
  if (typeof value === 'number') return value;
  if (!INTEGER.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new TypeError(`cache key ${key} holds a value that is not an integer counter`);
  }
  return Number(value);
}
