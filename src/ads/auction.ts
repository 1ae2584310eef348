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

/**
 * One auction's eligible offers as parallel arrays. A server keeps one and
 * refills it for every auction: a search page weighs hundreds to thousands of
 * offers, and an object per offer per request was garbage the collector's
 * helper threads then took from the same core as the requests.
 */
export class Pool<O extends Offer = Offer> {
  readonly offers: O[] = [];
  quality = new Float64Array(256);
  score = new Float64Array(256);
  /** Set while placing: the offer won, or was found on a product a higher slot took. */
  taken = new Uint8Array(256);
  n = 0;

  /**
   * Forgets the last auction's offers once it is decided: a book replaced by
   * a reload must not stay reachable through the pool (its offers remember
   * the relevance function they were last asked by, and with it a model).
   */
  release(): void {
    // undefined, not holes: the array keeps its fast packed layout.
    (this.offers as Array<O | undefined>).fill(undefined, 0, this.n);
    this.n = 0;
  }

  add(offer: O, quality: number, score: number = quality * offer.bid): void {
    if (this.n === this.score.length) this.grow();
    this.offers[this.n] = offer;
    this.quality[this.n] = quality;
    this.score[this.n] = score;
    this.n++;
  }

  private grow(): void {
    const size = this.score.length * 2;
    const quality = new Float64Array(size);
    quality.set(this.quality);
    const score = new Float64Array(size);
    score.set(this.score);
    this.quality = quality;
    this.score = score;
    this.taken = new Uint8Array(size);
  }
}

/** Whether offer i ranks above offer j: higher score first; ties go to the lower campaign id, then item id, so equal bids rank the same way in every process. */
function above(pool: Pool, i: number, j: number): boolean {
  const si = pool.score[i]!;
  const sj = pool.score[j]!;
  if (si !== sj) return si > sj;
  const a = pool.offers[i]!;
  const b = pool.offers[j]!;
  if (a.campaign !== b.campaign) return a.campaign < b.campaign;
  return a.item < b.item;
}

/**
 * Ranks a pool's offers by quality x bid and prices the winners, one product
 * per slot. Second price (the default, as at Topsort): a winner pays the
 * least bid that would still have beaten the next other advertiser's offer
 * that could have taken its slot (that offer's score over the winner's
 * quality, plus one minor unit), never more than its bid nor less than the
 * reserve; an uncontested winner pays the reserve. First price: a winner pays its bid.
 */
export function placePool<O extends Offer>(pool: Pool<O>, p: Pricing): Placed<O>[] {
  // Selection, not a sort: a page fills a few slots from hundreds of offers, and each slot needs
  // only the best remaining offer and, for its price, the best one after it of another advertiser.
  // The loops compare scores from the pool's arrays and read an offer itself (a cache miss each,
  // scattered over the heap) only when its score could take the lead.
  const { offers, score, n } = pool;
  const taken = pool.taken;
  taken.fill(0, 0, n);
  const wonItems: string[] = [];
  const out: Placed<O>[] = [];
  while (out.length < p.slots) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (taken[i] === 1 || (best >= 0 && score[i]! < score[best]!)) continue;
      // A product on the page already (a higher slot's) takes no other slot.
      if (wonItems.includes(offers[i]!.item)) taken[i] = 1;
      else if (best < 0 || above(pool, i, best)) best = i;
    }
    if (best < 0) break;
    const e = offers[best]!;
    taken[best] = 1;
    let price = e.bid;
    if (p.auctionType === 'second_price') {
      // The next offer of another advertiser whose product no higher winner took: had this one bid
      // less, it would have had this slot. An advertiser's own offers never raise its price.
      let next = -1;
      for (let i = 0; i < n; i++) {
        if (taken[i] === 1 || (next >= 0 && score[i]! < score[next]!)) continue;
        const o = offers[i]!;
        if (o.advertiser === e.advertiser) continue;
        if (wonItems.includes(o.item)) taken[i] = 1;
        else if (next < 0 || above(pool, i, next)) next = i;
      }
      const needed = next >= 0 ? Math.floor(roundMicro(score[next]! / pool.quality[best]!)) + 1 : p.reservePrice;
      price = Math.min(e.bid, Math.max(p.reservePrice, needed));
    }
    wonItems.push(e.item);
    out.push({ offer: e, quality: pool.quality[best]!, score: score[best]!, rank: out.length + 1, price });
  }
  return out;
}

/**
 * `placePool` over a list of entries.
 *
 * @example
 * // equal quality, bids 100 and 35: the winner pays 36 (Topsort's $1.00 against $0.35)
 * place([{ offer: a, quality: 0.1, score: 10 }, { offer: b, quality: 0.1, score: 3.5 }], { slots: 1, reservePrice: 1, auctionType: 'second_price' });
 */
export function place<O extends Offer>(entries: Entry<O>[], p: Pricing): Placed<O>[] {
  const pool = new Pool<O>();
  for (const e of entries) pool.add(e.offer, e.quality, e.score);
  return placePool(pool, p);
}

/** 35.000000001 and 34.999999999 are 35: quality x bid / quality is not always exact in floating point. */
function roundMicro(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
