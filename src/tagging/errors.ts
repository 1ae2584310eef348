import { defineError } from '../platform/index.js';

export const RUN_NOT_FOUND = defineError('TAGGING_RUN_NOT_FOUND', 404, 'NOT_FOUND', (p: { run: string }) =>
  `Tagging run ${p.run} does not exist; start one with POST /v1/projects/{project}/tagging/runs (rouge tags run).`);
export const RUN_INPUT_INVALID = defineError('TAGGING_RUN_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The tagging run cannot start: ${p.why}.`);
export const IMAGE_UPLOAD_INVALID = defineError('IMAGE_UPLOAD_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The image cannot be stored: ${p.why}.`);
export const FEED_LABEL_TOO_MANY_VALUES = defineError('FEED_LABEL_TOO_MANY_VALUES', 400, 'FAILED_PRECONDITION', (p: { label: string; tag: string; values: number; max: number }) =>
  `${p.label} cannot carry tag ${p.tag}: it has ${p.values} distinct values and the channels ignore a label past ${p.max}; map a coarser tag (colour_family rather than shade).`);
export const FEED_TOKEN_NOT_FOUND = defineError('FEED_TOKEN_NOT_FOUND', 404, 'NOT_FOUND', (p: { token: string }) =>
  `Feed token ${p.token} does not exist (or was revoked); list them with rouge feeds tokens list.`);
export const NOT_A_TAGGER = defineError('MODEL_NOT_TAGGER', 400, 'FAILED_PRECONDITION', (p: { model: string; framework: string }) =>
  `Model ${p.model} is ${p.framework}; tagging needs a rouge-tagger version (train one with rouge tags train).`);
export const REVIEW_TASK_NOT_FOUND = defineError('REVIEW_TASK_NOT_FOUND', 404, 'NOT_FOUND', (p: { task: string }) =>
  `Review task ${p.task} does not exist; list the open ones with GET /v1/projects/{project}/tagging/reviewTasks.`);
export const REVIEW_TASK_RESOLVED = defineError('REVIEW_TASK_RESOLVED', 409, 'FAILED_PRECONDITION', (p: { task: string; decision: string; by: string }) =>
  `Review task ${p.task} was already resolved (${p.decision} by ${p.by}); a decision is final, so take the next pending task.`);
export const REVIEW_DECISION_INVALID = defineError('REVIEW_DECISION_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The decision cannot be recorded: ${p.why}.`);
export const IMAGE_NOT_FOUND = defineError('TAGGING_IMAGE_NOT_FOUND', 404, 'NOT_FOUND', (p: { hash: string }) =>
  `Image ${p.hash} is not stored in this project; images are stored when a tagging run fetches them or one is uploaded.`);
export const NO_TRAINING_DATA = defineError('TAGGER_NO_TRAINING_DATA', 400, 'FAILED_PRECONDITION', (p: { why: string }) =>
  `There is nothing to train a tagger on: ${p.why}; train one from labelled images with rouge tags train --labels FILE.csv.`);
