import MiniSearch, { type Query, type SearchResult } from 'minisearch';
import type { FastifyBaseLogger } from 'fastify';
import type { Cache } from '../platform/index.js';
import { CATEGORY_SEPARATOR } from './items.js';
import type { IndexedRow, ItemStore } from './item-store.js';
import { Pacer } from './pacer.js';
import { Synonyms } from './synonyms.js';
import { fuzziness, indexTerm, queryWords, words } from './text.js';

/** The signals channel on which item and synonym changes reach every process's index. */
export const CATALOG_CHANNEL = 'rouge.catalog.changes';

/** A category keeps up with the best one when its score is at least this share of the best: below it, it is another product type. */
const CATEGORY_RATIO = 0.5;
/** Query words searched; the rest of a long query is ignored. */
const MAX_QUERY_WORDS = 32;

interface Doc {
  id: string;
  title: string;
  brand: string;
  category: string;
  description: string;
}

/** The pending entry that stands for a synonyms change (no item id starts with NUL). */
const SYNONYMS = '\u0000synonyms';

/** A project's index being built: the changes signalled meanwhile, and whether the project was deleted meanwhile. */
interface Loading {
  done: Promise<ProjectIndex>;
  pending: Set<string>;
  dropped: boolean;
}

/** What a change signal carries. */
export interface ChangeSignal {
  project: string;
  ids?: string[];
  synonyms?: boolean;
}

/** The outcome of a search before items are read: the matched categories and the ranked ids inside them. */
export interface SearchHits {
  categories: Array<{ path: string[]; score: number; matchedItems: number }>;
  ids: string[];
  message?: string;
}

/**
 * "lip stick" for "lipstick": two adjacent query words whose concatenation is
 * a word of this catalogue become one segment matching either the joined word
 * or both words. The catalogue's own vocabulary decides, so no list of product
 * words is needed; a pair that joins into nothing the catalogue holds is left alone.
 */
function joinSplitWords(idx: ProjectIndex, segments: Array<{ alternatives: string[][] }>): Array<{ alternatives: string[][] }> {
  const single = (s: { alternatives: string[][] } | undefined) => (s && s.alternatives.length === 1 && s.alternatives[0]!.length === 1 ? s.alternatives[0]![0]! : undefined);
  const out: Array<{ alternatives: string[][] }> = [];
  for (let i = 0; i < segments.length; i++) {
    const a = single(segments[i]);
    const b = single(segments[i + 1]);
    if (a && b) {
      const joined = a + b;
      if (idx.search.search(joined, { fuzzy: false, prefix: false }).length > 0) {
        out.push({ alternatives: [[joined], [a, b]] });
        i++;
        continue;
      }
    }
    out.push(segments[i]!);
  }
  return out;
}

class ProjectIndex {
  readonly search = new MiniSearch<Doc>({
    fields: ['title', 'brand', 'category', 'description'],
    tokenize: words,
    processTerm: (t) => indexTerm(t),
    searchOptions: {
      // A word naming the category says most about what a product is; a description mentions many things.
      boost: { category: 3, title: 2, brand: 1.5, description: 0.4 },
      fuzzy: (term) => fuzziness(term),
    },
  });
  /** id -> category key, and category key -> item count: coverage needs both. */
  readonly categoryOf = new Map<string, string>();
  readonly sizes = new Map<string, number>();
  readonly paths = new Map<string, string[]>();
  /** The newest update_time applied, and whether a full reload is due (a missed deletion). */
  latest = '';
  synonyms = new Synonyms([]);

  put(row: IndexedRow): void {
    const path = JSON.parse(row.category_path) as string[];
    const doc: Doc = { id: row.id, title: row.title, brand: row.brand, category: path.join(' '), description: row.description };
    this.paths.set(row.category, path);
    const before = this.categoryOf.get(row.id);
    if (before !== undefined) {
      this.search.replace(doc);
      this.resize(before, -1);
    } else this.search.add(doc);
    this.categoryOf.set(row.id, row.category);
    this.resize(row.category, 1);
    if (row.update_time > this.latest) this.latest = row.update_time;
  }

  remove(id: string): void {
    const before = this.categoryOf.get(id);
    if (before === undefined) return;
    this.search.discard(id);
    this.categoryOf.delete(id);
    this.resize(before, -1);
  }

  private resize(category: string, by: number): void {
    const n = (this.sizes.get(category) ?? 0) + by;
    if (n <= 0) this.sizes.delete(category);
    else this.sizes.set(category, n);
  }
}

