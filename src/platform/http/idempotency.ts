import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PlatformErrors as E } from '../errors/index.js';
import type { Store } from '../store/index.js';
import { IdempotencyStore } from './idempotency-store.js';
import type { RouteConfig } from './route-config.js';
import { addRouteHook } from './route-hooks.js';

const KEY = /^[\x21-\x7e]{1,255}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's principal name once authenticated ("anonymous" before IAM runs). */
    principalName: string;
    idempotencyScope?: { project: string; principal: string; key: string };
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n`).update(JSON.stringify(request.body ?? null)).digest('base64url');
}

/**
 * Idempotency-Key on creating POSTs (routes with `config.idempotent`): the same
 * key and body get the first response again; the same key with another body
 * gets 409. Only successful responses are remembered, so a client that fixes a
 * rejected request may retry under the same key. The key is claimed before the
 * handler runs, so two concurrent retries cannot both create.
 */
export function installIdempotency(app: FastifyInstance, store: Store): void {
  const records = new IdempotencyStore(store);
  let purgeCounter = 0;

  // Both hooks go on creating POSTs only (`config.idempotent`); other routes never run them.
  const idempotent = (cfg: RouteConfig) => cfg.idempotent === true;
  addRouteHook(app, 'preHandler', ((request: FastifyRequest, reply: import('fastify').FastifyReply, done: (e?: Error) => void) => {
    // Most requests carry no key: leave synchronously, without a promise.
    if (request.headers['idempotency-key'] === undefined) {
      done();
      return;
    }
    // After a replayed response the chain must stop: `done` is not called then.
    claim(request, reply).then((replied) => (replied ? undefined : done()), (e: Error) => done(e));
  }) as never, idempotent);

  /** Claims the key for this request; true when the first response was replayed instead. */
  async function claim(request: FastifyRequest, reply: import('fastify').FastifyReply): Promise<boolean> {
    const header = request.headers['idempotency-key'];
    if (typeof header !== 'string' || !KEY.test(header)) throw E.INVALID_IDEMPOTENCY_KEY();
    const params = request.params as { project?: string } | undefined;
    const scope = { project: params?.project ?? '', principal: request.principalName, key: header };
    const hash = requestHash(request);
    const now = new Date();
    if (++purgeCounter % 1000 === 1) await records.purge(now);
    const existing = await records.claim(scope, hash, now);
    if (!existing) {
      request.idempotencyScope = scope;
      return false;
    }
    if (existing.request_hash !== hash) throw E.IDEMPOTENCY_KEY_REUSED();
    if (existing.state !== 'done') throw E.IDEMPOTENCY_KEY_IN_USE();
    reply
      .code(existing.status_code ?? 200)
      .header('idempotent-replayed', 'true')
      .type(existing.response_type ?? 'application/json')
      .send(existing.response_body ?? '');
    return true;
  }

  // Refused rather than remembered: a replay record would hold the secret for 24 hours.
  addRouteHook(app, 'preHandler', ((request: FastifyRequest, _reply: unknown, done: (e?: Error) => void) => {
    done(request.headers['idempotency-key'] === undefined ? undefined : E.IDEMPOTENCY_KEY_NOT_ACCEPTED());
  }) as never, (cfg) => cfg.secretResponse === true);

  addRouteHook(app, 'onSend', ((request: FastifyRequest, reply: import('fastify').FastifyReply, payload: unknown, done: (e: Error | null, p?: unknown) => void) => {
    const scope = request.idempotencyScope;
    if (!scope) {
      done(null, payload);
      return;
    }
    request.idempotencyScope = undefined;
    const write = reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string'
      ? records.complete(scope, reply.statusCode, String(reply.getHeader('content-type') ?? 'application/json'), payload)
      : records.release(scope);
    write.then(() => done(null, payload), (e: Error) => done(e));
  }) as never, idempotent);
}
