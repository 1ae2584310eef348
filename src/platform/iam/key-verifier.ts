import { timingSafeEqual } from 'node:crypto';
import * as errors from './errors.js';
import { parseKey, secretMatches } from './keys.js';
import type { IamStore } from './store.js';
import type { ApiKeyRow } from './tables.js';
import { TtlCache } from './ttl-cache.js';

/** Who made a request, once their key is verified. */
export interface Caller {
  principal: string;
  keyId: string;
}

const INVALID = 'The API key is not valid';

/**
 * Verifies `Authorization: Bearer rk_<keyId>_<secret>`. Key rows are cached per
 * process for `cacheTtlMs` (so a revocation elsewhere takes effect within it);
 * the secret is checked against the stored HMAC on every request, in constant
 * time. Last-use times are collected in memory and written in batches.
 */
export class KeyVerifier {
  private readonly cache: TtlCache<ApiKeyRow | null>;
  /**
   * The secret that last verified against each cached row. A repeat request
   * with the same key is then a constant-time comparison of two strings instead
   * of an HMAC (the profile's largest auth cost); the entry lives no longer than
   * the row it belongs to, and never leaves process memory.
   */
  private readonly verified = new WeakMap<ApiKeyRow, Buffer>();
  /** One frozen Caller per cached row, so a verified request allocates nothing for it. */
  private readonly callers = new WeakMap<ApiKeyRow, Readonly<Caller>>();
  private lastUsed = new Map<string, string>();

  constructor(
    private readonly store: IamStore,
    private readonly pepper: string,
    cacheTtlMs: number,
  ) {
    this.cache = new TtlCache(cacheTtlMs);
  }

  async verify(authorization: string | undefined, now = Date.now()): Promise<Caller> {
    const parsed = this.parse(authorization);
    let row = this.cache.get(parsed.keyId, now);
    if (row === undefined) {
      row = (await this.store.getKey(parsed.keyId)) ?? null;
      this.cache.set(parsed.keyId, row, now);
    }
    return this.accept(row, parsed.secret, now);
  }

  /**
   * The same check without a promise when the key's row is cached (nearly every
   * request): returns undefined only when the row must be read from the store,
   * and throws as `verify` does for a bad key.
   */
  verifyCached(authorization: string | undefined, now = Date.now()): Caller | undefined {
    const parsed = this.parse(authorization);
    const row = this.cache.get(parsed.keyId, now);
    return row === undefined ? undefined : this.accept(row, parsed.secret, now);
  }

  private parse(authorization: string | undefined): { keyId: string; secret: string } {
    if (!authorization) throw errors.KEY_INVALID({ why: 'No API key was sent' });
    const space = authorization.indexOf(' ');
    if (space < 0 || authorization.slice(0, space).toLowerCase() !== 'bearer') {
      throw errors.KEY_INVALID({ why: 'The Authorization header is not "Bearer <key>"' });
    }
    const parsed = parseKey(authorization.slice(space + 1).trim());
    if (!parsed) throw errors.KEY_INVALID({ why: 'The API key is malformed' });
    return parsed;
  }

  private accept(row: ApiKeyRow | null, secret: string, now: number): Caller {
    // An unknown keyId and a wrong secret answer alike, so key ids cannot be probed.
    if (!row || !this.matches(row, secret)) throw errors.KEY_INVALID({ why: INVALID });
    // ISO strings compare in time order; one string per millisecond, not per request.
    const nowIso = this.isoOf(now);
    if (row.revoke_time !== null && row.revoke_time <= nowIso) throw errors.KEY_REVOKED({ keyId: row.key_id });
    if (row.expire_time <= nowIso) throw errors.KEY_EXPIRED({ keyId: row.key_id, expireTime: row.expire_time });
    if (this.lastUsed.get(row.key_id) !== nowIso) this.lastUsed.set(row.key_id, nowIso);
    let caller = this.callers.get(row);
    if (!caller) this.callers.set(row, (caller = { principal: row.principal, keyId: row.key_id }));
    return caller;
  }

  private isoAt = -1;
  private iso = '';
  private isoOf(now: number): string {
    if (now !== this.isoAt) {
      this.isoAt = now;
      this.iso = new Date(now).toISOString();
    }
    return this.iso;
  }

  private matches(row: ApiKeyRow, secret: string): boolean {
    const presented = Buffer.from(secret);
    const known = this.verified.get(row);
    if (known && known.length === presented.length && timingSafeEqual(known, presented)) return true;
    if (!secretMatches(this.pepper, secret, row.secret_hash)) return false;
    this.verified.set(row, presented);
    return true;
  }

  /** Forgets a key at once in this process (after a local revoke or delete). */
  invalidate(keyId: string): void {
    this.cache.delete(keyId);
  }

  /** Writes the last-use times collected since the previous flush. */
  async flushLastUsed(): Promise<void> {
    if (this.lastUsed.size === 0) return;
    const batch = this.lastUsed;
    this.lastUsed = new Map();
    await this.store.touchKeys(batch);
  }
}
