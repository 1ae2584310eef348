import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ItemStore } from '../src/catalog/item-store.js';
import { toItemRow, type ItemInput } from '../src/catalog/items.js';
import { SearchIndex } from '../src/catalog/search-index.js';
import { MemoryCache, type Store } from '../src/platform/index.js';
import { CATALOG_MIGRATIONS, generateCatalogue, until } from './catalog-helpers.js';
import { STORE_KINDS, openTestStore } from './helpers/stores.js';

// Large enough that a build takes many 10 ms slices on any machine.
const CATEGORIES = 40;
const PER_CATEGORY = 500;

describe.each(STORE_KINDS)('the search index build on %s', (kind) => {
  let store: Store;
  let items: ItemStore;
  let index: SearchIndex;
  let kinds: string[];
  const now = () => new Date().toISOString();
  const put = async (inputs: ItemInput[]) => {
    for (let i = 0; i < inputs.length; i += 1000) {
      const rows = inputs.slice(i, i + 1000).map((input) => toItemRow('shop', input, now()));
      await store.db.transaction().execute((trx) => items.upsertMany('shop', rows, trx as never));
    }
  };

  beforeEach(async () => {
    store = await openTestStore(kind, CATALOG_MIGRATIONS);
    await store.migrate();
    items = new ItemStore(store);
    const cat = generateCatalogue(5, CATEGORIES, PER_CATEGORY);
    kinds = cat.kinds;
    await put(cat.items as ItemInput[]);
    index = new SearchIndex(items, new MemoryCache());
    await index.start();
  });
  afterEach(async () => {
    await index.close();
    await store.close();
  });

  it('lets timers and other requests run while it indexes the catalogue', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const hits = await index.search('shop', kinds[0]!);
      expect(hits.ids).toHaveLength(PER_CATEGORY);
      // A build that held the event loop throughout would let the timer fire once at most, after it.
      expect(ticks).toBeGreaterThan(3);
    } finally {
      clearInterval(timer);
    }
  });

  it('warms every project with items, so the first search finds its index built', async () => {
    await index.warm();
    // Rows removed behind the index's back (no signal): a search that built its index now would find nothing.
    await store.db.deleteFrom('catalog_items').where('project', '=', 'shop').execute();
    expect((await index.search('shop', kinds[0]!)).ids).toHaveLength(PER_CATEGORY);
  });

  it('refreshes the statistics a bulk load leaves stale (PostgreSQL; SQLite has none to refresh)', async () => {
    await items.refreshStatistics();
    if (kind === 'postgres') {
      const r = await sql<{ n: number }>`select reltuples::int as n from pg_class where oid = 'catalog_items'::regclass`.execute(store.db);
      expect(Number(r.rows[0]!.n)).toBe(CATEGORIES * PER_CATEGORY);
    }
  });

  it('applies items changed and deleted while it was building, even behind its scan', async () => {
    const building = index.search('shop', kinds[0]!);
    // Wait until the build is under way, then change items on both sides of its cursor.
    await new Promise((r) => setTimeout(r, 5));
    await put([{ id: 'AAA-late', title: 'Zorblatt late arrival', categoryPath: ['Late', 'Zorblatts'] }]);
    const gone = `${kinds[1]}-0`;
    await store.db.deleteFrom('catalog_items').where('project', '=', 'shop').where('id', '=', gone).execute();
    await index.signal({ project: 'shop', ids: ['AAA-late', gone] });
    await building;
    await until('the late item to be searchable', async () => ((await index.search('shop', 'zorblatt')).ids.includes('AAA-late') ? true : undefined), 5000);
    expect((await index.search('shop', kinds[1]!)).ids).not.toContain(gone);
  });
});