/**
 * The query-to-category index (one per serving process, per project, built on
 * first use): a MiniSearch full-text index over items' titles, brands,
 * category paths and descriptions, with typo tolerance, stemming and
 * per-project synonyms. A search finds items, then votes for their
 * categories: a category's score is the mean of its best three item scores,
 * weighted by the share of its items that matched; only categories close to
 * the best survive, and only their items are returned. So "lipstick" yields the
 * category whose items are lipsticks, not the lip balm whose description
 * mentions lipstick, and nothing in the code knows what a lipstick is.
 *
 * Changes arrive through the signals port within milliseconds; a periodic
 * check against the store repairs anything a lost signal missed.
 */
export class SearchIndex {
  private readonly projects = new Map<string, ProjectIndex>();
  private readonly loading = new Map<string, Loading>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly items: ItemStore, private readonly cache: Cache, private readonly log?: FastifyBaseLogger) {}

  /** Listens for changes from every process and starts the periodic repair. */
  async start(reconcileMs = 30_000): Promise<void> {
    this.unsubscribe = await this.cache.subscribe(CATALOG_CHANNEL, (message) => {
      void this.onSignal(JSON.parse(message) as ChangeSignal).catch((err: unknown) => this.log?.warn({ err }, 'catalog index update failed; the periodic check repairs it'));
    });
    this.timer = setInterval(() => void this.reconcileAll().catch(() => undefined), reconcileMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unsubscribe?.();
  }

  /**
   * Builds the index of every project that has items, one after another, so
   * the first searches after a start find it ready. A build runs in slices,
   * so requests are served meanwhile.
   */
  async warm(): Promise<void> {
    for (const project of await this.items.projects()) await this.index(project);
  }

  /** Tells every process's index that these items (or the project's synonyms) changed. */
  async signal(change: ChangeSignal): Promise<void> {
    await this.cache.publish(CATALOG_CHANNEL, JSON.stringify(change));
  }

  async search(project: string, query: string): Promise<SearchHits> {
    const idx = await this.index(project);
    const ws = queryWords(query, MAX_QUERY_WORDS);
    if (ws.length === 0) return { categories: [], ids: [], message: 'The query holds no words to search for (only punctuation, spaces or function words).' };
    const expanded = joinSplitWords(idx, idx.synonyms.expand(ws));
    const build = (combineWith: 'AND' | 'OR', tolerant: boolean): Query => ({
      combineWith,
      ...(tolerant ? {} : { fuzzy: false }),
      queries: expanded.map((s, i) => ({
        combineWith: 'OR',
        queries: s.alternatives.map((words) => ({
          combineWith: 'AND', queries: words,
          // As-you-type: the last word may be unfinished.
          prefix: (term: string) => tolerant && i === expanded.length - 1 && term.length >= 4,
        })),
      })),
    });
    // Exact words first, as Algolia ranks them; the typo-tolerant pass runs only when they find nothing,
    // which also keeps the common case fast (fuzzy matching walks much of the term tree). Every word must
    // match when some item has them all; otherwise the best partial matches compete.
    let hits = idx.search.search(build('AND', false));
    if (hits.length === 0) hits = idx.search.search(build('AND', true));
    if (hits.length === 0 && expanded.length > 1) hits = idx.search.search(build('OR', false));
    if (hits.length === 0 && expanded.length > 1) hits = idx.search.search(build('OR', true));
    if (hits.length === 0) return { categories: [], ids: [], message: `No item in the catalogue matches ${JSON.stringify(query.length > 80 ? `${query.slice(0, 80)}...` : query)}.` };
    return rankCategories(idx, hits);
  }

  /** Applies a change signal to a loaded (or loading) index; unloaded projects load fresh when first searched. */
  private async onSignal(change: ChangeSignal): Promise<void> {
    const loading = this.loading.get(change.project);
    if (loading && change.ids) for (const id of change.ids) loading.pending.add(id);
    if (loading && change.synonyms) loading.pending.add(SYNONYMS);
    const idx = this.projects.get(change.project);
    if (!idx) return;
    if (change.synonyms) idx.synonyms = new Synonyms(await this.items.synonyms(change.project));
    if (change.ids) await this.apply(change.project, idx, change.ids);
  }

  private async apply(project: string, idx: ProjectIndex, ids: string[]): Promise<void> {
    const pacer = new Pacer();
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      const rows = new Map((await this.items.byIds(project, slice)).map((r) => [r.id, r]));
      for (const id of slice) {
        const row = rows.get(id);
        if (row) idx.put(row);
        else idx.remove(id);
        if (pacer.due()) await pacer.pause();
      }
    }
  }

  private async index(project: string): Promise<ProjectIndex> {
    const ready = this.projects.get(project);
    if (ready) return ready;
    const inFlight = this.loading.get(project);
    if (inFlight) return inFlight.done;
    const entry = { pending: new Set<string>(), dropped: false };
    const done = (async () => {
      try {
        const idx = await this.load(project);
        // Changes signalled while loading; more may arrive while these are applied (applying yields too).
        while (entry.pending.size > 0) {
          const ids = [...entry.pending];
          entry.pending.clear();
          if (ids.includes(SYNONYMS)) idx.synonyms = new Synonyms(await this.items.synonyms(project));
          await this.apply(project, idx, ids.filter((id) => id !== SYNONYMS));
        }
        if (!entry.dropped) this.projects.set(project, idx);
        return idx;
      } finally {
        this.loading.delete(project);
      }
    })();
    this.loading.set(project, Object.assign(entry, { done }));
    return done;
  }

  private async load(project: string): Promise<ProjectIndex> {
    const idx = new ProjectIndex();
    idx.synonyms = new Synonyms(await this.items.synonyms(project));
    // Built in slices: other requests are served meanwhile, and signals arriving meanwhile wait in `pending`.
    const pacer = new Pacer();
    let after: string | undefined;
    for (;;) {
      const rows = await this.items.scan(project, this.items.scanPage, after);
      for (const r of rows) {
        idx.put(r);
        if (pacer.due()) await pacer.pause();
      }
      if (rows.length < this.items.scanPage) return idx;
      after = rows[rows.length - 1]!.id;
    }
  }

  /**
   * Repairs what a lost signal missed: items changed since the newest one
   * applied are re-read; a count that still differs means a missed deletion,
   * and the project's index is rebuilt.
   */
  async reconcile(project: string): Promise<void> {
    const idx = this.projects.get(project);
    if (!idx) return;
    const fp = await this.items.fingerprint(project);
    if (fp.latest > idx.latest) await this.apply(project, idx, (await this.items.changedSince(project, idx.latest)).map((r) => r.id));
    if (fp.count !== idx.categoryOf.size) {
      this.log?.info({ project }, 'catalog index out of step with the store; rebuilding');
      this.projects.set(project, await this.load(project));
    }
  }

  private async reconcileAll(): Promise<void> {
    for (const project of this.projects.keys()) await this.reconcile(project);
  }

  /** Forgets a project's index (the project was deleted), including one still loading. */
  drop(project: string): void {
    this.projects.delete(project);
    const loading = this.loading.get(project);
    if (loading) loading.dropped = true;
  }
}

