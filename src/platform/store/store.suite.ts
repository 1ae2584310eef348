import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreUnavailable, isUniqueViolation } from './errors.js';
import { precompile } from './precompiled.js';
import type { ModuleMigrations, Store } from './store.js';

interface SuiteTables {
  suite_items: { project: string; id: string; value: string; create_time: string };
}

/** A module with one project-scoped table, used by the suite to exercise migrations. */
export const suiteModule: ModuleMigrations = {
  module: 'suite',
  migrations: {
    '0001_items': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('suite_items')
          .addColumn('project', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('create_time', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('suite_items_pk', ['project', 'id'])
          .execute();
      },
    },
  },
};

/**
 * The store port's contract, run against every adapter (as Kysely runs one
 * suite over every dialect). `open` returns an empty store with `suiteModule`'s
 * migrations among its modules.
 */
export function describeStore(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let db: Kysely<SuiteTables>;
    beforeEach(async () => {
      store = await open();
      await store.migrate();
      db = store.typed<SuiteTables>();
    });
    afterEach(async () => {
      await store.close();
    });

    it('applies every migration once and reports none pending', async () => {
      expect(await store.pendingMigrations()).toEqual([]);
      expect(await store.migrate()).toEqual([]);
    });

    it('answers ping while open and rejects it after close', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      const other = await open();
      await other.close();
      await expect(other.ping()).rejects.toThrow();
    });

    it('round-trips text, unicode and ISO timestamps identically', async () => {
      const t = '2026-11-27T01:20:00.123Z';
      await db.insertInto('suite_items').values({ project: 'p', id: 'a', value: 'Rouge à lèvres 💄 \'; drop table x; --', create_time: t }).execute();
      const row = await db.selectFrom('suite_items').selectAll().where('project', '=', 'p').where('id', '=', 'a').executeTakeFirstOrThrow();
      expect(row).toEqual({ project: 'p', id: 'a', value: 'Rouge à lèvres 💄 \'; drop table x; --', create_time: t });
    });

    it('recognises a duplicate key as a unique violation', async () => {
      const row = { project: 'p', id: 'dup', value: '1', create_time: 'x' };
      await db.insertInto('suite_items').values(row).execute();
      const err = await db.insertInto('suite_items').values(row).execute().catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
      expect(isStoreUnavailable(err)).toBe(false);
    });

    it('runs a precompiled query with each call\'s values, in the places of their stand-ins', async () => {
      await db.insertInto('suite_items').values([
        { project: 'p1', id: 'a', value: 'one', create_time: 't' },
        { project: 'p1', id: 'b', value: 'two', create_time: 't' },
        { project: 'p2', id: 'a', value: 'three', create_time: 't' },
      ]).execute();
      // Values in another order than the query uses them, and a constant that stays.
      const byId = precompile<{ value: string }>(db, 2, (id, project) => db.selectFrom('suite_items').select('value').where('project', '=', project).where('create_time', '=', 't').where('id', '=', id));
      expect(await byId('a', 'p1')).toEqual([{ value: 'one' }]);
      expect(await byId('a', 'p2')).toEqual([{ value: 'three' }]);
      expect(await byId('c', 'p1')).toEqual([]);
      expect(() => precompile(db, 2, (project) => db.selectFrom('suite_items').select('value').where('project', '=', project))).toThrow(/stand-in 1 is not a parameter/);
    });

    it('keeps the same id apart in two projects', async () => {
      await db.insertInto('suite_items').values([
        { project: 'p1', id: 'x', value: 'one', create_time: 't' },
        { project: 'p2', id: 'x', value: 'two', create_time: 't' },
      ]).execute();
      const rows = await db.selectFrom('suite_items').select(['project', 'value']).where('id', '=', 'x').orderBy('project').execute();
      expect(rows).toEqual([{ project: 'p1', value: 'one' }, { project: 'p2', value: 'two' }]);
    });

    it('rolls back every row of a failed transaction', async () => {
      const failing = db.transaction().execute(async (trx) => {
        await trx.insertInto('suite_items').values({ project: 'p', id: 'first', value: '1', create_time: 't' }).execute();
        await trx.insertInto('suite_items').values({ project: 'p', id: 'second', value: '2', create_time: 't' }).execute();
        throw new Error('fails after two writes');
      });
      await expect(failing).rejects.toThrow('fails after two writes');
      const { n } = await db.selectFrom('suite_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n)).toBe(0);
    });

    it('serialises concurrent transactions so none sees a half-written state', async () => {
      // Each transaction writes a pair; a reader must always see pairs complete.
      const writes = Array.from({ length: 20 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await trx.insertInto('suite_items').values({ project: 'p', id: `a${i}`, value: 'x', create_time: 't' }).execute();
          await trx.insertInto('suite_items').values({ project: 'p', id: `b${i}`, value: 'x', create_time: 't' }).execute();
        }),
      );
      const reads = Array.from({ length: 10 }, async () => {
        const rows = await db.selectFrom('suite_items').select('id').where('project', '=', 'p').execute();
        const ids = new Set(rows.map((r) => r.id));
        for (const id of ids) expect(ids.has(id.startsWith('a') ? `b${id.slice(1)}` : `a${id.slice(1)}`)).toBe(true);
      });
      await Promise.all([...writes, ...reads]);
      const { n } = await db.selectFrom('suite_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n)).toBe(40);
    });

    it('runs raw SQL through the same instance', async () => {
      const res = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      expect(Number(res.rows[0]!.one)).toBe(1);
    });
  });
}
