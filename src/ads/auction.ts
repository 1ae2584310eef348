/** One campaign's bid on one product, as an auction sees it. */
export interface Offer {
  campaign: string;
  advertiser: string;
  item: string;
  /** Most a click may cost, minor units. */
  bid: number;
}

/** An eligible offer with its quality (predicted CTR, in (0, 1]) and rank score, quality x bid. */
export interface Entry<O extends Offer = Offer> {
  offer: O;
  quality: number;
  score: number;
}

export interface Placed<O extends Offer = Offer> extends Entry<O> {
  /** 1 for the top slot. */
  rank: number;
  /** What a click costs, minor units. */
  price: number;
}

export interface Pricing {
  slots: number;
  reservePrice: number;
  auctionType: 'second_price' | 'first_price';
}

/** Highest score first; ties go to the lower campaign id, then item id, so equal bids rank the same way in every process. */
function byScore(a: Entry, b: Entry): number {
  return b.score - a.score || (a.offer.campaign < b.offer.campaign ? -1 : a.offer.campaign > b.offer.campaign ? 1 : 0) || (a.offer.item < b.offer.item ? -1 : a.offer.item > b.offer.item ? 1 : 0);
}

/**
 * Ranks eligible offers by quality x bid and prices the winners, one product
 * per slot. Second price (the default, as at Topsort): a winner pays the
 * least bid that would still have beaten the next other advertiser's offer
 * that could have taken its slot (that offer's score over the winner's
 * quality, plus one minor unit), never more than its bid nor less than the
 * reserve; an uncontested winner pays the reserve. First price: a winner pays its bid.
 *
 * @example
 * // equal quality, bids 100 and 35: the winner pays 36 (Topsort's $1.00 against $0.35)
 * place([{ offer: a, quality: 0.1, score: 10 }, { offer: b, quality: 0.1, score: 3.5 }], { slots: 1, reservePrice: 1, auctionType: 'second_price' });
 */
export function place<O extends Offer>(entries: Entry<O>[], p: Pricing): Placed<O>[] {
  // Selection, not a sort: a page fills a few slots from hundreds of offers, and each slot needs
  // only the best remaining offer and, for its price, the best one after it of another advertiser.
  const left = entries.slice();
  const won = new Set<string>();
  const out: Placed<O>[] = [];
  while (out.length < p.slots) {
    let best = -1;
    for (let i = 0; i < left.length; i++) {
      if (won.has(left[i]!.offer.item)) continue;
      if (best < 0 || byScore(left[i]!, left[best]!) < 0) best = i;
    }
    if (best < 0) break;
    const e = left[best]!;
    left[best] = left[left.length - 1]!;
    left.pop();
    let price = e.offer.bid;
    if (p.auctionType === 'second_price') {
      // The next offer of another advertiser whose product no higher winner took: had this one bid
      // less, it would have had this slot. An advertiser's own offers never raise its price.
      let next: Entry<O> | undefined;
      for (const o of left) {
        if (won.has(o.offer.item) || o.offer.advertiser === e.offer.advertiser) continue;
        if (next === undefined || byScore(o, next) < 0) next = o;
      }
      const needed = next ? Math.floor(roundMicro(next.score / e.quality)) + 1 : p.reservePrice;
      price = Math.min(e.offer.bid, Math.max(p.reservePrice, needed));
    }
    won.add(e.offer.item);
    out.push({ ...e, rank: out.length + 1, price });
  }
  return out;
}

/** 35.000000001 and 34.999999999 are 35: quality x bid / quality is not always exact in floating point. */
function roundMicro(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
