import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

/** How long a winner's resolvedBidId is good for: a click a day after the page was shown is not charged. */
export const BID_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** What a resolvedBidId carries: the winner, its price, and when the auction ran. */
export interface BidClaim {
  campaign: string;
  advertiser: string;
  item: string;
  /** What a click costs, minor units. */
  cpc: number;
  /** The auction's time, epoch ms. */
  at: number;
}

/** A forged token tells nothing; an expired one is genuine, so its claim still names the campaign (for reports). */
export type TokenCheck = { ok: true; claim: BidClaim } | { ok: false; reason: 'forged' } | { ok: false; reason: 'expired'; claim: BidClaim };

/** Random bytes for nonces, drawn 4 KB at a time: a call into the CSPRNG per winner cost a third of signing it. */
const pool = Buffer.alloc(4096);
let used = pool.length;

/** Six random bytes, base64url. */
function nonce(): string {
  if (used + 6 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 6;
  return pool.toString('base64url', used - 6, used);
}

/**
 * Signs and checks resolvedBidIds. A token is its claim (base64url JSON) and
 * an HMAC-SHA256 of the project and the claim: a token cannot be forged,
 * altered (a cheaper price, another campaign) or carried to another project,
 * and every process holding the key checks it without the store.
 */
export class BidTokens {
  private readonly key: Buffer;
  constructor(key: string) {
    this.key = Buffer.from(key, 'utf8');
  }

  sign(project: string, c: BidClaim): string {
    // A nonce keeps two winners of one millisecond apart: each gets its own charge key.
    const body = Buffer.from(JSON.stringify([c.campaign, c.advertiser, c.item, c.cpc, c.at, nonce()])).toString('base64url');
    return `${body}.${this.mac(project, body)}`;
  }

  /**
   * `eventTime` is when the client says the event happened, `now` the server's
   * clock: a token is expired a day after its auction by the server's clock
   * (a backdated event cannot revive it), and an event dated before its
   * auction (beyond a minute of clock skew) is refused too.
   */
  check(project: string, token: string, eventTime: number, now: number = eventTime): TokenCheck {
    const dot = token.indexOf('.');
    if (dot <= 0) return { ok: false, reason: 'forged' };
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const want = Buffer.from(this.mac(project, body), 'base64url');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'forged' };
    let parts: unknown;
    try {
      parts = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'forged' };
    }
    if (!Array.isArray(parts) || parts.length !== 6) return { ok: false, reason: 'forged' };
    const [campaign, advertiser, item, cpc, at] = parts as [string, string, string, number, number];
    const claim = { campaign, advertiser, item, cpc, at };
    if (now - at > BID_TOKEN_TTL_MS || eventTime - at > BID_TOKEN_TTL_MS || at - eventTime > 60_000) return { ok: false, reason: 'expired', claim };
    return { ok: true, claim };
  }

  private mac(project: string, body: string): string {
    return createHmac('sha256', this.key).update(project).update('\u0000').update(body).digest().subarray(0, 18).toString('base64url');
  }
}
