/**
 * What every route declares besides its schema. `permission` is checked by IAM
 * (arriving with Foundation II); `public` marks the few routes that need no key;
 * `idempotent` lets a creating POST honour Idempotency-Key; `protocol` picks the
 * error shape (Google's model on /v1, each protocol's own elsewhere).
 */
export type ErrorProtocol = 'google' | 'oip' | 'plain';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: string;
    public?: boolean;
    idempotent?: boolean;
    protocol?: ErrorProtocol;
  }
}
