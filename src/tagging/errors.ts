import { defineError } from '../platform/index.js';

export const RUN_NOT_FOUND = defineError('TAGGING_RUN_NOT_FOUND', 404, 'NOT_FOUND', (p: { run: string }) =>
  `Tagging run ${p.run} does not exist; start one with POST /v1/projects/{project}/tagging/runs (rouge tags run).`);
export const RUN_INPUT_INVALID = defineError('TAGGING_RUN_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The tagging run cannot start: ${p.why}.`);
export const IMAGE_UPLOAD_INVALID = defineError('IMAGE_UPLOAD_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The image cannot be stored: ${p.why}.`);
