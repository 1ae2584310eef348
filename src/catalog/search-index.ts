import type { FastifyBaseLogger } from 'fastify';
import type { Cache } from '../platform/index.js';
import { rankCategories, type CategoryMatch } from './category-rank.js';
import type { ItemStore } from './item-store.js';
import { Pacer } from './pacer.js';
import { ProjectIndex } from './project-index.js';
import { Synonyms } from './synonyms.js';
import type { QueryNode } from './term-index.js';
import { fuzziness, indexTerm, queryWords, words } from './text.js';

/** The signals channel on which item and synonym changes reach every process's index. */
export const CATALOG_CHANNEL = 'rouge.catalog.changes';

/** Query words searched; the rest of a long query is ignored. */
const MAX_QUERY_WORDS = 32;

/** The pending entry that stands for a synonyms change (no item id starts with NUL). */
const SYNONYMS = '\u0000synonyms';

/** A project's index being built: the changes signalled meanwhile, and whether the project was deleted meanwhile. */
interface Loading {
  done: Promise<ProjectIndex>;
  pending: Set<string>;
  dropped: boolean;
}

/**
 * The words of a query that decide its answer (lower case, no accents,
 * punctuation or function words, at most 32): two queries with the same words
 * get the same answer, so a cache keys on them.
 */
export function normaliseQuery(query: string): string[] {
  return queryWords(query, MAX_QUERY_WORDS);
}

/** What a change signal carries. */
export interface ChangeSignal {
  project: string;
  ids?: string[];
  synonyms?: boolean;
}

/** The outcome of a search before items are read: the matched categories and the ranked ids inside them. */
export interface SearchHits {
  categories: CategoryMatch[];
  ids: string[];
  message?: string;
  /** The version of the project's index that answered: while `version(project)` still returns it, the same query gets the same answer. */
  version: number;
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
      const term = indexTerm(joined);
      if (term !== null && idx.terms.has(term)) {
        out.push({ alternatives: [[joined], [a, b]] });
        i++;
        continue;
      }
    }
    out.push(segments[i]!);
  }
  return out;
}

/**
 * The query as the term index runs it: every segment (`and`) or any
 * (`or`), a segment matching any of its alternatives (a synonym, a joined
 * word), an alternative all its words. In the tolerant pass only terms the
 * catalogue does not hold may be typos (fuzzy) or, in the last segment,
 * unfinished (prefix): matching the others loosely costs much and finds little.
 * Each distinct term gets a bit, so an item's score counts the terms it matched.
 */
function toQuery(idx: ProjectIndex, segments: Array<{ alternatives: string[][] }>, combineWith: 'and' | 'or', tolerant: boolean): QueryNode {
  const bits = new Map<string, number>();
  const parts: QueryNode[] = [];
  segments.forEach((segment, i) => {
    const alternatives: QueryNode[] = [];
    for (const alternative of segment.alternatives) {
      const terms: QueryNode[] = [];
      for (const term of termsOf(alternative)) {
        if (!bits.has(term)) bits.set(term, Math.min(bits.size, 31));
        const known = idx.terms.has(term);
        terms.push({
          kind: 'word', term, bit: bits.get(term)!,
          fuzzy: tolerant && !known ? fuzziness(term) : 0,
          // As-you-type: the last word may be unfinished.
          prefix: tolerant && !known && i === segments.length - 1 && term.length >= 4,
        });
      }
      if (terms.length > 0) alternatives.push({ kind: 'and', parts: terms });
    }
    if (alternatives.length > 0) parts.push({ kind: 'or', parts: alternatives });
  });
  return { kind: combineWith, parts };
}

/** The index terms of one alternative of a query segment, as the index spells them. */
function termsOf(alternative: string[]): string[] {
  const out: string[] = [];
  for (const w of alternative.flatMap((a) => words(a))) {
    const term = indexTerm(w);
    if (term !== null) out.push(term);
  }
  return out;
}

