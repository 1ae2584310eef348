import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore, openSqliteStore, platformMigrations, type ModuleMigrations, type Store } from '../src/platform/index.js';
import { registryMigrations } from '../src/registry/index.js';
import { RegistryStore } from '../src/registry/store.js';
import { registryMigration } from '../src/registry/tables.js';
import { STORE_KINDS, TEST_DATABASE_URL, freshSchema, type StoreKind } from './helpers/stores.js';

// The schema as released before the version counter, and as it is now; the registry keeps its place in the list.
const BEFORE: ModuleMigrations[] = [platformMigrations, { module: 'registry', migrations: { '0001_registry': registryMigration } }];
const NOW: ModuleMigrations[] = [platformMigrations, { module: 'registry', migrations: registryMigrations }];

describe.each(STORE_KINDS)('registry migrations on %s', (kind: StoreKind) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** Opens the same database twice over its life: once per schema version. */
  function location(): (modules: ModuleMigrations[]) => Store {
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'rouge-registry-migration-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return (modules) => openSqliteStore(join(dir, 'rouge.db'), modules);
    }
    const schema = freshSchema();
    return (modules) => openPostgresStore({ url: TEST_DATABASE_URL!, schema, poolSize: 2 }, modules);
  }

  it('starts the counter of existing models after their highest version', async () => {
    const open = location();
    const old = open(BEFORE);
    await old.migrate();
    const now = '2026-01-01T00:00:00.000Z';
    const model = (name: string) => ({ project: 'ds', name, display_name: name, description: '', labels: '{}', create_time: now, update_time: now });
    const version = (m: string, v: number) => ({
      project: 'ds', model: m, version: v, framework: 'http', description: '', labels: '{}', metrics: '{}', lineage: '{}',
      signature: null, spec: '{}', artifact_uri: null, artifact_key: null, artifact_sha256: null, artifact_size: null, created_by: 'user:admin', create_time: now,
    });
    await old.db.insertInto('models').values([model('ctr'), model('empty')]).execute();
    // Version 2 was deleted before the upgrade: the counter can only know the highest that is left.
    await old.db.insertInto('model_versions').values([version('ctr', 1), version('ctr', 3)]).execute();
    await old.close();

    const upgraded = open(NOW);
    cleanups.push(() => upgraded.close());
    await upgraded.migrate();
    const registry = new RegistryStore(upgraded);
    const next = (m: string) => registry.db.transaction().execute((trx) => registry.nextVersion('ds', m, trx));
    expect(await next('ctr')).toBe(4);
    expect(await next('ctr')).toBe(5);
    expect(await next('empty')).toBe(1);
    expect(await next('absent')).toBeUndefined();
    expect((await registry.getVersion('ds', 'ctr', 3))?.metadata).toBeNull();
  });
});
