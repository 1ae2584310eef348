import { defineError } from '../errors/index.js';

export const OPERATION_NOT_FOUND = defineError('OPERATION_NOT_FOUND', 404, 'NOT_FOUND', (p: { operation: string }) =>
  `Operation ${p.operation} does not exist; list operations with GET /v1/projects/{project}/operations.`);
export const JOB_KIND_UNKNOWN = defineError('JOB_KIND_UNKNOWN', 400, 'INVALID_ARGUMENT', (p: { kind: string }) =>
  `No job kind ${JSON.stringify(p.kind)} is registered.`);
export const JOB_LEASE_LOST = defineError('JOB_LEASE_LOST', 409, 'ABORTED', (p: { id: string }) =>
  `Job ${p.id} was taken over by another worker after its lease expired; this attempt's result is discarded.`);
