import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

/**
 * Takes the caller's X-Request-Id when it is safe to echo and log (bounded,
 * no spaces or control characters, so it cannot forge log lines), otherwise
 * makes one, so a request can be followed from a load balancer to a log line.
 */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && SAFE_ID.test(given)) return given;
  return randomUUID();
}
