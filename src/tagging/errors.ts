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
