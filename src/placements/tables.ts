import type { Kysely, Migration } from 'kysely';

/** Recommenders: named placements of one kind following a model alias. */
export interface PlacementTables {
  recommenders: {
    project: string;
    name: string;
    display_name: string;
    kind: string;
    /** `recs@champion`: a model and the alias (or version) it follows. */
    model: string;
    /** JSON of the recommender's rules. */
    rules: string;
    /** JSON array of the item fields returned by default. */
    fields: string;
    /** JSON of `{endpoint, topK, budgetMs}`: re-rank the top candidates with a model on an endpoint; null for none. */
    rerank: string | null;
    /** JSON of an A/B test between variants; null for none. */
    experiment: string | null;
    create_time: string;
    update_time: string;
  };
}
export type RecommenderRow = PlacementTables['recommenders'];

export const placementsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('recommenders')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('recommenders_pk', ['project', 'name'])
      .execute();
  },
};

/** Re-ranking by an endpoint's model, and A/B tests between variants (issue #16). */
export const rerankExperimentMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('recommenders').addColumn('rerank', 'text').execute();
    await db.schema.alterTable('recommenders').addColumn('experiment', 'text').execute();
  },
};
