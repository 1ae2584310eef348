import type { Kysely } from 'kysely';
import { monotonicFactory } from 'ulid';
import type { Store } from '../platform/index.js';
import type { PipelineRow, PipelineTables, RunRow, StepRow } from './tables.js';

type Db = Kysely<PipelineTables>;
/** Log ids increase within a process even within one millisecond, so `?after=` never skips a line of its own. */
const logId = monotonicFactory();

/** Data access for pipelines, runs, steps and logs; every query takes the project. */
export class PipelineStore {
  readonly db: Db;
  private readonly dialect: Store['dialect'];
  constructor(store: Store) {
    this.db = store.typed<PipelineTables>();
    this.dialect = store.dialect;
  }

  /**
   * Runs `fn` holding the pipeline's row: admissions of one pipeline are
   * serialised across processes (PostgreSQL locks the row; SQLite writes one
   * transaction at a time), so maxActiveRuns holds whoever admits.
   */
  async withPipelineLock<T>(project: string, name: string, fn: (db: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('pipelines').select('name').where('project', '=', project).where('name', '=', name);
      if (this.dialect === 'postgres') q = q.forUpdate();
      await q.executeTakeFirst();
      return fn(trx);
    });
  }

  pipeline(project: string, name: string): Promise<PipelineRow | undefined> {
    return this.db.selectFrom('pipelines').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
  }
  pipelines(project: string, limit: number, after?: string): Promise<PipelineRow[]> {
    let q = this.db.selectFrom('pipelines').selectAll().where('project', '=', project).orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return q.execute();
  }
  /** Creates or replaces a pipeline; true when it was created. */
  async putPipeline(row: PipelineRow): Promise<boolean> {
    const had = await this.pipeline(row.project, row.name);
    await this.db.insertInto('pipelines').values(row).onConflict((oc) => oc.columns(['project', 'name']).doUpdateSet({ spec: row.spec, source: row.source, update_time: row.update_time })).execute();
    return !had;
  }
  async setPaused(project: string, name: string, paused: boolean): Promise<void> {
    await this.db.updateTable('pipelines').set({ paused: paused ? 1 : 0, update_time: new Date().toISOString() }).where('project', '=', project).where('name', '=', name).execute();
  }
  async deletePipeline(project: string, name: string): Promise<boolean> {
    const r = await this.db.deleteFrom('pipelines').where('project', '=', project).where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** A new run and its steps, QUEUED, in one transaction. */
  async insertRun(run: RunRow, steps: string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('pipeline_runs').values(run).execute();
      await trx.insertInto('pipeline_steps').values(steps.map((name) => ({ project: run.project, run: run.id, name, state: 'QUEUED', try: 1, attempt: 0, job: null, outputs: null, error: null, start_time: null, end_time: null }))).execute();
    });
  }
  run(project: string, id: string): Promise<RunRow | undefined> {
    return this.db.selectFrom('pipeline_runs').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
  }
  runs(project: string, q: { pipeline?: string; states?: string[]; oldestFirst?: boolean }, limit: number, after?: string, db: Db = this.db): Promise<RunRow[]> {
    let s = db.selectFrom('pipeline_runs').selectAll().where('project', '=', project).orderBy('id', q.oldestFirst ? 'asc' : 'desc').limit(limit);
    if (q.pipeline) s = s.where('pipeline', '=', q.pipeline);
    if (q.states) s = s.where('state', 'in', q.states);
    if (after !== undefined) s = s.where('id', q.oldestFirst ? '>' : '<', after);
    return s.execute();
  }
  /** Moves a run from one of `from` to `to`; false when it was not in one of them (someone else moved it). */
  async moveRun(project: string, id: string, from: string[], set: Partial<RunRow> & { state: string }, db: Db = this.db): Promise<boolean> {
    const r = await db.updateTable('pipeline_runs').set(set).where('project', '=', project).where('id', '=', id).where('state', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  steps(project: string, run: string): Promise<StepRow[]> {
    return this.db.selectFrom('pipeline_steps').selectAll().where('project', '=', project).where('run', '=', run).execute();
  }
  /** Moves a step of a given try from one of `from`; false when it was not there. */
  async moveStep(project: string, run: string, name: string, tryNo: number, from: string[], set: Partial<StepRow>): Promise<boolean> {
    const r = await this.db.updateTable('pipeline_steps').set(set).where('project', '=', project).where('run', '=', run).where('name', '=', name).where('try', '=', tryNo).where('state', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async log(project: string, run: string, step: string, line: string): Promise<void> {
    await this.db.insertInto('pipeline_logs').values({ project, run, id: logId(), step, time: new Date().toISOString(), line: line.slice(0, 4000) }).execute();
  }
  logs(project: string, run: string, q: { step?: string; after?: string }, limit: number) {
    let s = this.db.selectFrom('pipeline_logs').selectAll().where('project', '=', project).where('run', '=', run).orderBy('id').limit(limit);
    if (q.step) s = s.where('step', '=', q.step);
    if (q.after) s = s.where('id', '>', q.after);
    return s.execute();
  }
  /** Runs not ended anywhere (oldest first): a worker reconciles them after a restart. */
  activeRuns(limit = 1000): Promise<Array<Pick<RunRow, 'project' | 'id' | 'pipeline' | 'state'>>> {
    return this.db.selectFrom('pipeline_runs').select(['project', 'id', 'pipeline', 'state']).where('state', 'in', ['QUEUED', 'RUNNING']).orderBy('id').limit(limit).execute();
  }
  async countRunning(project: string, pipeline: string, db: Db = this.db): Promise<number> {
    const r = await db.selectFrom('pipeline_runs').select((eb) => eb.fn.countAll<number | string>().as('n')).where('project', '=', project).where('pipeline', '=', pipeline).where('state', '=', 'RUNNING').executeTakeFirst();
    return Number(r?.n ?? 0);
  }
  async deleteProject(project: string, db: Kysely<any>): Promise<void> {
    for (const t of ['pipelines', 'pipeline_runs', 'pipeline_steps', 'pipeline_logs']) await db.deleteFrom(t).where('project', '=', project).execute();
  }
}
