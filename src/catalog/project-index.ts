import MiniSearch from 'minisearch';
import type { CategoryCensus } from './category-rank.js';
import type { IndexedRow } from './item-store.js';
import { Synonyms } from './synonyms.js';
import { fuzziness, indexTerm, words } from './text.js';

interface Doc {
  id: string;
  title: string;
  brand: string;
  category: string;
  description: string;
}

/** Versions are unique across every project index of the process, so a rebuilt index never reuses its predecessor's. */
let clock = 0;

/**
 * What the index reads of an item, hashed (FNV-1a, 32 bits): a change that
 * keeps it (a price or stock PATCH, a feed re-sending an item unchanged) cannot
 * change any answer, so it leaves `version` alone and cached answers stand.
 */
function contentHash(row: IndexedRow): number {
  let h = 0x811c9dc5;
  for (const part of [row.title, row.brand, row.category_path, row.description]) {
    for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x1f, 0x01000193);
  }
  return h >>> 0;
}

/** One project's in-memory index: the MiniSearch index of its items, their categories, and its synonyms. */
export class ProjectIndex implements CategoryCensus {
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
  private readonly hashes = new Map<string, number>();
  /** The newest update_time applied, and whether a full reload is due (a missed deletion). */
  latest = '';
  synonyms = new Synonyms([]);
  /**
   * Every term ever indexed (stemmed), never shrunk: the tolerant pass spends
   * fuzzy and prefix matching only on query terms that are not words of the
   * catalogue, since walking the term tree for each was most of a search's
   * cost on 100,000 items. A term whose items were all deleted stays; it then
   * only misses its fuzzy neighbours.
   */
  readonly vocabulary = new Set<string>();
  /** Changes whenever an answer of this index may change (searchable text, categories, synonyms): equal versions give equal answers. */
  version = ++clock;

  setSynonyms(synonyms: Synonyms): void {
    this.synonyms = synonyms;
    this.version = ++clock;
  }

  put(row: IndexedRow): void {
    const path = JSON.parse(row.category_path) as string[];
    const doc: Doc = { id: row.id, title: row.title, brand: row.brand, category: path.join(' '), description: row.description };
    this.paths.set(row.category, path);
    const hash = contentHash(row);
    if (this.hashes.get(row.id) !== hash) {
      this.version = ++clock;
      for (const text of [doc.title, doc.brand, doc.category, doc.description]) {
        for (const w of words(text)) {
          const t = indexTerm(w);
          if (t !== null) this.vocabulary.add(t);
        }
      }
    }
    this.hashes.set(row.id, hash);
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
    this.hashes.delete(id);
    this.resize(before, -1);
    this.version = ++clock;
  }

  private resize(category: string, by: number): void {
    const n = (this.sizes.get(category) ?? 0) + by;
    if (n <= 0) this.sizes.delete(category);
    else this.sizes.set(category, n);
  }
}
