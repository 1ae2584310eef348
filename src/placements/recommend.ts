import { randomUUID } from 'node:crypto';
import type { CatalogFace, RecentEvent } from '../catalog/index.js';
import type { RecsModel, Scored } from '../recs/index.js';
import type { ServingFace } from '../serving/index.js';
import type { CompiledRecommenders, CompiledRecommender } from './compiled.js';
import * as errors from './errors.js';
import { sellable, type ItemRecord, type ItemTable } from './item-table.js';
import type { ItemMapping, LoadedModel, ModelCache } from './loaded-models.js';
import { assignVariant, experimentRecommendationId, type Variant } from './experiment.js';
import { FilterCache } from './filter-cache.js';
import { reorder, rerankFeatures, scoresOf, type RerankConfig } from './rerank.js';
import { roundRobin } from './round-robin.js';
import { searchRanking } from './search-ranking.js';
import type { ItemField } from './schemas.js';
import { sponsor, type SponsoredItem } from './sponsored.js';
import type { AdsFace } from '../ads/index.js';

/** How many recent events of a shopper the live history reads. */
const HISTORY_EVENTS = 50;
/** Most candidates fetched before rules that reorder or thin them out (boosts, a brand cap). */
const MAX_CANDIDATES = 400;
/** How much a shopper's live history reorders a `similar` placement, against the anchor's own similarity (both scaled to 1). */
const SIMILAR_PERSONAL = 0.5;

export interface RecommendRequest {
  userId?: string;
  sessionId?: string;
  itemIds?: string[];
  query?: string;
  filter?: string;
  limit?: number;
  fields?: ItemField[];
  /** Sponsored products to auction beside the organic ones (0 to 10). */
  sponsoredSlots?: number;
  /** With sponsoredSlots: the auction's reasons (an ads manager's). */
  debug?: boolean;
}

type Reason = Scored['reason'] | 'query_match' | 'fallback_popular';
export interface RecommendedItem {
  id: string;
  score: number;
  reason: Reason;
  [field: string]: unknown;
}

export interface RecommendResult {
  items: RecommendedItem[];
  matched: boolean;
  fallback: boolean;
  notes: string[];
  modelVersion: string;
  recommendationId: string;
  /** The experiment's variant this response came from (only when the recommender runs one). */
  variant?: string;
  /** Sponsored products (only when the request asked for sponsoredSlots), never one of `items`. */
  sponsored?: SponsoredItem[];
  /** Why each campaign won, lost or was ineligible (debug, for an ads manager). */
  adsDebug?: unknown;
}

/** What the shopper's context resolved to. */
interface Context {
  /** Model indices of the context items and the live history, oldest first. */
  history: number[];
  /** The live history alone (the shopper's recent events), oldest first. */
  recent: number[];
  /** Indices never to return: the context items and what the shopper already has in view. */
  seen: Set<number>;
  purchased: Set<string>;
  /** Categories the fallback stays in; empty means the whole catalogue. */
  categories: Set<string>;
  notes: string[];
}

/**
 * The `:recommend` path: a recommender's kind picks candidates from its
 * model, the rules and the request's filter decide what may be shown, and a
 * placement that would come back empty falls back to what is popular in the
 * same category. Everything it reads per request is in memory (the model, the
 * items, the compiled rules) except the shopper's recent events, which are
 * read live so what they did a second ago counts.
 */
export class Recommender {
  private readonly filters = new FilterCache();

  constructor(
    private readonly compiled: CompiledRecommenders,
    private readonly models: ModelCache,
    private readonly items: ItemTable,
    private readonly catalog: CatalogFace,
    private readonly serving: Pick<ServingFace, 'predict'>,
    private readonly ads: Pick<AdsFace, 'auctions' | 'mayDebug'>,
  ) {}

