import type { CategoryCensus } from './category-rank.js';
import type { IndexedRow } from './item-store.js';
import { Synonyms } from './synonyms.js';
import { TermIndex } from './term-index.js';

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

/**
 * Field boosts, in the order the term index receives the fields: a word
 * naming the category says most about what a product is; a description
 * mentions many things.
 */
const BOOSTS = [3, 2, 1.5, 0.4];

/** One project's in-memory index: the full-text index of its items, their categories, and its synonyms. */
export class ProjectIndex implements CategoryCensus {
  /**
   * Every term ever indexed (stemmed) stays in it: the tolerant pass spends
   * fuzzy and prefix matching only on query terms that are not words of the
   * catalogue (`terms.has`), since comparing each with the whole vocabulary
   * would be most of a search's cost.
   */
  readonly terms = new TermIndex(BOOSTS);
  /** id -> category key, and category key -> item count: coverage needs both. */
  readonly categoryOf = new Map<string, string>();
  readonly sizes = new Map<string, number>();
  readonly paths = new Map<string, string[]>();
  /** Category keys numbered, so a search groups its hits by number. */
  private readonly groupNo = new Map<string, number>();
  private readonly groupKeys: string[] = [];
  private readonly hashes = new Map<string, number>();
  /** The newest update_time applied, and whether a full reload is due (a missed deletion). */
  latest = '';
  synonyms = new Synonyms([]);
  /** Changes whenever an answer of this index may change (searchable text, categories, synonyms): equal versions give equal answers. */
  version = ++clock;

  setSynonyms(synonyms: Synonyms): void {
    this.synonyms = synonyms;
    this.version = ++clock;
  }

  groupOfSlot(slot: number): number {
    return this.terms.groupOf(slot);
  }

  categoryOfGroup(group: number): string {
    return this.groupKeys[group]!;
  }

  idOfSlot(slot: number): string {
    return this.terms.idOf(slot);
  }

  put(row: IndexedRow): void {
    if (row.update_time > this.latest) this.latest = row.update_time;
    const hash = contentHash(row);
    // Same text and category (a price or stock change): nothing the index answers from moved.
    if (this.hashes.get(row.id) === hash) return;
    const path = JSON.parse(row.category_path) as string[];
    this.paths.set(row.category, path);
    this.version = ++clock;
    this.hashes.set(row.id, hash);
    let group = this.groupNo.get(row.category);
    if (group === undefined) {
      group = this.groupKeys.push(row.category) - 1;
      this.groupNo.set(row.category, group);
    }
    this.terms.put(row.id, [path.join(' '), row.title, row.brand, row.description], group);
    const before = this.categoryOf.get(row.id);
    if (before !== undefined) this.resize(before, -1);
    this.categoryOf.set(row.id, row.category);
    this.resize(row.category, 1);
  }

  remove(id: string): void {
    const before = this.categoryOf.get(id);
    if (before === undefined) return;
    this.terms.remove(id);
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
