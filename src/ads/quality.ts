/** The click-through rate a sponsored product is assumed to have before it is shown: 2%, scaled by its relevance. */
export const PRIOR_CTR = 0.02;
/** How many impressions the prior weighs: a product's own CTR takes over after a few hundred. */
export const PRIOR_WEIGHT = 200;

/**
 * Predicted CTR, the auction's quality: the product's observed clicks over
 * impressions, pulled towards a prior of PRIOR_CTR x relevance (the page's
 * own score of the product, in (0, 1]) with the weight of PRIOR_WEIGHT
 * impressions, so a new product neither wins on luck nor starts at zero.
 */
export function predictedCtr(relevance: number, impressions: number, clicks: number): number {
  const prior = PRIOR_CTR * Math.min(1, Math.max(1e-3, relevance));
  return Math.min(1, (clicks + PRIOR_WEIGHT * prior) / (impressions + PRIOR_WEIGHT));
}