  /** `principal` is the caller, asked only when the request wants the auction's reasons. */
  async recommend(project: string, name: string, req: RecommendRequest, principal = ''): Promise<RecommendResult> {
    if (req.debug && req.sponsoredSlots) await this.ads.mayDebug(principal, project);
    const rec = await this.compiled.get(project, name);
    const requestFilter = this.filters.get(req.filter);
    // An experiment's variant may follow another model or re-rank otherwise; the unit's hash picks it.
    let variant: Variant | undefined;
    let unitMissing: string | undefined;
    if (rec.experiment) {
      const unit = rec.experiment.unit === 'userId' ? req.userId : req.sessionId;
      variant = unit === undefined ? rec.experiment.variants[0]! : assignVariant(rec.experiment, project, name, unit);
      if (unit === undefined) unitMissing = `no ${rec.experiment.unit} in the request: served the control variant ${variant.name}`;
    }
    const rerankCfg = variant && variant.rerank !== undefined ? (variant.rerank ?? undefined) : rec.rerank;
    const tag = (r: RecommendResult): RecommendResult => (variant ? { ...r, variant: variant.name, recommendationId: experimentRecommendationId(r.recommendationId, name, variant.name) } : r);
    const loaded = await this.models.get(project, variant?.model ?? rec.model);
    const map = loaded.mapOnto(await this.items.of(project));
    const limit = req.limit ?? 10;
    const ctx = await this.context(project, rec, req, loaded, map);
    if (unitMissing) ctx.notes.push(unitMissing);

    let categoryOnly: Set<string> | undefined;
    let matched = true;
    if (rec.kind === 'search') {
      const query = req.query?.trim();
      if (!query) throw errors.CONTEXT_MISSING({ kind: 'search', needs: 'a non-empty query' });
      const match = await this.catalog.matchCategories(project, query);
      if (!match.matched || match.categories.length === 0) {
        return tag({
          items: [], matched: false, fallback: false, notes: [...ctx.notes, `no category of the catalogue matches ${JSON.stringify(query.slice(0, 100))}`], modelVersion: loaded.version.name, recommendationId: randomUUID(),
          ...(req.sponsoredSlots ? { sponsored: [] } : {}),
        });
      }
      categoryOnly = new Set(match.categories.map((c) => c.path.join(' > ')));
      ctx.categories = categoryOnly;
    }

    const { rules } = rec;
    const accept = (i: number): boolean => {
      const r = map.byIndex[i];
      return r !== undefined && sellable(r) && !ctx.seen.has(i) && !rules.exclude.has(r.id) && !ctx.purchased.has(r.id)
        && (categoryOnly === undefined || categoryOnly.has(r.category))
        && (rules.filter === undefined || rules.filter(r)) && (requestFilter === undefined || requestFilter(r));
    };
    const reorders = rules.maxPerBrand !== undefined || rules.boosts.length > 0;
    const want = Math.min(MAX_CANDIDATES, Math.max(reorders ? limit * 4 : limit, rerankCfg?.topK ?? 0));

    let scored: Array<{ item: number; score: number; reason: Reason }> = [];
    const m = loaded.model;
    const context = ctx.history.filter((i) => i >= 0);
    switch (rec.kind) {
      case 'similar':
      case 'bought-together': {
        const anchors = req.itemIds?.map((id) => m.indexOf(id)).filter((i) => i >= 0) ?? [];
        if (!req.itemIds?.length) throw errors.CONTEXT_MISSING({ kind: rec.kind, needs: 'itemIds (the product on the page, or the cart)' });
        matched = anchors.length > 0;
        scored = merge(anchors.map((a) => (rec.kind === 'similar' ? m.similar(a, want, accept) : m.boughtTogether(a, want, accept))), want);
        if (rec.kind === 'similar' && ctx.recent.length > 0) scored = personalise(scored, m.recommend(ctx.recent, MAX_CANDIDATES, accept));
        break;
      }
      case 'for-you':
        if (req.userId === undefined && req.sessionId === undefined && !req.itemIds?.length) throw errors.CONTEXT_MISSING({ kind: 'for-you', needs: 'a userId, a sessionId or itemIds' });
        matched = context.length > 0;
        if (matched) scored = m.recommend(context, want, accept).filter((s) => s.reason !== 'popular');
        else ctx.notes.push('no history for this shopper yet: showing what is popular');
        break;
      case 'search':
        scored = searchRanking(req.query!, context.length > 0 ? m.recommend(context, want, accept).filter((s) => s.reason !== 'popular') : [], map, categoryOnly!, accept, want);
        break;
      case 'trending':
        scored = m.trending(want, accept);
        break;
      case 'popular':
        scored = m.popular(want, accept);
        break;
    }

    if (rerankCfg && scored.length > 1) scored = await this.rerank(project, rerankCfg, scored, m, map, ctx, req.userId ?? req.sessionId);
    let items = applyRules(scored, rec, map, limit);
    let fallback = false;
    if (items.length < limit && rec.kind !== 'search') {
      const before = items.length;
      const pool = fillFrom(items, map, ctx.categories, accept, limit * (reorders ? 4 : 1), 'fallback_popular');
      items = applyRules(pool, rec, map, limit);
      fallback = items.length > before;
    }
    if (items.length === 0) ctx.notes.push('the rules and filters leave no item to show');
    const fields = req.fields ?? rec.fields;
    const result: RecommendResult = {
      items: items.map((s) => view(s, map.byIndex[s.item]!, fields)),
      matched, fallback, notes: ctx.notes, modelVersion: loaded.version.name, recommendationId: randomUUID(),
    };
    if (req.sponsoredSlots) await this.sponsored(project, rec, req, result, categoryOnly ?? this.pageCategories(rec.kind, req, map, result), m, map, fields);
    return tag(result);
  }

