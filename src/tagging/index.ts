/**
 * Image analysis: every catalogue image fetched safely, checked against
 * Google's and Meta's image rules and tagged with what needs no learned model
 * (background, blur, colour, near-duplicates), in resumable runs.
 */
export { taggingModule } from './module.js';
export type { TaggingFace } from './module.js';
export { TAGGING_JOB } from './runner.js';
export * as TaggingErrors from './errors.js';
