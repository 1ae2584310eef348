import type { FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config/index.js';

/**
 * Paths pino removes before a line is written: credentials must never reach a
 * log, whatever a later change decides to log.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  // One level down too: an error's `request` or `upstream` object with its headers.
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  'authorization',
  'key',
  'secret',
  '*.secret',
  '*.key',
  'apiKey',
  '*.apiKey',
];

/** Pino options for the server: JSON lines on stdout, secrets redacted. */
export function loggerOptions(level: LogLevel): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
  };
}
