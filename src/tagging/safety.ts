/** The classes nsfwjs scores, each 0 to 1, summing to 1 (computed by the vision pool, with the embeddings). */
export interface SafetyScores {
  drawing: number;
  hentai: number;
  neutral: number;
  porn: number;
  sexy: number;
}

/** Adult content either channel refuses: explicit photos or drawings past half the score. */
export function unsafe(s: SafetyScores): boolean {
  return s.porn + s.hentai >= 0.5;
}
