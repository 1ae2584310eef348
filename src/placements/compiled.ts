import type { Cache } from '../platform/index.js';
import type { RerankConfig } from './rerank.js';
import type { Experiment } from './experiment.js';
import { experimentOf, rerankOf, type RecommenderService } from './recommenders.js';
import { compileRules, type CompiledRules } from './rules.js';
import type { ItemField, Kind } from './schemas.js';

/** The signals channel on which recommender changes reach every process. */
export const PLACEMENTS_CHANNEL = 'rouge.placements.changes';

/** A recommender ready for the serving path: its row read and its rules compiled once. */
export interface CompiledRecommender {
  project: string;
  name: string;
  kind: Kind;
  model: string;
  rules: CompiledRules;
  fields: readonly ItemField[];
  rerank: RerankConfig | undefined;
  experiment: Experiment | undefined;
}

/**
 * Recommenders as the serving path uses them, read from the store once and
 * dropped in every process when one changes (a signal through the cache port),
 * so a request costs no store read.
 */
export class CompiledRecommenders {
  private readonly cache = new Map<string, CompiledRecommender | Promise<CompiledRecommender>>();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly recommenders: RecommenderService, private readonly signals: Cache) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.signals.subscribe(PLACEMENTS_CHANNEL, (message) => {
      this.cache.delete(message);
    });
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** Tells every process that a recommender changed (the service calls it after each write). */
  changed(project: string, name: string): Promise<void> {
    const key = `${project}/${name}`;
    this.cache.delete(key);
    return this.signals.publish(PLACEMENTS_CHANNEL, key);
  }

  /** Forgets a deleted project's recommenders. */
  dropProject(project: string): void {
    for (const k of this.cache.keys()) if (k.startsWith(`${project}/`)) this.cache.delete(k);
  }

  get(project: string, name: string): CompiledRecommender | Promise<CompiledRecommender> {
    const key = `${project}/${name}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const p = this.recommenders.row(project, name).then((row) => {
      const compiled: CompiledRecommender = {
        project, name, kind: row.kind as Kind, model: row.model,
        rules: compileRules(JSON.parse(row.rules)), fields: JSON.parse(row.fields) as ItemField[], rerank: rerankOf(row), experiment: experimentOf(row),
      };
      // Only if nothing dropped the entry meanwhile (a change signal while reading).
      if (this.cache.get(key) === p) this.cache.set(key, compiled);
      return compiled;
    });
    this.cache.set(key, p);
    p.catch(() => this.cache.delete(key));
    return p;
  }
}
