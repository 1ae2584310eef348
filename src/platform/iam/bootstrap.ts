import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { nowIso } from '../store/index.js';
import { generateKey, hashSecret, parseKey } from './keys.js';
import type { IamStore } from './store.js';
import { ORG } from './tables.js';

/** The bootstrap key never expires; rotate it by creating a new key and revoking this one. */
const NEVER = '9999-12-31T23:59:59.999Z';

/**
 * The pepper for key hashes: from configuration (required in production), or
 * generated once into `<data-dir>/key-pepper` (mode 0600) for the embedded
 * setup, or per process for an in-memory store.
 */
export function resolvePepper(config: Pick<Config, 'keyPepper' | 'dataDir'>): string {
  if (config.keyPepper) return config.keyPepper;
  if (config.dataDir === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(config.dataDir, 'key-pepper');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const pepper = randomBytes(32).toString('base64url');
  writeFileSync(file, `${pepper}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return pepper;
}

/**
 * Makes sure `user:admin` exists with the organisation role `orgAdmin` and a
 * key. With ROUGE_BOOTSTRAP_ADMIN_KEY that key is installed (idempotently, so
 * every process may run this); without it, the first start generates a key and
 * returns it, once, for the caller to print. Safe under concurrent starts: the
 * user row's primary key decides which process bootstraps.
 */
export async function bootstrapAdmin(store: IamStore, pepper: string, bootstrapKey: string | undefined): Promise<{ generatedKey?: string }> {
  const now = nowIso();
  return store.db.transaction().execute(async (trx) => {
    // ON CONFLICT DO NOTHING, not a caught unique violation: on PostgreSQL a failed
    // statement aborts the whole transaction, and every process runs this at start.
    const inserted = await trx.insertInto('users').values({ name: 'admin', display_name: 'Administrator', create_time: now })
      .onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
    const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    if (!created && !bootstrapKey) return {};
    await trx.insertInto('role_bindings').values({ project: ORG, principal: 'user:admin', role: 'orgAdmin', resource: '', create_time: now })
      .onConflict((oc) => oc.columns(['project', 'principal', 'role', 'resource']).doNothing()).execute();
    const parsed = bootstrapKey ? parseKey(bootstrapKey) : undefined;
    const key = parsed ?? generateKey();
    await trx.insertInto('api_keys').values({
      key_id: key.keyId, project: ORG, principal: 'user:admin', secret_hash: hashSecret(pepper, key.secret),
      display_name: 'bootstrap', create_time: now, expire_time: NEVER, revoke_time: null, last_used_time: null,
    }).onConflict((oc) => oc.column('key_id').doNothing()).execute();
    return parsed ? {} : { generatedKey: `rk_${key.keyId}_${key.secret}` };
  });
}
