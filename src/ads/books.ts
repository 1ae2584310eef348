import { CATALOG_CHANNEL, type CatalogFace } from '../catalog/index.js';
import { nowIso, RougeError, type Cache, type ProjectService } from '../platform/index.js';
import { ProjectBook, productOf, type Product } from './book.js';
import type { Budgets } from './budget.js';
import { dayPosition } from './budget-day.js';
import type { AdsSettings } from './settings.js';
import type { AdsStore } from './store.js';

/** The signals channel on which campaign and settings changes reach every process's auction. */
export const ADS_CHANNEL = 'rouge.ads.changes';
/** How often spend is re-read from the counters for the auction's budget check. */
const SPEND_EVERY_MS = 1000;
/** How often observed impressions and clicks are re-read for quality. */
const STATS_EVERY_MS = 30_000;
/** A full reload now and then repairs anything a lost signal left stale (a campaign that ended). */
const RELOAD_EVERY_MS = 60_000;

export interface BooksDeps {
  store: AdsStore;
  catalog: CatalogFace;
  cache: Cache;
  budgets: Budgets;
  projects: ProjectService;
  settings: (project: string) => Promise<AdsSettings>;
  onError: (err: unknown) => void;
}

/**
 * Every project's auction inventory, loaded on its first auction and kept
 * current: a change signal reloads the project in the background while the
 * old book keeps serving; spend is refreshed every second, observed CTR every
 * thirty; catalogue signals update promoted products' stock and category.
 */
export class Books {
  private readonly books = new Map<string, ProjectBook>();
  private readonly loading = new Map<string, Promise<ProjectBook>>();
  private readonly statsAt = new Map<string, number>();
  private readonly loadedAt = new Map<string, number>();
  private readonly unsubscribe: Array<() => Promise<void>> = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(private readonly d: BooksDeps) {}

  async start(): Promise<void> {
    this.unsubscribe.push(await this.d.cache.subscribe(ADS_CHANNEL, (message) => {
      const { project } = JSON.parse(message) as { project: string };
      if (this.books.has(project)) void this.reload(project).catch(this.d.onError);
    }));
    this.unsubscribe.push(await this.d.cache.subscribe(CATALOG_CHANNEL, (message) => {
      const change = JSON.parse(message) as { project: string; ids?: string[]; synonyms?: boolean };
      const book = this.books.get(change.project);
      if (!book || (change.synonyms && !change.ids)) return;
      if (!change.ids) return void this.reload(change.project).catch(this.d.onError);
      const ours = change.ids.filter((id) => book.products.has(id));
      if (ours.length > 0) void this.products(change.project, ours).catch(this.d.onError);
    }));
    this.timer = setInterval(() => void this.tick().catch(this.d.onError), SPEND_EVERY_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.unsubscribe.map((u) => u()));
  }

  /** The project's book, loading it on first use. */
  of(project: string): ProjectBook | Promise<ProjectBook> {
    return this.books.get(project) ?? this.load(project);
  }

  /** Tells every process (this one included) to reload the project's campaigns. */
  async changed(project: string): Promise<void> {
    await this.d.cache.publish(ADS_CHANNEL, JSON.stringify({ project }));
  }

  drop(project: string): void {
    this.books.delete(project);
  }

  private load(project: string): Promise<ProjectBook> {
    let p = this.loading.get(project);
    if (!p) {
      p = this.read(project).then((book) => {
        this.books.set(project, book);
        return book;
      }).finally(() => this.loading.delete(project));
      this.loading.set(project, p);
    }
    return p;
  }

  private async reload(project: string): Promise<void> {
    const book = await this.read(project);
    if (this.books.has(project)) this.books.set(project, book);
  }

  private async read(project: string): Promise<ProjectBook> {
    const [settings, p, rows] = await Promise.all([this.d.settings(project), this.d.projects.get(project), this.d.store.liveCampaigns(project, nowIso())]);
    const ids = [...new Set(rows.flatMap((r) => JSON.parse(r.products) as string[]))];
    const products = new Map<string, Product>();
    for (let i = 0; i < ids.length; i += 1000) {
      for (const item of await this.d.catalog.items.getMany(project, ids.slice(i, i + 1000))) products.set(item.id, productOf(item));
    }
    const book = new ProjectBook(settings, p.timeZone, rows, products);
    await Promise.all([this.spend(project, book), this.stats(project, book)]);
    this.loadedAt.set(project, Date.now());
    return book;
  }

  private async products(project: string, ids: string[]): Promise<void> {
    const book = this.books.get(project);
    if (!book) return;
    const found = new Map((await this.d.catalog.items.getMany(project, ids)).map((i) => [i.id, i]));
    for (const id of ids) {
      const item = found.get(id);
      if (item) book.update(item);
      else book.remove(id);
    }
  }

  private async spend(project: string, book: ProjectBook): Promise<void> {
    book.day = dayPosition(book.timeZone, Date.now()).day;
    const ids = book.campaigns.map((c) => c.id);
    const { today, total } = await this.d.budgets.snapshot(project, ids, book.day);
    book.campaigns.forEach((c, i) => {
      c.today = today[i]!;
      c.total = total[i]!;
    });
  }

  private async stats(project: string, book: ProjectBook): Promise<void> {
    book.setStats(await this.d.store.stats(project));
    this.statsAt.set(project, Date.now());
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = Date.now();
      for (const [project, book] of this.books) {
        // One project's failure (deleted by another process, say) must not stop the others' refresh.
        try {
          if (now - (this.loadedAt.get(project) ?? 0) > RELOAD_EVERY_MS) {
            await this.reload(project);
            continue;
          }
          await this.spend(project, book);
          if (now - (this.statsAt.get(project) ?? 0) > STATS_EVERY_MS) await this.stats(project, book);
        } catch (err) {
          if (err instanceof RougeError && err.reason === 'PROJECT_NOT_FOUND') this.drop(project);
          else this.d.onError(err);
        }
      }
    } finally {
      this.ticking = false;
    }
  }
}
