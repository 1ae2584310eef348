import type { AuctionRequest, AuctionService, SponsoredWinner } from '../auction-service.js';
import { invalid } from './errors.js';
import { isObject, list, onlyFields, text } from './shapes.js';

/** Most auctions in one call, as at Topsort. */
export const MAX_AUCTIONS = 5;
/** Most slots Rouge fills in one auction (Topsort's own limit is higher; a page rarely shows more). */
export const MAX_SLOTS = 40;
const LISTINGS_FIELDS = ['type', 'slots', 'products', 'category', 'searchQuery', 'opaqueUserId', 'placementId', 'geoTargeting', 'page'];

export interface TopsortResult {
  resultType: 'listings';
  winners: Array<{ rank: number; type: 'product'; id: string; resolvedBidId: string; campaignId: string }>;
  error: boolean;
}

/**
 * Runs each of a Topsort `POST /v2/auctions` request's listings auctions on
 * Rouge's auction. `products.ids` (with `qualityScores`) are the candidates;
 * `category` names catalogue categories by their path (`Makeup > Lips`) or a
 * segment's name (`Lipstick`), and `{ids}` / `{disjunctions}` combine them as
 * Topsort does. Banner auctions are refused with an errCode.
 */
export async function runTopsortAuctions(auctions: AuctionService, project: string, body: unknown): Promise<{ results: TopsortResult[] }> {
  if (!isObject(body) || Object.keys(body).length === 0) throw invalid('empty_request', 'the body must be {"auctions": [...]}');
  onlyFields(body, ['auctions'], 'body');
  const list_ = list(body.auctions, 'auctions', 1, MAX_AUCTIONS, 'missing_auctions', 'too_many_auctions');
  const requests = list_.map((a, i) => toRequest(auctions, project, a, `auctions[${i}]`));
  const results: TopsortResult[] = [];
  for (const req of await Promise.all(requests)) {
    const r = await auctions.run(project, req);
    results.push({ resultType: 'listings', winners: r.winners.map(toWinner), error: false });
  }
  return { results };
}

function toWinner(w: SponsoredWinner): TopsortResult['winners'][number] {
  return { rank: w.rank, type: 'product', id: w.id, resolvedBidId: w.resolvedBidId, campaignId: w.campaignId };
}

async function toRequest(auctions: AuctionService, project: string, a: unknown, where: string): Promise<AuctionRequest> {
  if (!isObject(a)) throw invalid('bad_request', `${where} must be an object`);
  if (a.type !== 'listings') throw invalid('invalid_auction_type', `${where}.type ${JSON.stringify(a.type)} is not supported: Rouge runs "listings" auctions (sponsored products), not banners`);
  onlyFields(a, LISTINGS_FIELDS, where);
  if (a.slots === undefined) throw invalid('missing_slots', `${where}.slots is missing: how many sponsored products to return`);
  if (!Number.isInteger(a.slots)) throw invalid('bad_request', `${where}.slots must be an integer`);
  const slots = a.slots as number;
  if (slots < 1) throw invalid('too_few_slots', `${where}.slots must be at least 1`);
  if (slots > MAX_SLOTS) throw invalid('too_many_slots', `${where}.slots must be at most ${MAX_SLOTS}`);
  if ((a.products === undefined) === (a.category === undefined)) throw invalid('missing_context', `${where} needs exactly one of products or category`);
  const req: AuctionRequest = { slots };
  if (a.opaqueUserId !== undefined) req.userId = text(a.opaqueUserId, `${where}.opaqueUserId`, 'bad_request', 256);
  if (a.searchQuery !== undefined) text(a.searchQuery, `${where}.searchQuery`);
  if (a.products !== undefined) {
    const p = a.products;
    if (!isObject(p)) throw invalid('no_products', `${where}.products must be {"ids": [...], "qualityScores"?: [...]}`);
    onlyFields(p, ['ids', 'qualityScores'], `${where}.products`);
    const ids = list(p.ids, `${where}.products.ids`, 1, 10_000, 'no_products').map((id, i) => text(id, `${where}.products.ids[${i}]`, 'missing_product_id', 128));
    let scores: number[] | undefined;
    if (p.qualityScores !== undefined) {
      scores = list(p.qualityScores, `${where}.products.qualityScores`, ids.length, ids.length) as number[];
      scores.forEach((s, i) => {
        if (typeof s !== 'number' || !(s > 0 && s <= 1)) throw invalid('bad_request', `${where}.products.qualityScores[${i}] must be a number in (0, 1]`);
      });
    }
    req.candidates = ids.map((id, i) => ({ id, ...(scores ? { quality: scores[i]! } : {}) }));
  } else {
    req.categories = await auctions.categoriesNamed(project, categoryGroups(a.category, `${where}.category`));
  }
  return req;
}

/** Topsort's category forms as a union of intersections: {id} is [[id]], {ids} is [ids], {disjunctions} as given. */
function categoryGroups(c: unknown, where: string): string[][] {
  if (!isObject(c)) throw invalid('bad_request', `${where} must be {"id"}, {"ids"} or {"disjunctions"}`);
  onlyFields(c, ['id', 'ids', 'disjunctions'], where);
  if (Object.keys(c).length !== 1) throw invalid('bad_request', `${where} takes exactly one of id, ids and disjunctions`);
  if (c.id !== undefined) return [[text(c.id, `${where}.id`)]];
  if (c.ids !== undefined) return [list(c.ids, `${where}.ids`, 1, 100).map((x, i) => text(x, `${where}.ids[${i}]`))];
  return list(c.disjunctions, `${where}.disjunctions`, 1, 5).map((g, i) => list(g, `${where}.disjunctions[${i}]`, 1, 100).map((x, j) => text(x, `${where}.disjunctions[${i}][${j}]`)));
}
