/**
 * Recommendations for the storefront: recommenders (placements of one kind,
 * following a model alias), `:recommend`, business rules, training jobs that
 * register `rouge-recs` versions. The engine itself lives in `src/recs/`.
 */
export { placementsModule } from './module.js';
export type { PlacementsFace } from './module.js';
export { KINDS, FIELDS, REASONS } from './schemas.js';
export type { Kind, ItemField } from './schemas.js';
export type { RecommenderView, Rules } from './recommenders.js';
export type { RecommendRequest, RecommendResult } from './recommend.js';
export { DEFAULT_EVENT_WEIGHTS, contentOf } from './training-data.js';
export { TRAIN_JOB } from './training.js';
export * as PlacementErrors from './errors.js';
export { trainRecsStep, evaluateRecsStep } from './pipeline-steps.js';