/** Whether a word of the query is not in the index's vocabulary: only then does a typo-tolerant pass differ from the exact one. */
function hasUnknownTerm(idx: ProjectIndex, segments: Array<{ alternatives: string[][] }>): boolean {
  return segments.some((segment) => segment.alternatives.some((alternative) => termsOf(alternative).some((term) => !idx.terms.has(term))));
}

/**
 * The query-to-category index (one per serving process, per project, built on
 * first use): a full-text index (`TermIndex`) over items' titles, brands,
 * category paths and descriptions, with typo tolerance, stemming and
 * per-project synonyms. A search finds items, then votes for their
 * categories (`rankCategories`: the quality of a category's best items, the
 * share of its items that matched, and how many did); only categories close to
 * the best survive, and only their items are returned. So "lipstick" yields the
 * category whose items are lipsticks, not the lip balm whose description
 * mentions lipstick, and nothing in the code knows what a lipstick is.
 *
 * Changes arrive through the signals port within milliseconds; a periodic
 * check against the store repairs anything a lost signal missed. Each
 * project's index has a `version` that every change of what it answers moves,
 * so a cache of answers (`QueryCache`) knows, in every process, when the
 * signals made one stale.
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

  /**
   * Matches a query to categories and the ranked ids of their items; with
   * `ids: false` only the categories (the ids are left empty), which spares
   * sorting every matched item when a caller needs only the categories.
   */
  async search(project: string, query: string, options: { ids?: boolean } = {}): Promise<SearchHits> {
    const idx = await this.index(project);
    // Read before searching, with no await in between: the answer below is this version's.
    const version = idx.version;
    const ws = normaliseQuery(query);
    if (ws.length === 0) return { categories: [], ids: [], version, message: 'The query holds no words to search for (only punctuation, spaces or function words).' };
    const expanded = joinSplitWords(idx, idx.synonyms.expand(ws));
    const build = (combineWith: 'and' | 'or', tolerant: boolean) => toQuery(idx, expanded, combineWith, tolerant);
    // Exact words first, as Algolia ranks them; the typo-tolerant pass runs only when they find nothing,
    // which also keeps the common case fast (typo matching compares a term with the whole vocabulary).
    // Every word must match when some item has them all; otherwise the best partial matches compete.
    // With every word in the vocabulary the tolerant query is the exact one: it would only search again.
    const tolerant = hasUnknownTerm(idx, expanded);
    let hits = idx.terms.search(build('and', false));
    if (hits.n === 0 && tolerant) hits = idx.terms.search(build('and', true));
    if (hits.n === 0 && expanded.length > 1) hits = idx.terms.search(build('or', false));
    if (hits.n === 0 && expanded.length > 1 && tolerant) hits = idx.terms.search(build('or', true));
    if (hits.n === 0) return { categories: [], ids: [], version, message: `No item in the catalogue matches ${JSON.stringify(query.length > 80 ? `${query.slice(0, 80)}...` : query)}.` };
    return { ...rankCategories(idx, hits, options.ids ?? true), version };
  }

  /** The version of a project's loaded index (see `SearchHits.version`); undefined while it is not loaded. */
  version(project: string): number | undefined {
    return this.projects.get(project)?.version;
  }

  /** Applies a change signal to a loaded (or loading) index; unloaded projects load fresh when first searched. */
  private async onSignal(change: ChangeSignal): Promise<void> {
    const loading = this.loading.get(change.project);
    if (loading && change.ids) for (const id of change.ids) loading.pending.add(id);
    if (loading && change.synonyms) loading.pending.add(SYNONYMS);
    const idx = this.projects.get(change.project);
    if (!idx) return;
    if (change.synonyms) idx.setSynonyms(new Synonyms(await this.items.synonyms(change.project)));
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
          if (ids.includes(SYNONYMS)) idx.setSynonyms(new Synonyms(await this.items.synonyms(project)));
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
    idx.setSynonyms(new Synonyms(await this.items.synonyms(project)));
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
    if (fp.count !== idx.terms.size) {
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
