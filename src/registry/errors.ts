import { defineError } from '../platform/index.js';

export const MODEL_NOT_FOUND = defineError('MODEL_NOT_FOUND', 404, 'NOT_FOUND', (p: { model: string }) =>
  `Model ${p.model} does not exist; list models with GET /v1/projects/{project}/models or rouge models list.`);
export const MODEL_ALREADY_EXISTS = defineError('MODEL_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { model: string }) =>
  `Model ${p.model} already exists; upload a new version to it instead.`);
export const MODEL_VERSION_NOT_FOUND = defineError('MODEL_VERSION_NOT_FOUND', 404, 'NOT_FOUND', (p: { ref: string }) =>
  `Model version ${p.ref} does not exist; list versions with GET .../models/{model}/versions or rouge models versions.`);
// A reference in the request body, not the resource addressed: 400, as IAM's PRINCIPAL_NOT_FOUND, so a 404 on an upload always means the model is missing.
export const PARENT_VERSION_NOT_FOUND = defineError('PARENT_VERSION_NOT_FOUND', 400, 'INVALID_ARGUMENT', (p: { model: string; version: number }) =>
  `lineage.parentVersion ${p.version} is not a version of ${p.model}; name an existing version of the same model (rouge models versions lists them) or leave parentVersion out.`);
export const ALIAS_INVALID = defineError('ALIAS_INVALID', 400, 'INVALID_ARGUMENT', (p: { alias: string }) =>
  `Alias ${JSON.stringify(p.alias)} is not valid: an alias starts with a lower-case letter, ends with a lower-case letter or digit, holds letters, digits and hyphens, is 2 to 128 characters, and is never a number.`);
export const ALIAS_DEFAULT_REQUIRED = defineError('ALIAS_DEFAULT_REQUIRED', 400, 'FAILED_PRECONDITION', (p: { model: string }) =>
  `The default alias of ${p.model} cannot be removed, only moved: add "default" to another version instead.`);
export const VERSION_HOLDS_DEFAULT = defineError('VERSION_HOLDS_DEFAULT', 400, 'FAILED_PRECONDITION', (p: { ref: string }) =>
  `Version ${p.ref} holds the default alias; move "default" to another version before deleting it.`);
export const VERSION_DEPLOYED = defineError('VERSION_DEPLOYED', 400, 'FAILED_PRECONDITION', (p: { ref: string; endpoints: string }) =>
  `Version ${p.ref} is deployed on ${p.endpoints}; undeploy it first.`);
export const FRAMEWORK_UNKNOWN = defineError('FRAMEWORK_UNKNOWN', 400, 'INVALID_ARGUMENT', (p: { framework: string; known: string }) =>
  `Framework ${JSON.stringify(p.framework)} is not known; use one of ${p.known}.`);
export const ARTIFACT_INVALID = defineError('ARTIFACT_INVALID', 400, 'INVALID_ARGUMENT', (p: { framework: string; why: string }) =>
  `The artifact is not a valid ${p.framework} model: ${p.why}.`);
export const ARTIFACT_REQUIRED = defineError('ARTIFACT_REQUIRED', 400, 'INVALID_ARGUMENT', (p: { framework: string }) =>
  `A ${p.framework} version needs an "artifact" part after the "metadata" part.`);
export const ARTIFACT_UNEXPECTED = defineError('ARTIFACT_UNEXPECTED', 400, 'INVALID_ARGUMENT', (p: { framework: string }) =>
  `A ${p.framework} version takes no artifact; describe the model server in metadata.spec instead.`);
export const ARTIFACT_TOO_LARGE = defineError('ARTIFACT_TOO_LARGE', 413, 'OUT_OF_RANGE', (p: { limit: number }) =>
  `The artifact is larger than the limit of ${p.limit} bytes; raise --max-artifact-bytes or upload a smaller model.`);
export const ARTIFACT_SHA256_MISMATCH = defineError('ARTIFACT_SHA256_MISMATCH', 400, 'INVALID_ARGUMENT', (p: { declared: string; actual: string }) =>
  `The artifact's sha256 is ${p.actual}, not the declared ${p.declared}; the upload was corrupted or the metadata is wrong. Nothing was stored.`);
export const MULTIPART_INVALID = defineError('MULTIPART_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `Invalid upload: ${p.why}. Send multipart/form-data with a "metadata" JSON part first and the "artifact" file part after it.`);
export const SPEC_INVALID = defineError('SPEC_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `Invalid model server spec: ${p.why}.`);
export const LABELS_INVALID = defineError('LABELS_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `Invalid labels: ${p.why}. Keys and values use lower-case letters, digits, _ and -, at most 64 characters; keys start with a letter; at most 64 labels.`);
export const VERSION_HAS_NO_ARTIFACT = defineError('VERSION_HAS_NO_ARTIFACT', 404, 'NOT_FOUND', (p: { ref: string; framework: string }) =>
  `Version ${p.ref} has no artifact to download: a ${p.framework} version describes a model server in its spec; GET the version to read it.`);
