import type { FastifyInstance } from 'fastify';
import type { Cache } from '../cache/index.js';
import type { Config } from '../config/index.js';
import type { ProjectHold } from '../projects/index.js';
import type { Store } from '../store/index.js';
import { installAudit } from './audit.js';
import { AuditStore } from './audit-store.js';
import { installAuth } from './auth-hook.js';
import { Authorizer } from './authorizer.js';
import { bootstrapAdmin, resolvePepper } from './bootstrap.js';
import { DenialAudit } from './denials.js';
import { KeyVerifier } from './key-verifier.js';
import { RateLimiter } from './rate-limiter.js';
import type { ResourceKinds } from './resource-kinds.js';
import type { RoleTable } from './roles.js';
import { registerBindingAndAuditRoutes } from './routes-bindings.js';
import { registerPrincipalRoutes } from './routes-principals.js';
import { IamService } from './service.js';
import { IamStore } from './store.js';

/** What the app factory gets back from IAM. */
export interface Iam {
  service: IamService;
  verifier: KeyVerifier;
  authorizer: Authorizer;
  store: IamStore;
  audit: AuditStore;
  /** The admin key generated on first start, to print once; undefined otherwise. */
  generatedAdminKey?: string;
  /** Installs authentication, authorisation, rate limits and audit on every route. */
  install(app: FastifyInstance): void;
  /** Registers IAM's own routes (api role). */
  registerRoutes(app: FastifyInstance): void;
  /** Writes every pending denial count now (they are otherwise written once their minute is over). */
  flushDenials(): Promise<void>;
  /** Writes batched last-use times and pending denial counts, and stops the timers. */
  close(): Promise<void>;
}

/** The signals channel on which IAM tells every process to forget a key or a principal's bindings. */
const IAM_CHANNEL = 'rouge.iam';

/**
 * Builds IAM over the store: bootstraps `user:admin`, and returns the hooks
 * and routes the app factory installs. Last-use times are flushed every 10 s.
 * Revocations and binding changes are published on the signals port, so every
 * process drops its cached copy at once instead of after the cache TTL.
 * `hold` checks the project in the transaction that creates a service account
 * or writes a binding there (the app passes ProjectService.hold), so neither is
 * made in a deleted one.
 */
export async function createIam(store: Store, config: Config, cache: Cache, hold: ProjectHold, access: { roles: RoleTable; resources: ResourceKinds }): Promise<Iam> {
  const pepper = resolvePepper(config);
  const iamStore = new IamStore(store);
  const audit = new AuditStore(store);
  const verifier = new KeyVerifier(iamStore, pepper, config.keyCacheTtlMs);
  const authorizer = new Authorizer(iamStore, config.keyCacheTtlMs, access.roles);
  const limiter = new RateLimiter(cache, config.rateLimitPerSecond);
  const notify = (change: { keyId?: string; principal?: string }) => {
    cache.publish(IAM_CHANNEL, JSON.stringify(change)).catch(() => undefined); // the TTL still bounds staleness
  };
  const service = new IamService(iamStore, verifier, authorizer, pepper, config.keyTtlDays, hold, access.roles, access.resources, notify);
  const unsubscribe = await cache.subscribe(IAM_CHANNEL, (message) => {
    const change = JSON.parse(message) as { keyId?: string; principal?: string };
    if (change.keyId) verifier.invalidate(change.keyId);
    if (change.principal) authorizer.invalidate(change.principal);
  });
  const denials = new DenialAudit(audit);
  const { generatedKey } = await bootstrapAdmin(iamStore, pepper, config.bootstrapAdminKey, config.bootstrapAdminKeyExpiresSeconds, !config.keyPepper && config.dataDir === ':memory:');
  const timer = setInterval(() => {
    verifier.flushLastUsed().catch(() => undefined);
  }, 10_000);
  timer.unref();
  return {
    service,
    verifier,
    authorizer,
    store: iamStore,
    audit,
    ...(generatedKey ? { generatedAdminKey: generatedKey } : {}),
    install(app) {
      installAuth(app, { verifier, authorizer, limiter, disabled: config.authDisabled, metricsToken: config.metricsToken, onDenied: (request, err, audited) => denials.record(request, err, audited) });
      installAudit(app, audit);
    },
    registerRoutes(app) {
      registerPrincipalRoutes(app, service);
      registerBindingAndAuditRoutes(app, service, audit);
    },
    flushDenials: () => denials.flush(true),
    async close() {
      clearInterval(timer);
      await denials.close();
      await unsubscribe().catch(() => undefined);
      await verifier.flushLastUsed().catch(() => undefined);
    },
  };
}
