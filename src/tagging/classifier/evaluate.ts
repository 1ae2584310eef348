import { classify, type Example, type Tagger } from './tagger.js';
import { canonicalLabel } from './taxonomy.js';

/** The report of `rouge tags evaluate --json`: one line, these fields. */
export interface Evaluation {
  accuracy: number;
  autoAcceptShare: number;
  autoAcceptPrecision: number;
  perClass: Record<string, { precision: number; recall: number; support: number }>;
}

/**
 * A tagger scored on labelled test images: accuracy, the share it would
 * auto-accept and how precise those tags are, and per class precision,
 * recall and support. A test label the tagger does not know counts as a miss.
 */
export function evaluateTagger(t: Tagger, test: readonly Example[]): Evaluation {
  const stats = new Map<string, { tp: number; predicted: number; support: number }>();
  const get = (l: string) => {
    let s = stats.get(l);
    if (!s) stats.set(l, (s = { tp: 0, predicted: 0, support: 0 }));
    return s;
  };
  let correct = 0;
  let accepted = 0;
  let acceptedCorrect = 0;
  for (const e of test) {
    const truth = canonicalLabel(e.label);
    const p = classify(t, e.embeddings);
    get(truth).support++;
    get(p.label).predicted++;
    if (p.label === truth) {
      correct++;
      get(truth).tp++;
    }
    if (p.autoAccept) {
      accepted++;
      if (p.label === truth) acceptedCorrect++;
    }
  }
  const n = test.length || 1;
  const perClass: Evaluation['perClass'] = {};
  for (const [label, s] of [...stats].sort(([a], [b]) => a.localeCompare(b))) {
    perClass[label] = { precision: round(s.predicted ? s.tp / s.predicted : 0), recall: round(s.support ? s.tp / s.support : 0), support: s.support };
  }
  return { accuracy: round(correct / n), autoAcceptShare: round(accepted / n), autoAcceptPrecision: round(accepted ? acceptedCorrect / accepted : 0), perClass };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
