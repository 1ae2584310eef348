import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.js';
import type { Config } from '../../src/platform/index.js';
import { openTestStore, type StoreKind } from './stores.js';

/**
 * Builds the whole app in-process on a fresh store of the given kind. Closing
 * the app closes and removes the store.
 */
export async function buildTestApp(kind: StoreKind, config: Partial<Config> = {}, options: Omit<BuildOptions, 'config' | 'store' | 'closeStore'> = {}): Promise<FastifyInstance> {
  const store = await openTestStore(kind);
  return buildApp({ ...options, config, store, closeStore: true });
}
