import { ALL_MIGRATIONS } from '../app.js';
import { loadConfig, openStore } from '../platform/index.js';
import { exitOnStartupError } from './startup-errors.js';

/** `rouge migrate`: applies pending migrations to the configured store and lists them. */
export async function migrate(flags: Record<string, unknown>): Promise<void> {
  let store;
  try {
    store = await openStore(loadConfig({ flags, env: process.env }), ALL_MIGRATIONS);
  } catch (e) {
    exitOnStartupError(e);
  }
  try {
    const applied = await store.migrate();
    process.stdout.write(applied.length === 0 ? `${store.description}: schema is up to date\n` : `${store.description}: applied ${applied.length} migrations\n${applied.map((m) => `  ${m}\n`).join('')}`);
  } finally {
    await store.close();
  }
}