function rankCategories(idx: ProjectIndex, hits: SearchResult[]): SearchHits {
  const byCategory = new Map<string, { scores: number[]; ids: Array<{ id: string; score: number }> }>();
  for (const h of hits) {
    const id = String(h.id);
    const c = idx.categoryOf.get(id);
    if (c === undefined) continue;
    let entry = byCategory.get(c);
    if (!entry) byCategory.set(c, (entry = { scores: [], ids: [] }));
    entry.scores.push(h.score);
    entry.ids.push({ id, score: h.score });
  }
  const scored = [...byCategory].map(([category, e]) => {
    // Hits arrive best first, so the first three scores are the category's best.
    const top = e.scores.slice(0, 3);
    const mean = top.reduce((a, b) => a + b, 0) / top.length;
    const coverage = e.scores.length / (idx.sizes.get(category) ?? e.scores.length);
    return { category, score: mean * (0.5 + 0.5 * Math.sqrt(Math.min(1, coverage))), entry: e };
  }).sort((a, b) => b.score - a.score || a.category.localeCompare(b.category));
  const best = scored[0]!.score;
  const kept = scored.filter((s) => s.score >= CATEGORY_RATIO * best);
  const ids = kept.flatMap((k) => k.entry.ids).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).map((x) => x.id);
  return {
    categories: kept.map((k) => ({ path: idx.paths.get(k.category) ?? k.category.split(CATEGORY_SEPARATOR), score: Math.round((k.score / best) * 10_000) / 10_000, matchedItems: k.entry.ids.length })),
    ids,
  };
}
