import type { Static } from 'typebox';
import { cutPage, nowIso, parseJson, type PageRequest, type ProjectHold } from '../platform/index.js';
import { parseModelRef, type RegistryFace } from '../registry/index.js';
import * as errors from './errors.js';
import type { Experiment } from './experiment.js';
import { DEFAULT_BUDGET_MS, DEFAULT_TOP_K, type RerankConfig } from './rerank.js';
import { compileRules } from './rules.js';
import type * as S from './schemas.js';
import type { PlacementStore } from './store.js';
import type { RecommenderRow } from './tables.js';

export type Rules = Static<typeof S.Rules>;
export type CreateRecommender = Static<typeof S.CreateRecommenderBody>;
export type PatchRecommender = Static<typeof S.PatchRecommenderBody>;
export type RerankInput = Static<typeof S.Rerank>;
export type ExperimentInput = Static<typeof S.ExperimentBody>;

/** A recommender as the API shows it. */
export interface RecommenderView {
  name: string;
  recommenderId: string;
  displayName: string;
  kind: string;
  model: string;
  rules: Rules;
  fields: string[];
  createTime: string;
  updateTime: string;
  rerank?: RerankConfig;
  experiment?: Experiment;
}

/** The framework name of the recommender's model versions. */
export const RECS_FRAMEWORK = 'rouge-recs';
/** The model a recommender follows when its request names none. */
export const DEFAULT_MODEL = 'recs@champion';

function withDefaults(raw: RerankInput): RerankConfig {
  return { endpoint: raw.endpoint, topK: raw.topK ?? DEFAULT_TOP_K, budgetMs: raw.budgetMs ?? DEFAULT_BUDGET_MS };
}

/** A stored `rerank` with its defaults filled in; undefined for none. */
export function rerankOf(r: Pick<RecommenderRow, 'rerank'>): RerankConfig | undefined {
  const raw = parseJson<RerankInput | null>(r.rerank, null);
  return raw ? withDefaults(raw) : undefined;
}

/** A stored experiment with its variants' re-ranking defaults filled in; undefined for none. */
export function experimentOf(r: Pick<RecommenderRow, 'experiment'>): Experiment | undefined {
  const raw = parseJson<ExperimentInput | null>(r.experiment, null);
  if (!raw) return undefined;
  return {
    unit: raw.unit,
    variants: raw.variants.map((v) => ({
      name: v.name, weight: v.weight, ...(v.model !== undefined ? { model: v.model } : {}),
      ...(v.rerank !== undefined ? { rerank: v.rerank === null ? null : withDefaults(v.rerank) } : {}),
    })),
  };
}

export function toView(r: RecommenderRow): RecommenderView {
  const rerank = rerankOf(r);
  return {
    name: `projects/${r.project}/recommenders/${r.name}`, recommenderId: r.name, displayName: r.display_name, kind: r.kind,
    model: r.model, rules: parseJson<Rules>(r.rules, {}), fields: parseJson<string[]>(r.fields, []), createTime: r.create_time, updateTime: r.update_time,
    ...(rerank ? { rerank } : {}),
    ...(r.experiment ? { experiment: experimentOf(r) } : {}),
  };
}

/**
 * Recommenders as resources: create, get, list, patch, delete. A recommender
 * names a model alias, not a version, so moving the alias changes what it
 * serves; creating one checks that the alias names a rouge-recs version now,
 * and its rules' filters parse, so mistakes surface at once, not per request.
 */
export class RecommenderService {
  constructor(
    private readonly store: PlacementStore,
    private readonly registry: RegistryFace,
    private readonly hold: ProjectHold,
    /** Told of every change, so each process drops what it derived from the old recommender. */
    private readonly changed: (project: string, name: string) => Promise<void>,
    /** Refuses a re-ranking endpoint that is missing or serves a model of another signature. */
    private readonly checkRerank: (project: string, endpoint: string) => Promise<void>,
  ) {}