  /**
   * Fills the sponsored slots: the auction runs over the page's categories
   * (the query's, the context items', or else the organic items'), never
   * repeating a product shown organically. A failing auction costs the page
   * its ads, never its recommendations.
   */
  private async sponsored(project: string, rec: CompiledRecommender, req: RecommendRequest, result: RecommendResult, categories: ReadonlySet<string>, m: RecsModel, map: ItemMapping, fields: readonly ItemField[]): Promise<void> {
    const shown = new Set(result.items.map((i) => i.id));
    for (const id of req.itemIds ?? []) shown.add(id);
    let excludeBrands: Set<string> | undefined;
    if (rec.rules.sponsoredOtherBrands && req.itemIds?.length) {
      excludeBrands = new Set();
      for (const id of req.itemIds) {
        const brand = map.items.byId.get(id)?.brand;
        if (brand !== undefined) excludeBrands.add(brand);
      }
    }
    try {
      const { sponsored, debug } = await sponsor(this.ads.auctions, project, {
        slots: req.sponsoredSlots!, categories, shown, ...(excludeBrands ? { excludeBrands } : {}),
        ...(req.userId !== undefined ? { userId: req.userId } : {}), ...(req.sessionId !== undefined ? { sessionId: req.sessionId } : {}), ...(req.debug ? { debug: true } : {}),
      }, m, map, fields);
      result.sponsored = sponsored;
      if (debug) result.adsDebug = debug;
    } catch (e) {
      result.sponsored = [];
      result.notes.push(`no sponsored products: the auction failed (${e instanceof Error ? e.message.slice(0, 200) : String(e)})`);
    }
  }

  /** What a page without a query is about: its context items' categories, else those of what it shows. */
  private pageCategories(kind: string, req: RecommendRequest, map: ItemMapping, result: RecommendResult): Set<string> {
    const out = new Set<string>();
    for (const id of req.itemIds ?? []) {
      const c = map.items.byId.get(id)?.category;
      if (c !== undefined) out.add(c);
    }
    if (out.size > 0 && kind !== 'bought-together') return out;
    for (const i of result.items) {
      const c = map.items.byId.get(i.id)?.category;
      if (c !== undefined) out.add(c);
    }
    return out;
  }

