import { defineError } from '../platform/index.js';

export const RECOMMENDER_NOT_FOUND = defineError('RECOMMENDER_NOT_FOUND', 404, 'NOT_FOUND', (p: { recommender: string }) =>
  `Recommender ${p.recommender} does not exist; list recommenders with GET /v1/projects/{project}/recommenders.`);
export const RECOMMENDER_ALREADY_EXISTS = defineError('RECOMMENDER_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { recommender: string }) =>
  `Recommender ${p.recommender} already exists; PATCH it to change its model, rules or fields.`);
export const MODEL_NOT_RECS = defineError('MODEL_NOT_RECS', 400, 'FAILED_PRECONDITION', (p: { model: string; framework: string }) =>
  `Model ${p.model} is a ${p.framework} version; a recommender needs a rouge-recs version (train one with rouge recs train).`);
export const CONTEXT_MISSING = defineError('CONTEXT_MISSING', 400, 'INVALID_ARGUMENT', (p: { kind: string; needs: string }) =>
  `A ${p.kind} recommender needs ${p.needs} in the request.`);
export const NO_EVENTS = defineError('NO_EVENTS', 400, 'FAILED_PRECONDITION', (p: { project: string }) =>
  `Project ${p.project} has no user events to train on; write some with userEvents:write or userEvents:import first.`);
export const TRAINING_DATA_INVALID = defineError('TRAINING_DATA_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The training data cannot be used: ${p.why}.`);
export const RERANK_ENDPOINT_NOT_FOUND = defineError('RERANK_ENDPOINT_NOT_FOUND', 400, 'FAILED_PRECONDITION', (p: { endpoint: string }) =>
  `Endpoint ${p.endpoint} does not exist; create it and deploy a re-ranking model there first (rouge endpoints create, rouge endpoints deploy).`);
export const RERANK_SIGNATURE_MISMATCH = defineError('RERANK_SIGNATURE_MISMATCH', 400, 'FAILED_PRECONDITION', (p: { endpoint: string; model: string; found: string; expected: string }) =>
  `Endpoint ${p.endpoint} serves ${p.model}, whose inputs are ${p.found}; a re-ranking model takes ${p.expected} and returns one score per row (docs/recommendations.md, "Re-ranking").`);
export const EXPERIMENT_SPLIT_INVALID = defineError('EXPERIMENT_SPLIT_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The experiment's variants cannot split the traffic: ${p.why}.`);
export const EXPERIMENT_MISSING = defineError('EXPERIMENT_MISSING', 400, 'FAILED_PRECONDITION', (p: { recommender: string }) =>
  `Recommender ${p.recommender} runs no experiment; PATCH it with ?updateMask=experiment and an experiment first.`);
export const REPORT_WINDOW_INVALID = defineError('REPORT_WINDOW_INVALID', 400, 'INVALID_ARGUMENT', (p: { from: string; to: string }) =>
  `The report's window from ${p.from} to ${p.to} is empty or reversed; give from before to.`);
