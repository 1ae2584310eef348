import { defineError } from '../platform/index.js';

export const ENDPOINT_NOT_FOUND = defineError('ENDPOINT_NOT_FOUND', 404, 'NOT_FOUND', (p: { endpoint: string }) =>
  `Endpoint ${p.endpoint} does not exist; list endpoints with GET /v1/projects/{project}/endpoints.`);
export const ENDPOINT_ALREADY_EXISTS = defineError('ENDPOINT_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { endpoint: string }) =>
  `Endpoint ${p.endpoint} already exists; deploy new versions to it instead.`);
export const ENDPOINT_NOT_EMPTY = defineError('ENDPOINT_NOT_EMPTY', 400, 'FAILED_PRECONDITION', (p: { endpoint: string }) =>
  `Endpoint ${p.endpoint} still has deployed models; undeploy them first.`);
export const DEPLOYED_MODEL_NOT_FOUND = defineError('DEPLOYED_MODEL_NOT_FOUND', 404, 'NOT_FOUND', (p: { id: string; endpoint: string }) =>
  `No deployed model ${p.id} on ${p.endpoint}; GET the endpoint to see its deployedModels.`);
export const TRAFFIC_SPLIT_INVALID = defineError('TRAFFIC_SPLIT_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `Invalid trafficSplit: ${p.why}. The percentages must be integers that add up to 100 (or the map must be empty), keyed by deployed model id, with "0" for the model being deployed.`);
export const NO_TRAFFIC = defineError('NO_TRAFFIC', 503, 'UNAVAILABLE', (p: { endpoint: string }) =>
  `Endpoint ${p.endpoint} has no traffic split: deploy a model with trafficSplit {"0": 100}, or PATCH the endpoint's trafficSplit.`);
export const MODEL_NOT_SERVABLE = defineError('MODEL_NOT_SERVABLE', 400, 'FAILED_PRECONDITION', (p: { model: string; framework: string }) =>
  `Model ${p.model} has framework ${p.framework}, which endpoints cannot serve; deploy an onnx or http version.`);
export const INPUT_INVALID = defineError('INPUT_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string; signature: string }) =>
  `${p.why}. The model expects ${p.signature}.`);
export const UPSTREAM_UNAVAILABLE = defineError('UPSTREAM_UNAVAILABLE', 502, 'UNAVAILABLE', (p: { upstream: string; why: string }) =>
  `The model server ${p.upstream} could not be reached (${p.why}); check that it is running and healthy.`);
export const UPSTREAM_TIMEOUT = defineError('UPSTREAM_TIMEOUT', 504, 'DEADLINE_EXCEEDED', (p: { upstream: string; timeoutMs: number }) =>
  `The model server ${p.upstream} did not answer within ${p.timeoutMs} ms.`);
export const UPSTREAM_ERROR = defineError('UPSTREAM_ERROR', 502, 'UNAVAILABLE', (p: { upstream: string; status: number }) =>
  `The model server ${p.upstream} answered HTTP ${p.status}.`);
export const UPSTREAM_REJECTED = defineError('UPSTREAM_REJECTED', 400, 'INVALID_ARGUMENT', (p: { upstream: string; status: number; message: string }) =>
  `The model server ${p.upstream} refused the request (HTTP ${p.status}): ${p.message}`);
export const UPSTREAM_BUSY = defineError('UPSTREAM_BUSY', 429, 'RESOURCE_EXHAUSTED', (p: { upstream: string }) =>
  `The model server ${p.upstream} is over its capacity (HTTP 429); retry with backoff.`);
export const OIP_MODEL_NAME_INVALID = defineError('OIP_MODEL_NAME_INVALID', 400, 'INVALID_ARGUMENT', (p: { name: string }) =>
  `Model name ${JSON.stringify(p.name)} must be {project}.{endpoint}, or {endpoint} when calling with a service account of that project.`);
export const DEPLOY_FAILED = defineError('DEPLOY_FAILED', 400, 'FAILED_PRECONDITION', (p: { why: string }) =>
  `The model could not be loaded for serving: ${p.why}. Traffic is unchanged.`);
