import { buffer } from 'node:stream/consumers';
import type { BlobStore, CloudEvent, EventOutbox } from '../platform/index.js';
import { parseModelRef, type RegistryFace, type ResolvedVersion } from '../registry/index.js';
import { RecsModel } from '../recs/index.js';
import * as errors from './errors.js';
import type { ItemRecord, ProjectItems } from './item-table.js';
import { RECS_FRAMEWORK } from './recommenders.js';

/** How often every followed alias is re-resolved, in case a signal was lost. */
const RECHECK_MS = 30_000;

/** A model's indices mapped onto one copy of the project's items. */
export interface ItemMapping {
  items: ProjectItems;
  generation: number;
  /** The record of each model index; undefined for an item no longer in the catalogue. */
  byIndex: Array<ItemRecord | undefined>;
  /** Model indices of each category (joined path), most popular first. */
  byCategory: Map<string, Int32Array>;
  /** Per category, built on a search's first use: where each word sits in its popularity list (see `categoryWords`). */
  words: Map<string, { generation: number; words: CategoryWords }>;
}

/** A rouge-recs version loaded in this process. */
export class LoadedModel {
  /** Every model index, most popular first (computed once per load). */
  private readonly order: Int32Array;
  private mapping: ItemMapping | undefined;

  constructor(readonly version: ResolvedVersion, readonly model: RecsModel) {
    this.order = Int32Array.from(model.popular(model.itemCount).map((s) => s.item));
  }

  /** The mapping onto the project's current items, rebuilt only when items were added, removed or moved category. */
  mapOnto(items: ProjectItems): ItemMapping {
    const m = this.mapping;
    if (m && m.items === items && m.generation === items.shapeGeneration) return m;
    const byIndex = new Array<ItemRecord | undefined>(this.model.itemCount);
    for (let i = 0; i < byIndex.length; i++) byIndex[i] = items.byId.get(this.model.itemId(i));
    const lists = new Map<string, number[]>();
    for (const i of this.order) {
      const r = byIndex[i];
      if (!r) continue;
      let list = lists.get(r.category);
      if (!list) lists.set(r.category, (list = []));
      list.push(i);
    }
    const byCategory = new Map<string, Int32Array>();
    for (const [k, v] of lists) byCategory.set(k, Int32Array.from(v));
    this.mapping = { items, generation: items.shapeGeneration, byIndex, byCategory, words: new Map() };
    return this.mapping;
  }
}

interface Followed {
  project: string;
  ref: string;
  current: LoadedModel;
}

/**
 * The recommendation models this process serves, by the reference a
 * recommender follows (`recs@champion`). Versions are loaded once however
 * many references name them. When an alias moves (a platform event, or the
 * periodic re-check) the new version is loaded beside the old one and then
 * swapped in, so no request waits for a load or fails during a swap.
 */
export class ModelCache {
  private readonly followed = new Map<string, Followed>();
  private readonly pending = new Map<string, Promise<Followed>>();
  private readonly versions = new Map<string, Promise<LoadedModel>>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: RegistryFace,
    private readonly blobs: BlobStore,
    private readonly outbox: EventOutbox,
    private readonly onError: (err: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.outbox.subscribe((e: CloudEvent) => {
      if (e.type !== 'rouge.model.alias.moved') return;
      const data = e.data as { model?: string };
      const [, project, , model] = (data.model ?? '').split('/');
      for (const f of this.followed.values()) {
        if (f.project === project && parseModelRef(f.ref).model === model) void this.refresh(f).catch(this.onError);
      }
    });
    this.timer = setInterval(() => {
      for (const f of this.followed.values()) void this.refresh(f).catch(this.onError);
    }, RECHECK_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unsubscribe?.();
  }

  /** The model a reference names now; the first call per reference loads it. */
  get(project: string, ref: string): LoadedModel | Promise<LoadedModel> {
    const key = `${project}/${ref}`;
    const f = this.followed.get(key);
    if (f) return f.current;
    let p = this.pending.get(key);
    if (!p) {
      p = this.resolve(project, ref)
        .then((current) => {
          const entry = { project, ref, current };
          this.followed.set(key, entry);
          return entry;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p.then((e) => e.current);
  }

  /** Stops following references of a project (deleted) and frees versions nothing follows. */
  dropProject(project: string): void {
    for (const [k, f] of this.followed) if (f.project === project) this.followed.delete(k);
    this.evict();
  }

  private async resolve(project: string, ref: string): Promise<LoadedModel> {
    const { model, ref: r } = parseModelRef(ref);
    const version = await this.registry.versions.resolveVersion(project, model, r);
    if (version.framework !== RECS_FRAMEWORK) throw errors.MODEL_NOT_RECS({ model: ref, framework: version.framework });
    return this.load(version);
  }

  private load(version: ResolvedVersion): Promise<LoadedModel> {
    let p = this.versions.get(version.name);
    if (!p) {
      p = (async () => {
        const { body } = await this.blobs.get(version.artifact!.key);
        return new LoadedModel(version, RecsModel.load(await buffer(body)));
      })();
      this.versions.set(version.name, p);
      p.catch(() => this.versions.delete(version.name));
    }
    return p;
  }

  private async refresh(f: Followed): Promise<void> {
    const { model, ref } = parseModelRef(f.ref);
    const version = await this.registry.versions.resolveVersion(f.project, model, ref).catch(() => undefined);
    // A deleted alias or model keeps the last good version serving; requests say so only when it is gone too.
    if (!version || version.framework !== RECS_FRAMEWORK || version.name === f.current.version.name) return;
    f.current = await this.load(version);
    this.evict();
  }

  private evict(): void {
    const used = new Set([...this.followed.values()].map((f) => f.current.version.name));
    for (const [name, p] of this.versions) {
      void p.then((m) => {
        if (!used.has(name) && !this.pending.size) this.versions.delete(m.version.name);
      }, () => undefined);
    }
  }
}

/** Each word of a category's items -> the positions in its popularity list (`byCategory`) of the items carrying it, ascending. */
export type CategoryWords = ReadonlyMap<string, Int32Array>;

/**
 * Every word the items of a category carry, with where they sit in its
 * popularity list, built on first use per category and rebuilt when items'
 * words change: a search placement counts from it how many query words each
 * of the category's popular items carries, without looking at the items.
 */
export function categoryWords(map: ItemMapping, category: string): CategoryWords {
  const cached = map.words.get(category);
  if (cached && cached.generation === map.items.wordsGeneration) return cached.words;
  const lists = new Map<string, number[]>();
  const order = map.byCategory.get(category) ?? new Int32Array(0);
  for (let p = 0; p < order.length; p++) {
    for (const w of map.byIndex[order[p]!]?.words ?? []) {
      let list = lists.get(w);
      if (!list) lists.set(w, (list = []));
      list.push(p);
    }
  }
  const words = new Map<string, Int32Array>();
  for (const [w, list] of lists) words.set(w, Int32Array.from(list));
  map.words.set(category, { generation: map.items.wordsGeneration, words });
  return words;
}
