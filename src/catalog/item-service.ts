import { cutPage, nowIso, type EventOutbox, type PageRequest, type ProjectHold } from '../platform/index.js';
import * as errors from './errors.js';
import { parseItemFilter } from './item-filter.js';
import type { ItemStore } from './item-store.js';
import { checkCurrency, checkItem, toItem, toItemRow, type Item, type ItemInput, type ItemPatch } from './items.js';
import type { SearchIndex } from './search-index.js';
import { words } from './text.js';
import type { Transaction } from 'kysely';
import type { CatalogTables } from './tables.js';

/** A node of the category tree: its own items plus those of every category below it. */
export interface CategoryNode {
  name: string;
  path: string[];
  itemCount: number;
  children: CategoryNode[];
}

/** What `catalog:search` answers. */
export interface SearchResponse {
  categories: Array<{ path: string[]; score: number; matchedItems: number }>;
  items: Item[];
  totalSize: number;
  matched: boolean;
  message?: string;
  nextPageToken?: string;
}

/**
 * Catalog items: upsert, read, patch price and availability, delete, list,
 * the category tree, synonyms and search. Every change is written with its
 * CloudEvent in one transaction and then signalled to every process's index.
 * That transaction first holds the project (`hold`, PROJECT_NOT_FOUND when it
 * does not exist): a concurrent project delete either waits and then deletes
 * what the change wrote, or commits first and the change fails, so no item or
 * synonym outlives its project.
 */
export class ItemService {
  constructor(
    private readonly store: ItemStore,
    private readonly outbox: EventOutbox,
    private readonly index: SearchIndex,
    private readonly hold: ProjectHold,
  ) {}

  /** Creates or replaces an item (PUT semantics: fields left out return to their defaults). */
  async upsert(project: string, id: string, body: Omit<ItemInput, 'id'> & { id?: string }): Promise<{ item: Item; created: boolean }> {
    if (body.id !== undefined && body.id !== id) throw errors.ITEM_ID_MISMATCH({ path: id, body: body.id });
    const input: ItemInput = { ...body, id };
    checkItem(input, '');
    const row = toItemRow(project, input, nowIso());
    const { created, stored } = await this.outbox.transaction(async (trx: Transaction<CatalogTables>, emit) => {
      await this.hold(project, trx);
      const counts = await this.store.upsertMany(project, [row], trx);
      const stored = (await this.store.get(project, id, trx))!;
      emit(project, { type: counts.inserted ? 'rouge.catalog.item.created' : 'rouge.catalog.item.updated', subject: `catalog/items/${id}`, data: toItem(stored) });
      return { created: counts.inserted === 1, stored };
    });
    await this.changed(project, [id]);
    return { item: toItem(stored), created };
  }

  async get(project: string, id: string): Promise<Item> {
    const row = await this.store.get(project, id);
    if (!row) throw errors.ITEM_NOT_FOUND({ item: `projects/${project}/catalog/items/${id}` });
    return toItem(row);
  }

  /**
   * The items of these ids that exist (any order; missing ids are left out),
   * read 1,000 at a time: what a process keeping a copy of the catalogue
   * re-reads when a change signal names items.
   */
  async getMany(project: string, ids: string[]): Promise<Item[]> {
    const out: Item[] = [];
    for (let i = 0; i < ids.length; i += 1000) out.push(...(await this.store.byIds(project, ids.slice(i, i + 1000))).map(toItem));
    return out;
  }

  /** Changes price and availability only: the fields a storefront feed updates many times a day. */
  async patch(project: string, id: string, patch: ItemPatch): Promise<Item> {
    if (patch.price) checkCurrency(patch.price.currency, 'price.currency');
    const item = await this.outbox.transaction(async (trx: Transaction<CatalogTables>, emit) => {
      await this.hold(project, trx);
      const set = {
        update_time: nowIso(),
        ...(patch.price ? { price_amount: patch.price.amount, price_currency: patch.price.currency } : {}),
        ...(patch.availability ? { availability: patch.availability } : {}),
      };
      if (!(await this.store.patch(project, id, set, trx))) throw errors.ITEM_NOT_FOUND({ item: `projects/${project}/catalog/items/${id}` });
      const item = toItem((await this.store.get(project, id, trx))!);
      emit(project, { type: 'rouge.catalog.item.updated', subject: `catalog/items/${id}`, data: item });
      return item;
    });
    await this.changed(project, [id]);
    return item;
  }

