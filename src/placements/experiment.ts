import type { RerankConfig } from './rerank.js';

/** An A/B test's arm: a share of the traffic and what it changes (the model followed, the re-ranking). */
export interface Variant {
  name: string;
  weight: number;
  model?: string;
  /** Absent: the recommender's own; null: none. */
  rerank?: RerankConfig | null;
}

/** An A/B test between variants, assigned by a hash of the unit's value. */
export interface Experiment {
  unit: 'userId' | 'sessionId';
  variants: Variant[];
}

/** FNV-1a, 32 bits: a stable, well-spread hash of a string, as assignment needs. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The variant a unit (a user id, a session id) sees: its hash, with the
 * project and recommender, picks a bucket of 100, and the variants own
 * consecutive buckets by weight. Sticky (the same unit always lands in the
 * same bucket) and independent between recommenders, as GrowthBook and
 * Optimizely assign. Changing the weights moves only the units whose bucket
 * changes owner.
 */
export function assignVariant(experiment: Experiment, project: string, recommender: string, unit: string): Variant {
  const bucket = fnv1a(`${project}/${recommender}/${unit}`) % 100;
  let upTo = 0;
  for (const v of experiment.variants) {
    upTo += v.weight;
    if (bucket < upTo) return v;
  }
  return experiment.variants[experiment.variants.length - 1]!;
}

/**
 * The recommendation id of an experiment's response: a random id, then the
 * recommender and the variant, so an event that carries it back names its
 * variant without any lookup (names hold no dots).
 */
export function experimentRecommendationId(id: string, recommender: string, variant: string): string {
  return `${id}.${recommender}.${variant}`;
}

/** The recommender and variant a recommendation id names, if it is an experiment's. */
export function variantOfRecommendationId(id: string): { recommender: string; variant: string } | undefined {
  const parts = id.split('.');
  if (parts.length !== 3 || !parts[1] || !parts[2]) return undefined;
  return { recommender: parts[1], variant: parts[2] };
}

/**
 * Wilson's 95% score interval for a proportion: unlike the normal
 * approximation it stays inside [0, 1] and behaves at small counts and rates
 * near 0, which is where a click-through or conversion rate lives. With no
 * trials it is [0, 1]: nothing is known.
 */
export function wilson(successes: number, trials: number): [number, number] {
  if (trials <= 0) return [0, 1];
  const z = 1.959964;
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials))) / (1 + z2n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
