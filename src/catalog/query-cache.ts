import type { CategoryMatch } from './category-rank.js';
import { normaliseQuery, type SearchIndex } from './search-index.js';

/** Answers kept across every project of the process: a few hundred bytes each, so about 20 MB when full. */
const DEFAULT_MAX_ENTRIES = 50_000;

/** The categories a query matches, as `matchCategories` answers. */
export interface CategoryMatchResult {
  matched: boolean;
  categories: CategoryMatch[];
}

/** The query cache's counters since the process started, and how many answers it holds. */
export interface QueryCacheStats {
  hits: number;
  misses: number;
  size: number;
}

interface Entry {
  version: number;
  answer: CategoryMatchResult;
}

/** Frozen: one answer is shared by every caller, so a caller sorting it in place must fail loudly rather than change it for the next. */
function freeze(answer: CategoryMatchResult): CategoryMatchResult {
  for (const c of answer.categories) {
    Object.freeze(c.path);
    Object.freeze(c);
  }
  Object.freeze(answer.categories);
  return Object.freeze(answer);
}

/**
 * The query-to-category match of `catalog:search` without its items, cached
 * per project and query for the recommendation hot path, where a search costs
 * more than the request's whole budget while a few thousand queries make most
 * of the traffic.
 *
 * Least recently used answers go first (a Map keeps insertion order, so a hit
 * moves its entry to the end: ten lines, not worth a dependency). An answer is
 * kept with the version of the project's index that made it, and served only
 * while the index still has that version. The index moves its version when a
 * change signal (any process's item write, import chunk, synonyms change, or
 * the periodic repair) changes what it can answer, so the same signals that
 * update every process's index invalidate every process's cache, and a price
 * or stock change, which cannot move a category, invalidates nothing.
 */
export class QueryCache {
  private readonly entries = new Map<string, Entry>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly index: SearchIndex, private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  /** The categories `query` matches in `project`, best first; the answer is frozen (shared with other callers). */
  async match(project: string, query: string): Promise<CategoryMatchResult> {
    const key = `${project}\u0000${normaliseQuery(query).join(' ')}`;
    const entry = this.entries.get(key);
    if (entry && entry.version === this.index.version(project)) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.answer;
    }
    this.misses++;
    const hits = await this.index.search(project, query, { ids: false });
    const answer = freeze({ matched: hits.categories.length > 0, categories: hits.categories.map((c) => ({ ...c, path: [...c.path] })) });
    // A concurrent miss of the same query may have stored an answer meanwhile; the newer version wins.
    const current = this.entries.get(key);
    if (!current || current.version <= hits.version) {
      this.entries.delete(key);
      this.entries.set(key, { version: hits.version, answer });
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return answer;
  }

  /** Hits and misses since the process started, and the answers held (stale ones included until looked up or evicted). */
  stats(): QueryCacheStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }
}