  async delete(project: string, id: string): Promise<void> {
    await this.outbox.transaction(async (trx: Transaction<CatalogTables>, emit) => {
      await this.hold(project, trx);
      if (!(await this.store.delete(project, id, trx))) throw errors.ITEM_NOT_FOUND({ item: `projects/${project}/catalog/items/${id}` });
      emit(project, { type: 'rouge.catalog.item.deleted', subject: `catalog/items/${id}`, data: { name: `projects/${project}/catalog/items/${id}` } });
    });
    await this.changed(project, [id]);
  }

  async list(project: string, filter: string | undefined, page: PageRequest): Promise<{ items: Item[]; nextPageToken?: string }> {
    const rows = await this.store.list(project, parseItemFilter(filter), page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.id]);
    return { items: items.map(toItem), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  /** The category tree with item counts; a parent counts the items of all its descendants. */
  async categories(project: string): Promise<{ categories: CategoryNode[]; totalItems: number }> {
    const roots: CategoryNode[] = [];
    let totalItems = 0;
    for (const { category_path, n } of await this.store.categoryCounts(project)) {
      const path = JSON.parse(category_path) as string[];
      totalItems += n;
      let level = roots;
      path.forEach((name, depth) => {
        let node = level.find((c) => c.name === name);
        if (!node) level.push((node = { name, path: path.slice(0, depth + 1), itemCount: 0, children: [] }));
        node.itemCount += n;
        level = node.children;
      });
    }
    return { categories: roots, totalItems };
  }

  /**
   * Maps a query to categories and ranked items; `filter` (the platform's
   * syntax, on item fields) keeps only the matched items that pass it, in the
   * same order, so a storefront can search in stock, one brand or a price band.
   */
  async search(project: string, query: string, pageSize: number, page: PageRequest, filter?: string): Promise<SearchResponse> {
    const checked = parseItemFilter(filter);
    const hits = await this.index.search(project, query);
    if (checked && hits.ids.length > 0) {
      const pass = await this.store.passing(project, hits.ids, checked);
      hits.ids = hits.ids.filter((id) => pass.has(id));
    }
    const offset = page.after ? Number(page.after[0]) || 0 : 0;
    const ids = hits.ids.slice(offset, offset + pageSize);
    const rows = new Map((await this.store.byIds(project, ids)).map((r) => [r.id, r]));
    // An item deleted since the index saw it is skipped rather than shown stale.
    const items = ids.flatMap((id) => (rows.has(id) ? [toItem(rows.get(id)!)] : []));
    const next = offset + pageSize < hits.ids.length ? Buffer.from(JSON.stringify({ k: [String(offset + pageSize)] })).toString('base64url') : undefined;
    return {
      categories: hits.categories,
      items,
      totalSize: hits.ids.length,
      matched: hits.ids.length > 0,
      ...(hits.message ? { message: hits.message } : {}),
      ...(next ? { nextPageToken: next } : {}),
    };
  }

  async synonyms(project: string): Promise<{ synonyms: string[][] }> {
    return { synonyms: await this.store.synonyms(project) };
  }

  /** Replaces the project's synonym groups; every process's index picks them up through the signals port. */
  async setSynonyms(project: string, groups: string[][]): Promise<{ synonyms: string[][] }> {
    const clean = groups.map((g) => g.map((p) => p.trim()).filter((p) => words(p).length > 0)).filter((g) => g.length >= 2);
    await this.outbox.transaction(async (trx: Transaction<CatalogTables>, emit) => {
      await this.hold(project, trx);
      await this.store.setSynonyms(project, clean, nowIso(), trx);
      emit(project, { type: 'rouge.catalog.synonyms.updated', subject: 'catalog/synonyms', data: { synonyms: clean } });
    });
    await this.index.signal({ project, synonyms: true }).catch(() => undefined);
    return { synonyms: clean };
  }

  count(project: string): Promise<number> {
    return this.store.count(project);
  }

  /** Signals a change; a failed publish is repaired by the index's periodic check, so the write still succeeds. */
  private async changed(project: string, ids: string[]): Promise<void> {
    await this.index.signal({ project, ids }).catch(() => undefined);
  }
}
