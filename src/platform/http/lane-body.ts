import type { IncomingMessage } from 'node:http';
import { PlatformErrors as E, type RougeError } from '../errors/index.js';

/**
 * Reads a request body as text, refusing it as soon as it passes `limit`
 * (before reading it at all when Content-Length says so). A body of one chunk,
 * the usual size of a prediction, is decoded without a copy.
 */
export function readLaneBody(req: IncomingMessage, limit: number, done: (err: RougeError | Error | undefined, text?: string) => void): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return done(E.BODY_TOO_LARGE({ limit }));
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      settled = true;
      req.off('data', onData);
      // Drain what is still coming so the answer can go out; the connection is closed after it.
      req.resume();
      return done(E.BODY_TOO_LARGE({ limit }));
    }
    if (first === undefined) first = chunk;
    else (chunks ??= [first]).push(chunk);
  };
  req.on('data', onData);
  req.on('end', () => {
    if (settled) return;
    settled = true;
    const body = chunks ? Buffer.concat(chunks, size) : first;
    done(undefined, body === undefined ? '' : body.toString('utf8'));
  });
  req.on('error', (e) => {
    if (settled) return;
    settled = true;
    done(e);
  });
}
