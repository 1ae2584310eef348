import { describe, expect, it } from 'vitest';
import { BID_TOKEN_TTL_MS, BidTokens } from './bid-token.js';

const claim = { campaign: 'spring', advertiser: 'aurelia', item: 'lip-1', cpc: 36, at: Date.parse('2026-12-06T12:00:00Z') };

describe('resolvedBidId', () => {
  const tokens = new BidTokens('k'.repeat(40));

  it('round-trips its claim in the project it was signed for', () => {
    const t = tokens.sign('shop', claim);
    expect(tokens.check('shop', t, claim.at + 5000)).toEqual({ ok: true, claim });
  });

  it('gives every winner its own token, even of one claim in one millisecond (each is its own charge key)', () => {
    // Enough tokens to draw the nonce pool dry several times over.
    const many = new Set(Array.from({ length: 3000 }, () => tokens.sign('shop', claim)));
    expect(many.size).toBe(3000);
    for (const t of [...many].slice(-3)) expect(tokens.check('shop', t, claim.at)).toEqual({ ok: true, claim });
  });

  it('is refused when altered, invented, carried to another project or signed with another key', () => {
    const t = tokens.sign('shop', claim);
    const [body, sig] = t.split('.') as [string, string];
    const cheaper = Buffer.from(Buffer.from(body, 'base64url').toString().replace(',36,', ',1,')).toString('base64url');
    for (const [project, token] of [['shop', `${cheaper}.${sig}`], ['shop', 'made-up'], ['shop', `${body}.`], ['other', t]] as const) {
      expect(tokens.check(project, token, claim.at)).toEqual({ ok: false, reason: 'forged' });
    }
    expect(new BidTokens('z'.repeat(40)).check('shop', t, claim.at)).toEqual({ ok: false, reason: 'forged' });
  });

  it('expires a day after its auction, and is refused for an event before the auction', () => {
    const t = tokens.sign('shop', claim);
    expect(tokens.check('shop', t, claim.at + BID_TOKEN_TTL_MS + 1)).toEqual({ ok: false, reason: 'expired', claim });
    expect(tokens.check('shop', t, claim.at - 120_000)).toEqual({ ok: false, reason: 'expired', claim });
    // Backdating the event does not revive it: the server's clock decides.
    expect(tokens.check('shop', t, claim.at + 1000, claim.at + BID_TOKEN_TTL_MS + 1)).toEqual({ ok: false, reason: 'expired', claim });
  });

  it('gives two winners of the same auction different ids', () => {
    expect(tokens.sign('shop', claim)).not.toBe(tokens.sign('shop', claim));
  });
});
