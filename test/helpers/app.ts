import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.js';
import type { Config } from '../../src/platform/index.js';
import { openTestStore, testCacheConfig, type StoreKind } from './stores.js';

/** The admin key every test app bootstraps with (ROUGE_BOOTSTRAP_ADMIN_KEY). */
export const ADMIN_KEY = `rk_testadmin01_${'A1b2C3d4E5'.repeat(4)}xyz`;

/** Headers that authenticate as the given key. */
export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/**
 * Builds the whole app in-process on a fresh store of the given kind, with a
 * known admin key: SQLite with the in-memory cache, or PostgreSQL with Redis
 * (the two legs of the matrix, see testCacheConfig); `config` overrides both. Unless `asAdmin` is false, `app.inject` sends the admin key
 * when a request carries no Authorization header of its own, so tests that are
 * not about IAM read as they did before authentication existed.
 */
export async function buildTestApp(
  kind: StoreKind,
  config: Partial<Config> = {},
  options: Omit<BuildOptions, 'config' | 'store' | 'closeStore'> & { asAdmin?: boolean } = {},
): Promise<FastifyInstance> {
  const store = await openTestStore(kind);
  const { asAdmin = true, ...rest } = options;
  const app = await buildApp({ ...rest, config: { bootstrapAdminKey: ADMIN_KEY, ...testCacheConfig(kind), ...config }, store, closeStore: true });
  if (asAdmin) {
    const inject = app.inject.bind(app) as (o: InjectOptions | string) => ReturnType<FastifyInstance['inject']>;
    (app as { inject: unknown }).inject = (o: InjectOptions | string) => {
      const opts: InjectOptions = typeof o === 'string' ? { url: o } : o;
      const headers = (opts.headers ?? {}) as Record<string, string>;
      if (!('authorization' in headers)) opts.headers = { ...headers, ...bearer(ADMIN_KEY) };
      return inject(opts);
    };
  }
  return app;
}
