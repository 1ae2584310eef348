/**
 * Errors: the registry of stable reasons and their rendering in Google's error
 * model. Modules define their own reasons with `defineError` in their errors.ts.
 */
export { defineError, registeredErrors, RougeError } from './registry.js';
export type { ErrorDefinition, ErrorFactory, FieldViolation, GoogleStatus } from './registry.js';
export { toGoogleError, ERROR_DOMAIN } from './google.js';
export type { GoogleErrorBody } from './google.js';
export * as PlatformErrors from './platform-errors.js';
