import { stemmer } from 'stemmer';

/**
 * English function words that carry no product meaning ("for", "with"): a
 * query must not require them. This is grammar, not a list of product types;
 * what a word means for the catalogue is learned from the catalogue itself.
 */
const STOP_WORDS = new Set(['a', 'an', 'and', 'the', 'for', 'with', 'of', 'in', 'on', 'to', 'by', 'at', 'or', 'from', 'my', 'your', 'our', 'is', 'it', 'this', 'that']);

/** Longest word the index keeps; longer "words" are noise (hashes, pasted junk). */
const MAX_WORD = 40;

/** Stems already computed: a catalogue repeats a small vocabulary, and stemming is most of the cost of indexing a word. */
const STEMS = new Map<string, string | null>();
const MAX_STEMS = 200_000;
const ASCII = /^[\x00-\x7f]*$/;

/** Splits text into lower-case words without accents: letters and digits only, so punctuation never reaches the index. */
export function words(text: string): string[] {
  const out: string[] = [];
  // ASCII has no accents to strip; normalising it would only copy it.
  const plain = ASCII.test(text) ? text : text.normalize('NFKD').replace(/\p{M}/gu, '');
  for (const w of plain.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (w.length > 0 && w.length <= MAX_WORD) out.push(w);
  }
  return out;
}

/**
 * A word as the index stores it: Porter-stemmed, so plurals and simple
 * inflections meet ("lipsticks" and "lipstick", "quimblies" and "quimbly").
 * Returns null for function words.
 */
export function indexTerm(word: string): string | null {
  let term = STEMS.get(word);
  if (term !== undefined) return term;
  term = STOP_WORDS.has(word) ? null : /^\p{N}+$/u.test(word) ? word : stemmer(word);
  // Bounded: a catalogue of part numbers and hashes must not grow it forever.
  if (STEMS.size >= MAX_STEMS) STEMS.clear();
  STEMS.set(word, term);
  return term;
}

/** The query words worth searching for, in order. */
export function queryWords(query: string, max: number): string[] {
  return words(query).filter((w) => !STOP_WORDS.has(w)).slice(0, max);
}

/** Edits allowed for a query term: none for short words (where a typo is another word), one from 4 letters, two from 8. */
export function fuzziness(term: string): number {
  if (term.length < 4 || /^\p{N}+$/u.test(term)) return 0;
  return term.length < 8 ? 1 : 2;
}

/**
 * The terms of a text as search compares them: words, stemmed, without
 * function words. For other modules that match a query's words against items
 * in memory the way the index would (a search placement's in-category order).
 */
export function searchTerms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = indexTerm(w);
    if (t !== null) out.push(t);
  }
  return out;
}
