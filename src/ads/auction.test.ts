import { describe, expect, it } from 'vitest';
import { place, placePool, Pool, type Entry, type Offer } from './auction.js';

const offer = (campaign: string, item: string, bid: number): Offer => ({ campaign, advertiser: `adv-${campaign}`, item, bid });
const entry = (o: Offer, quality: number): Entry => ({ offer: o, quality, score: quality * o.bid });
const second = { reservePrice: 5, auctionType: 'second_price' as const };

describe('place: the auction\'s ranking and prices, checked by hand', () => {
  it('charges the least bid that keeps the rank plus one minor unit (Topsort: 1.00 against 0.35 pays 0.36)', () => {
    const won = place([entry(offer('a', 'x', 100), 0.1), entry(offer('b', 'y', 35), 0.1)], { ...second, slots: 1 });
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ rank: 1, price: 36, offer: { campaign: 'a' } });
  });

  it('weighs bids by quality: a better ad wins with a lower bid and pays for the quality gap', () => {
    // a: 0.2 x 50 = 10; b: 0.05 x 150 = 7.5. a needs 7.5 / 0.2 = 37.5 -> pays 38. b is uncontested in slot 2: the reserve.
    const won = place([entry(offer('a', 'x', 50), 0.2), entry(offer('b', 'y', 150), 0.05)], { ...second, slots: 2 });
    expect(won.map((w) => [w.offer.campaign, w.rank, w.price])).toEqual([['a', 1, 38], ['b', 2, 5]]);
  });

  it('prices three slots against the next offer each time, and the last against the first loser', () => {
    // scores: a 0.1x90=9, b 0.1x80=8, c 0.05x120=6, d 0.1x40=4
    const entries = [entry(offer('a', 'p1', 90), 0.1), entry(offer('b', 'p2', 80), 0.1), entry(offer('c', 'p3', 120), 0.05), entry(offer('d', 'p4', 40), 0.1)];
    const won = place(entries, { ...second, slots: 3 });
    // a: 8/0.1 = 80 -> 81; b: 6/0.1 = 60 -> 61; c: 4/0.05 = 80 -> 81
    expect(won.map((w) => [w.offer.campaign, w.price])).toEqual([['a', 81], ['b', 61], ['c', 81]]);
  });

  it('never charges above the bid, nor below the reserve', () => {
    // Equal scores: the tie goes to campaign a, whose needed price (its own bid + 1) is capped at its bid.
    const tie = place([entry(offer('a', 'x', 40), 0.1), entry(offer('b', 'y', 40), 0.1)], { ...second, slots: 1 });
    expect(tie[0]).toMatchObject({ price: 40, offer: { campaign: 'a' } });
    const cheap = place([entry(offer('a', 'x', 40), 0.9), entry(offer('b', 'y', 2), 0.01)], { ...second, slots: 1 });
    expect(cheap[0]!.price).toBe(5);
  });

  it('shows a product once: a second campaign on the same product does not take a slot but does set the price', () => {
    const won = place([entry(offer('a', 'x', 100), 0.1), entry(offer('b', 'x', 70), 0.1), entry(offer('c', 'y', 20), 0.1)], { ...second, slots: 2 });
    expect(won.map((w) => [w.offer.campaign, w.offer.item, w.price])).toEqual([['a', 'x', 71], ['c', 'y', 5]]);
  });

  it('never makes an advertiser bid against itself: its own next product does not set its price', async () => {
    const own = (item: string, bid: number): Offer => ({ campaign: 'a', advertiser: 'acme', item, bid });
    // acme x and y at 100, b at 30: x pays what beating b takes (31), and so does y, not 100 each.
    const won = place([entry(own('x', 100), 0.1), entry(own('y', 100), 0.1), entry(offer('b', 'z', 30), 0.1)], { ...second, slots: 2 });
    expect(won.map((w) => [w.offer.item, w.price])).toEqual([['x', 31], ['y', 31]]);
  });

  it('charges the bid in a first-price auction', () => {
    const won = place([entry(offer('a', 'x', 100), 0.1), entry(offer('b', 'y', 35), 0.1)], { slots: 2, reservePrice: 5, auctionType: 'first_price' });
    expect(won.map((w) => w.price)).toEqual([100, 35]);
  });

  it('returns fewer winners than slots when there are fewer offers, and none for none', () => {
    expect(place([entry(offer('a', 'x', 10), 0.5)], { ...second, slots: 3 })).toHaveLength(1);
    expect(place([], { ...second, slots: 3 })).toEqual([]);
  });

  it('reuses one pool: it grows past its first size, and a release forgets the last auction\'s offers', () => {
    const pool = new Pool();
    for (let i = 0; i < 600; i++) pool.add(offer(`c${i}`, `p${i}`, 10 + i), 0.1);
    const big = placePool(pool, { ...second, slots: 2 });
    // c599 (score 60.9) pays what beating c598 (60.8) takes: 608 + 1; c598 then against c597.
    expect(big.map((w) => [w.offer.campaign, w.price])).toEqual([['c599', 609], ['c598', 608]]);
    pool.release();
    expect(pool.offers.slice(0, 600).every((o) => o === undefined)).toBe(true);
    pool.add(offer('a', 'x', 20), 0.1);
    pool.add(offer('b', 'y', 30), 0.1);
    expect(placePool(pool, { ...second, slots: 3 }).map((w) => [w.offer.campaign, w.price])).toEqual([['b', 21], ['a', 5]]);
  });

  it('agrees with a plain sort-and-scan on 500 random auctions full of ties, shared products and shared advertisers', () => {
    // The reference: rank everything, give each slot the first offer whose product is not yet on the
    // page, and price it against the first later offer of another advertiser with such a product.
    const reference = (entries: Entry[], p: { slots: number; reservePrice: number }) => {
      const ranked = entries.slice().sort((a, b) => b.score - a.score || (a.offer.campaign < b.offer.campaign ? -1 : a.offer.campaign > b.offer.campaign ? 1 : 0) || (a.offer.item < b.offer.item ? -1 : a.offer.item > b.offer.item ? 1 : 0));
      const won = new Set<string>();
      const out: Array<[string, string, number]> = [];
      while (out.length < p.slots) {
        const at = ranked.findIndex((e) => !won.has(e.offer.item));
        if (at < 0) break;
        const e = ranked[at]!;
        ranked.splice(at, 1);
        const next = ranked.find((o) => !won.has(o.offer.item) && o.offer.advertiser !== e.offer.advertiser);
        const needed = next ? Math.floor(Math.round((next.score / e.quality) * 1e6) / 1e6) + 1 : p.reservePrice;
        out.push([e.offer.campaign, e.offer.item, Math.min(e.offer.bid, Math.max(p.reservePrice, needed))]);
        won.add(e.offer.item);
      }
      return out;
    };
    let seed = 7; // mulberry32
    const rnd = (k: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * k);
    };
    for (let run = 0; run < 500; run++) {
      const entries = Array.from({ length: 1 + rnd(60) }, (_, i) => {
        const o: Offer = { campaign: `c${rnd(12)}`, advertiser: `a${rnd(4)}`, item: `p${rnd(15)}`, bid: 5 + rnd(6) * 10 };
        return entry({ ...o, campaign: `${o.campaign}-${i}` }, [0.1, 0.2, 0.05][rnd(3)]!);
      });
      const slots = 1 + rnd(5);
      const got = place(entries, { ...second, slots }).map((w) => [w.offer.campaign, w.offer.item, w.price]);
      expect(got, `run ${run}`).toEqual(reference(entries, { slots, reservePrice: second.reservePrice }));
    }
  });
});
