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

const SECRET_PARAM = /([?&](?:api[_-]?key|key|token|access_token|secret|password)=)[^&#]*/gi;
const KEY_SHAPE = /rk_[A-Za-z0-9]+_[A-Za-z0-9]+/g;

/**
 * A URL as the access log may write it: values of query parameters that carry
 * credentials (`?apiKey=`, `?token=`...) and anything shaped like a Rouge key
 * are replaced, since callers do put keys in URLs even though Rouge never reads
 * them there. Costs one `includes` for a URL without a query.
 */
export function redactLoggedUrl(url: string): string {
  if (!url.includes('?') && !url.includes('rk_')) return url;
  return url.replace(SECRET_PARAM, '$1[REDACTED]').replace(KEY_SHAPE, '[REDACTED]');
}