  /**
   * The best `topK` candidates re-ordered by the endpoint's model, called in
   * process through the serving module (its split, sticky on the shopper).
   * Past the budget, or on any failure, the placement keeps its own order and
   * says why in `notes`; a late answer is dropped.
   */
  private async rerank<T extends { item: number; score: number }>(project: string, cfg: RerankConfig, scored: T[], m: RecsModel, map: ItemMapping, ctx: Context, routingKey: string | undefined): Promise<T[]> {
    const head = scored.slice(0, cfg.topK);
    const history = new Map<string, number>();
    for (const i of ctx.recent) {
      const c = map.byIndex[i]?.category;
      if (c !== undefined) history.set(c, (history.get(c) ?? 0) + 1);
    }
    const maxPop = m.data.pop[m.data.popOrder[0] ?? 0] || 1;
    const rows = rerankFeatures(head, map.byIndex, {
      popularity: (i) => (m.data.pop[i] ?? 0) / maxPop, categories: ctx.categories, history, historyLength: ctx.recent.length, now: Date.now(),
    });
    const endpoint = `projects/${project}/endpoints/${cfg.endpoint}`;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), cfg.budgetMs)));
    const call = this.serving.predict(project, cfg.endpoint, rows, routingKey);
    try {
      const answer = await Promise.race([call, late]);
      if (answer === 'late') {
        call.catch(() => undefined);
        ctx.notes.push(`not re-ranked: ${endpoint} took longer than ${cfg.budgetMs} ms`);
        return scored;
      }
      const scores = scoresOf(answer.predictions, head.length);
      if (!scores) {
        ctx.notes.push(`not re-ranked: ${endpoint} did not answer one score per candidate`);
        return scored;
      }
      return reorder(scored, scores);
    } catch (e) {
      ctx.notes.push(`not re-ranked: ${endpoint} failed (${e instanceof Error ? e.message.slice(0, 200) : String(e)})`);
      return scored;
    } finally {
      clearTimeout(timer);
    }
  }

  private async context(project: string, rec: CompiledRecommender, req: RecommendRequest, loaded: LoadedModel, map: ItemMapping): Promise<Context> {
    const m = loaded.model;
    const ctx: Context = { history: [], recent: [], seen: new Set(), purchased: new Set(), categories: new Set(), notes: [] };
    const unknown: string[] = [];
    const live = rec.kind === 'for-you' || rec.kind === 'search' || rec.kind === 'similar' || rec.rules.excludePurchased;
    let events: RecentEvent[] = [];
    if (live && (req.userId !== undefined || req.sessionId !== undefined)) {
      events = await this.catalog.events.recent(project, { ...(req.userId !== undefined ? { userId: req.userId } : {}), ...(req.sessionId !== undefined ? { sessionId: req.sessionId } : {}) }, HISTORY_EVENTS);
    }
    for (const e of events) {
      for (const id of e.itemIds ?? []) {
        if (e.type === 'purchase') ctx.purchased.add(id);
        if (e.type === 'impression' || e.type === 'search' || e.type === 'page_view') continue;
        const i = m.indexOf(id);
        if (i < 0) continue;
        ctx.history.push(i);
        ctx.recent.push(i);
        // A product page's "similar" slot is better spent on what the shopper has not just looked at.
        if (rec.kind === 'similar') ctx.seen.add(i);
      }
    }
    if (!rec.rules.excludePurchased) ctx.purchased.clear();
    for (const id of req.itemIds ?? []) {
      const i = m.indexOf(id);
      if (i < 0) {
        unknown.push(id);
        const r = map.items.byId.get(id);
        if (r) ctx.categories.add(r.category);
        continue;
      }
      ctx.history.push(i);
      ctx.seen.add(i);
    }
    if (unknown.length > 0) ctx.notes.push(`not known to the model (new since training, or not in the catalogue): ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''}`);
    // The fallback stays near what the shopper is looking at: the context items' and latest history's categories.
    for (const i of ctx.history.slice(-3)) {
      const r = map.byIndex[i];
      if (r) ctx.categories.add(r.category);
    }
    return ctx;
  }
}

