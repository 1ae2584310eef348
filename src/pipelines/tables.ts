import type { Kysely, Migration } from 'kysely';

export type RunState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type StepState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'UPSTREAM_FAILED' | 'SKIPPED' | 'CANCELLED';

/** Pipelines, their runs, each run's steps and their logs. */
export interface PipelineTables {
  pipelines: {
    project: string;
    name: string;
    /** JSON of the validated spec. */
    spec: string;
    /** The file as applied, for `rouge pipelines get --source`. */
    source: string;
    paused: number;
    create_time: string;
    update_time: string;
  };
  pipeline_runs: {
    project: string;
    id: string;
    pipeline: string;
    /** The spec the run was started with: editing the pipeline does not change a run. */
    spec: string;
    parameters: string;
    state: string;
    principal: string;
    error: string | null;
    create_time: string;
    start_time: string | null;
    end_time: string | null;
    /** The trigger that started it (added by the triggers migration). */
    trigger: string | null;
  };
  pipeline_steps: {
    project: string;
    run: string;
    name: string;
    state: string;
    /** Bumped by a retry: the step's job of an earlier try is a different job. */
    try: number;
    attempt: number;
    job: string | null;
    outputs: string | null;
    error: string | null;
    start_time: string | null;
    end_time: string | null;
  };
  pipeline_logs: {
    project: string;
    run: string;
    /** A ULID: logs of steps running at once interleave by time without a shared counter. */
    id: string;
    step: string;
    time: string;
    line: string;
  };
}

export type RunRow = PipelineTables['pipeline_runs'];
export type StepRow = PipelineTables['pipeline_steps'];
export type PipelineRow = PipelineTables['pipelines'];

export const pipelinesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('pipelines')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull()).addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull()).addColumn('paused', 'integer', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull()).addColumn('update_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pipelines_pk', ['project', 'name']).execute();
    await db.schema.createTable('pipeline_runs')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('id', 'text', (c) => c.notNull()).addColumn('pipeline', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull()).addColumn('parameters', 'text', (c) => c.notNull()).addColumn('state', 'text', (c) => c.notNull())
      .addColumn('principal', 'text', (c) => c.notNull()).addColumn('error', 'text')
      .addColumn('create_time', 'text', (c) => c.notNull()).addColumn('start_time', 'text').addColumn('end_time', 'text')
      .addPrimaryKeyConstraint('pipeline_runs_pk', ['project', 'id']).execute();
    await db.schema.createIndex('pipeline_runs_pipeline').on('pipeline_runs').columns(['project', 'pipeline', 'state']).execute();
    await db.schema.createIndex('pipeline_runs_state').on('pipeline_runs').columns(['state']).execute();
    await db.schema.createTable('pipeline_steps')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('run', 'text', (c) => c.notNull()).addColumn('name', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull()).addColumn('try', 'integer', (c) => c.notNull()).addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('job', 'text').addColumn('outputs', 'text').addColumn('error', 'text').addColumn('start_time', 'text').addColumn('end_time', 'text')
      .addPrimaryKeyConstraint('pipeline_steps_pk', ['project', 'run', 'name']).execute();
    await db.schema.createTable('pipeline_logs')
      .addColumn('project', 'text', (c) => c.notNull()).addColumn('run', 'text', (c) => c.notNull()).addColumn('id', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull()).addColumn('time', 'text', (c) => c.notNull()).addColumn('line', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pipeline_logs_pk', ['project', 'run', 'id']).execute();
  },
};
