import { readPage, type Cache } from '../platform/index.js';
import { CATALOG_CHANNEL, searchTerms, type CatalogFace, type Item } from '../catalog/index.js';

/** Catalogue paths are joined with this in filters and category keys (the catalog's own separator). */
const SEPARATOR = ' > ';
const PAGE = 1000;

/**
 * One item as the serving path needs it. Records are updated in place, so
 * what a loaded model maps its indices to stays current without a rebuild.
 */
export interface ItemRecord {
  id: string;
  title: string;
  brand: string;
  categoryPath: string[];
  /** The joined path: `Makeup > Lips > Lipstick`. */
  category: string;
  /** Every ancestor path and the path itself, for `category = "Makeup > Lips"` (a subtree). */
  prefixes: string[];
  price?: { amount: number; currency: string };
  availability: string;
  link?: string;
  imageLink?: string;
  attributes: Record<string, unknown>;
  createTime: string;
  updateTime: string;
  /** Lower-case words of the title, brand and text attributes (a shade's name), for a search's words beyond its category. */
  words: ReadonlySet<string>;
  /** False once the item is deleted: a model may still hold its index. */
  live: boolean;
}

/** A text's terms as the catalogue's search compares them (stemmed: "lipsticks" is "lipstick"). */
export const wordsOf = searchTerms;

function toRecord(item: Item): ItemRecord {
  const category = item.categoryPath.join(SEPARATOR);
  const prefixes = item.categoryPath.map((_, i) => item.categoryPath.slice(0, i + 1).join(SEPARATOR));
  return {
    id: item.id, title: item.title, brand: item.brand, categoryPath: item.categoryPath, category, prefixes,
    ...(item.price ? { price: item.price } : {}), availability: item.availability,
    ...(item.link ? { link: item.link } : {}), ...(item.imageLink ? { imageLink: item.imageLink } : {}),
    attributes: item.attributes, createTime: item.createTime, updateTime: item.updateTime,
    words: new Set([...wordsOf(item.title), ...wordsOf(item.brand), ...Object.values(item.attributes).flatMap((v) => (typeof v === 'string' ? wordsOf(v) : []))]),
    live: true,
  };
}

/** Whether an item may be shown at all: out of stock and discontinued items never are. */
export function sellable(r: ItemRecord): boolean {
  return r.live && (r.availability === 'in_stock' || r.availability === 'preorder');
}

/** A project's items in memory, kept current by the catalogue's change signals. */
export class ProjectItems {
  readonly byId = new Map<string, ItemRecord>();
  /** Bumped when an item's words change: derived word lists are then rebuilt. */
  wordsGeneration = 0;
  /** Bumped when an item is added, removed or changes category: derived category lists are then rebuilt. */
  shapeGeneration = 0;

  put(item: Item): void {
    const fresh = toRecord(item);
    const old = this.byId.get(item.id);
    if (!old) {
      this.byId.set(item.id, fresh);
      this.shapeGeneration++;
      return;
    }
    if (old.category !== fresh.category) this.shapeGeneration++;
    if (old.words.size !== fresh.words.size || [...fresh.words].some((w) => !old.words.has(w))) this.wordsGeneration++;
    Object.assign(old, fresh);
  }

  remove(id: string): void {
    const old = this.byId.get(id);
    if (!old) return;
    old.live = false;
    this.byId.delete(id);
    this.shapeGeneration++;
  }
}

/**
 * Every project's items that recommendations are asked about, loaded on first
 * use and then kept current: a change signal naming items re-reads those, one
 * naming none (a bulk import) reloads the project in the background while the
 * old copy keeps serving.
 */
export class ItemTable {
  private readonly projects = new Map<string, ProjectItems>();
  private readonly loading = new Map<string, Promise<ProjectItems>>();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly catalog: CatalogFace, private readonly signals: Cache, private readonly onError: (err: unknown) => void) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.signals.subscribe(CATALOG_CHANNEL, (message) => {
      const change = JSON.parse(message) as { project: string; ids?: string[]; synonyms?: boolean };
      if (!this.projects.has(change.project) || (change.synonyms && !change.ids)) return;
      void this.apply(change.project, change.ids).catch(this.onError);
    });
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** The project's items, loading them on first use. */
  of(project: string): ProjectItems | Promise<ProjectItems> {
    return this.projects.get(project) ?? this.load(project);
  }

  /** Forgets a project (deleted). */
  drop(project: string): void {
    this.projects.delete(project);
  }

  private load(project: string): Promise<ProjectItems> {
    let p = this.loading.get(project);
    if (!p) {
      p = this.read(project).then((items) => {
        this.projects.set(project, items);
        return items;
      }).finally(() => this.loading.delete(project));
      this.loading.set(project, p);
    }
    return p;
  }

  private async read(project: string): Promise<ProjectItems> {
    const out = new ProjectItems();
    let pageToken: string | undefined;
    do {
      const page = await this.catalog.items.list(project, undefined, readPage({ pageSize: PAGE, pageToken }));
      for (const item of page.items) out.put(item);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  }

  private async apply(project: string, ids: string[] | undefined): Promise<void> {
    const items = this.projects.get(project);
    if (!items) return;
    if (!ids) {
      const fresh = await this.read(project);
      // The old records stop serving; models see a new ProjectItems and remap to the fresh ones.
      for (const r of items.byId.values()) r.live = false;
      this.projects.set(project, fresh);
      return;
    }
    const found = new Map((await this.catalog.items.getMany(project, ids)).map((item) => [item.id, item]));
    for (const id of ids) {
      const item = found.get(id);
      if (item) items.put(item);
      else items.remove(id);
    }
  }
}