/**
 * Similar items reordered by what the shopper did lately (read live, so a
 * view a second ago counts): each keeps its similarity to the anchor and
 * gains up to half of it again from the shopper's own scores; no item is added.
 */
function personalise(similar: Array<{ item: number; score: number; reason: Reason }>, personal: Scored[]): Array<{ item: number; score: number; reason: Reason }> {
  const topSimilar = similar[0]?.score ?? 0;
  const topPersonal = personal[0]?.score ?? 0;
  if (topSimilar <= 0 || topPersonal <= 0) return similar;
  const mine = new Map(personal.filter((p) => p.reason !== 'popular').map((p) => [p.item, p.score / topPersonal]));
  return similar.map((s) => ({ ...s, score: s.score / topSimilar + SIMILAR_PERSONAL * (mine.get(s.item) ?? 0) }))
    .sort((a, b) => b.score - a.score || a.item - b.item);
}

/** Sums the scores of several anchors' lists (a cart of several items), best first. */
function merge(lists: Scored[][], k: number): Scored[] {
  if (lists.length === 1) return lists[0]!;
  const by = new Map<number, Scored>();
  for (const list of lists) {
    for (const s of list) {
      const have = by.get(s.item);
      if (have) have.score += s.score;
      else by.set(s.item, { ...s });
    }
  }
  return [...by.values()].sort((a, b) => b.score - a.score).slice(0, k);
}

/** Adds popular items of the given categories (every category when none) until `want` items are there. */
function fillFrom<T extends { item: number; score: number; reason: Reason }>(have: T[], map: ItemMapping, categories: Set<string>, accept: (i: number) => boolean, want: number, reason: Reason): Array<{ item: number; score: number; reason: Reason }> {
  const out: Array<{ item: number; score: number; reason: Reason }> = [...have];
  const taken = new Set(have.map((s) => s.item));
  const next = roundRobin(map, categories, (i) => !taken.has(i) && accept(i));
  for (let rank = 0; out.length < want; rank++) {
    const i = next();
    if (i < 0) break;
    out.push({ item: i, score: 1 / (1 + rank), reason });
  }
  return out;
}

/** Boosts, then the brand cap, then the limit. */
function applyRules(scored: Array<{ item: number; score: number; reason: Reason }>, rec: CompiledRecommender, map: ItemMapping, limit: number): Array<{ item: number; score: number; reason: Reason }> {
  const { boosts, maxPerBrand } = rec.rules;
  let list = scored;
  if (boosts.length > 0) {
    list = list.map((s) => {
      const r = map.byIndex[s.item]!;
      let score = s.score;
      for (const b of boosts) if (b.test(r)) score *= b.factor;
      return { ...s, score };
    }).sort((a, b) => b.score - a.score);
  }
  if (maxPerBrand === undefined) return list.slice(0, limit);
  const perBrand = new Map<string, number>();
  const out = [];
  for (const s of list) {
    const brand = map.byIndex[s.item]!.brand;
    const n = perBrand.get(brand) ?? 0;
    if (n >= maxPerBrand) continue;
    perBrand.set(brand, n + 1);
    out.push(s);
    if (out.length === limit) break;
  }
  return out;
}

function view(s: { item: number; score: number; reason: Reason }, r: ItemRecord, fields: readonly ItemField[]): RecommendedItem {
  const out: RecommendedItem = { id: r.id, score: Math.round(s.score * 1e6) / 1e6, reason: s.reason };
  for (const f of fields) {
    const v = r[f];
    if (v !== undefined) out[f] = v;
  }
  return out;
}

