import { defineError } from '../errors/index.js';

export const OPERATION_NOT_FOUND = defineError('OPERATION_NOT_FOUND', 404, 'NOT_FOUND', (p: { operation: string }) =>
  `Operation ${p.operation} does not exist; list operations with GET /v1/projects/{project}/operations.`);
