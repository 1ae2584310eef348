/**
 * Rouge's recommendation engine: learns next-item, similar-item and
 * bought-together neighbour lists from user event sequences, item content
 * and baskets (trainRecs), serves them from a compact binary model
 * (RecsModel), and measures itself offline by the leave-one-out protocol
 * (evaluateDataset). No I/O on the serving path.
 */
export type { UserSequence, ItemContent, TrainInput, ValidationCase, Reason, Scored, ProgressFn } from './types.js';
export { DEFAULT_TRAIN_OPTIONS } from './options.js';
export type { TrainOptions, BlendWeights } from './options.js';
export { trainRecs } from './train.js';
export { RecsModel } from './model.js';
export type { RecsStats } from './model.js';
export { evaluateDataset, evaluateCases } from './evaluate.js';
export type { EvaluationResult, Baseline } from './evaluate.js';
