import { describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../app.js';
import { STORE_KINDS, openTestStore } from '../../../test/helpers/stores.js';
import { openStore, StoreUnreachableError } from './index.js';
import { describeStore, suiteModule } from './store.suite.js';

for (const kind of STORE_KINDS) {
  describeStore(kind, () => openTestStore(kind, [...ALL_MIGRATIONS, suiteModule]));
}

describe('openStore', () => {
  it('reports an unreachable PostgreSQL at start, naming the store without its password', async () => {
    const err = await openStore({ databaseUrl: 'postgres://rouge:hunter2@127.0.0.1:1/rouge', databaseSchema: undefined, dataDir: ':memory:' }, ALL_MIGRATIONS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnreachableError);
    expect((err as Error).message).toContain('PostgreSQL at rouge:***@127.0.0.1:1/rouge');
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('opens the embedded store under the data dir', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'rouge-store-'));
    const store = await openStore({ databaseUrl: undefined, databaseSchema: undefined, dataDir: dir }, ALL_MIGRATIONS);
    expect(store.dialect).toBe('sqlite');
    expect(store.description).toBe(`SQLite at ${join(dir, 'rouge.db')}`);
    await store.close();
  });
});
