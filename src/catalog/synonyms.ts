import { indexTerm, words } from './text.js';

/** A synonym group with each phrase as it is searched (its words) and as it is matched (its stems). */
interface Phrase {
  words: string[];
  stems: string[];
}

/**
 * Per-project synonyms (Algolia's and Meilisearch's multi-way synonyms): a
 * group of words or phrases that a query treats as one. Matching is on
 * stems, so "lip colours" finds the group of "lip colour".
 */
export class Synonyms {
  private readonly byFirstStem = new Map<string, Array<{ phrase: Phrase; group: Phrase[] }>>();

  constructor(groups: string[][]) {
    for (const g of groups) {
      const group = g.map((text) => {
        const w = words(text);
        return { words: w, stems: w.map((x) => indexTerm(x) ?? x) };
      }).filter((p) => p.words.length > 0);
      for (const phrase of group) {
        const first = phrase.stems[0]!;
        const list = this.byFirstStem.get(first) ?? [];
        list.push({ phrase, group });
        this.byFirstStem.set(first, list);
      }
    }
    for (const list of this.byFirstStem.values()) list.sort((a, b) => b.phrase.stems.length - a.phrase.stems.length);
  }

  /**
   * Cuts query words into segments; a segment is either one word or a phrase
   * with its alternatives (each a list of words). Longest phrase first.
   */
  expand(queryWords: string[]): Array<{ alternatives: string[][] }> {
    const stems = queryWords.map((w) => indexTerm(w) ?? w);
    const out: Array<{ alternatives: string[][] }> = [];
    for (let i = 0; i < queryWords.length;) {
      const match = (this.byFirstStem.get(stems[i]!) ?? []).find(({ phrase }) => phrase.stems.every((s, k) => stems[i + k] === s));
      if (match) {
        const own = queryWords.slice(i, i + match.phrase.stems.length);
        out.push({ alternatives: [own, ...match.group.filter((p) => p !== match.phrase).map((p) => p.words)] });
        i += match.phrase.stems.length;
      } else {
        out.push({ alternatives: [[queryWords[i]!]] });
        i++;
      }
    }
    return out;
  }
}