  async create(project: string, input: CreateRecommender): Promise<RecommenderView> {
    const model = input.model ?? DEFAULT_MODEL;
    await this.checkModel(project, model);
    compileRules(input.rules ?? {});
    if (input.rerank) await this.checkRerank(project, input.rerank.endpoint);
    if (input.experiment) await this.checkExperiment(project, input.experiment);
    const now = nowIso();
    const row: RecommenderRow = {
      project, name: input.name, display_name: input.displayName ?? input.name, kind: input.kind, model,
      rules: JSON.stringify(input.rules ?? {}), fields: JSON.stringify(input.fields ?? []), create_time: now, update_time: now,
      rerank: input.rerank ? JSON.stringify(input.rerank) : null, experiment: input.experiment ? JSON.stringify(input.experiment) : null,
    };
    // One transaction for the hold and the insert: a concurrent project delete either waits and finds it, or commits first and fails the hold.
    await this.store.db.transaction().execute(async (trx) => {
      await this.hold(project, trx);
      if (!(await this.store.insert(row, trx))) throw errors.RECOMMENDER_ALREADY_EXISTS({ recommender: `projects/${project}/recommenders/${input.name}` });
    });
    await this.changed(project, input.name);
    return toView(row);
  }

  async get(project: string, name: string): Promise<RecommenderView> {
    return toView(await this.row(project, name));
  }

  /** The stored row, for the serving path. */
  async row(project: string, name: string): Promise<RecommenderRow> {
    const row = await this.store.get(project, name);
    if (!row) throw errors.RECOMMENDER_NOT_FOUND({ recommender: `projects/${project}/recommenders/${name}` });
    return row;
  }

  async list(project: string, page: PageRequest): Promise<{ recommenders: RecommenderView[]; nextPageToken?: string }> {
    const { items, nextPageToken } = cutPage(await this.store.list(project, page.pageSize + 1, page.after?.[0]), page.pageSize, (r) => [r.name]);
    return { recommenders: items.map(toView), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  /** Changes the fields named in `updateMask` (every given field when it is empty). */
  async update(project: string, name: string, patch: PatchRecommender, mask: string[]): Promise<RecommenderView> {
    const fields = mask.length > 0 ? new Set(mask) : new Set(Object.keys(patch));
    await this.row(project, name);
    const set: Partial<RecommenderRow> = { update_time: nowIso() };
    if (fields.has('model')) {
      const model = patch.model ?? DEFAULT_MODEL;
      await this.checkModel(project, model);
      set.model = model;
    }
    if (fields.has('displayName')) set.display_name = patch.displayName ?? name;
    if (fields.has('rules')) {
      compileRules(patch.rules ?? {});
      set.rules = JSON.stringify(patch.rules ?? {});
    }
    if (fields.has('fields')) set.fields = JSON.stringify(patch.fields ?? []);
    if (fields.has('rerank')) {
      if (patch.rerank) await this.checkRerank(project, patch.rerank.endpoint);
      set.rerank = patch.rerank ? JSON.stringify(patch.rerank) : null;
    }
    if (fields.has('experiment')) {
      if (patch.experiment) await this.checkExperiment(project, patch.experiment);
      set.experiment = patch.experiment ? JSON.stringify(patch.experiment) : null;
    }
    if (!(await this.store.update(project, name, set))) throw errors.RECOMMENDER_NOT_FOUND({ recommender: `projects/${project}/recommenders/${name}` });
    await this.changed(project, name);
    return this.get(project, name);
  }

  async delete(project: string, name: string): Promise<void> {
    if (!(await this.store.delete(project, name))) throw errors.RECOMMENDER_NOT_FOUND({ recommender: `projects/${project}/recommenders/${name}` });
    await this.changed(project, name);
  }

  /** The weights add up to 100, the names differ, and every variant's model and re-ranking would be accepted on their own. */
  private async checkExperiment(project: string, e: ExperimentInput): Promise<void> {
    const total = e.variants.reduce((n, v) => n + v.weight, 0);
    if (total !== 100) throw errors.EXPERIMENT_SPLIT_INVALID({ why: `the weights add up to ${total}; they must add up to 100` });
    const names = new Set(e.variants.map((v) => v.name));
    if (names.size !== e.variants.length) throw errors.EXPERIMENT_SPLIT_INVALID({ why: 'two variants have the same name' });
    for (const v of e.variants) {
      if (v.model !== undefined) await this.checkModel(project, v.model);
      if (v.rerank) await this.checkRerank(project, v.rerank.endpoint);
    }
  }

  /** MODEL_NOT_RECS unless the reference names a rouge-recs version now (the registry's 404s otherwise). */
  private async checkModel(project: string, ref: string): Promise<void> {
    const { model, ref: version } = parseModelRef(ref);
    const resolved = await this.registry.versions.resolveVersion(project, model, version);
    if (resolved.framework !== RECS_FRAMEWORK) throw errors.MODEL_NOT_RECS({ model: ref, framework: resolved.framework });
  }
}
