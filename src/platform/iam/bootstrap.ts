import { ConfigError, dataDirSecret, type Config } from '../config/index.js';
import { nowIso } from '../store/index.js';
import { generateKey, hashSecret, parseKey } from './keys.js';
import type { IamStore } from './store.js';
import { ORG } from './tables.js';

/** A bootstrap key without --bootstrap-admin-key-expires never expires (development only; production requires an expiry). */
const NEVER = '9999-12-31T23:59:59.999Z';

/**
 * The pepper for key hashes: from configuration (required in production), or
 * generated once into `<data-dir>/key-pepper` (mode 0600) for the embedded
 * setup, or per process for an in-memory store.
 */
export function resolvePepper(config: Pick<Config, 'keyPepper' | 'dataDir'>): string {
  return dataDirSecret(config.keyPepper, config.dataDir, 'key-pepper');
}

/**
 * Makes sure `user:admin` exists with the organisation role `orgAdmin` and a
 * key. On the first start the key is ROUGE_BOOTSTRAP_ADMIN_KEY (or one
 * generated and returned, once, for the caller to print), expiring after
 * `expiresSeconds` when set (production requires it). On later starts the
 * given key must be one user:admin holds (the bootstrap key, or one that
 * replaced it): a different key is refused rather than added, so restarting
 * with another value never mints a second permanent admin key. Every process
 * runs this at start; the user row's primary key decides which bootstraps.
 */
export async function bootstrapAdmin(store: IamStore, pepper: string, bootstrapKey: string | undefined, expiresSeconds?: number, ephemeralPepper = false): Promise<{ generatedKey?: string }> {
  const now = nowIso();
  const parsed = bootstrapKey ? parseKey(bootstrapKey) : undefined;
  return store.db.transaction().execute(async (trx) => {
    // ON CONFLICT DO NOTHING, not a caught unique violation: on PostgreSQL a failed
    // statement aborts the whole transaction, and every process runs this at start.
    const inserted = await trx.insertInto('users').values({ name: 'admin', display_name: 'Administrator', create_time: now })
      .onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
    const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    if (!created) {
      if (!parsed) return {};
      const held = await trx.selectFrom('api_keys').select(['secret_hash', 'principal']).where('key_id', '=', parsed.keyId).executeTakeFirst();
      // An in-memory app makes its own pepper, so it cannot check another process's hash: the keyId must do.
      if (held && held.principal === 'user:admin' && (ephemeralPepper || held.secret_hash === hashSecret(pepper, parsed.secret))) return {};
      throw new ConfigError(
        'ROUGE_BOOTSTRAP_ADMIN_KEY (--bootstrap-admin-key) is not a key of user:admin in this deployment. It only installs the first key, ' +
          'at the first start; Rouge does not add another admin key at start. To rotate: create a key with `rouge users keys create admin`, ' +
          'set ROUGE_BOOTSTRAP_ADMIN_KEY to it, and revoke the old one (docs/iam.md, "The bootstrap admin key").',
      );
    }
    await trx.insertInto('role_bindings').values({ project: ORG, principal: 'user:admin', role: 'orgAdmin', resource: '', create_time: now })
      .onConflict((oc) => oc.columns(['project', 'principal', 'role', 'resource']).doNothing()).execute();
    const key = parsed ?? generateKey();
    const expire = expiresSeconds === undefined ? NEVER : new Date(Date.now() + expiresSeconds * 1000).toISOString();
    await trx.insertInto('api_keys').values({
      key_id: key.keyId, project: ORG, principal: 'user:admin', secret_hash: hashSecret(pepper, key.secret),
      display_name: 'bootstrap', create_time: now, expire_time: expire, revoke_time: null, last_used_time: null,
    }).onConflict((oc) => oc.column('key_id').doNothing()).execute();
    return parsed ? {} : { generatedKey: `rk_${key.keyId}_${key.secret}` };
  });
}
