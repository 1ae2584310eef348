/**
 * Image analysis: every catalogue image fetched safely, checked against
 * Google's and Meta's image rules and tagged with what needs no learned model
 * (background, blur, colour, near-duplicates), in resumable runs.
 */
export { taggingModule } from './module.js';
export type { TaggingFace } from './module.js';
export { TAGGING_JOB } from './runner.js';
export * as TaggingErrors from './errors.js';
export { readLabelsCsv, embedFiles, LabelsError } from './classifier/labelled.js';
export type { LabelledFile } from './classifier/labelled.js';
export type { LabelledImage } from './classifier/seed.js';
export { trainTagger, TRAIN_DEFAULTS } from './classifier/train.js';
export { evaluateTagger } from './classifier/evaluate.js';
export type { Evaluation } from './classifier/evaluate.js';
export { serializeTagger } from './classifier/tagger-file.js';
export { TAGGER_FRAMEWORK } from './classifier/framework.js';
export type { Tagger, Example } from './classifier/tagger.js';
export { VisionPool } from './vision/pool.js';
export { taggerSteps } from './classifier/pipeline-steps.js';
