import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { customMethod, cutPage, readPage } from '../platform/index.js';
import type { PipelineEngine } from './engine.js';
import * as errors from './errors.js';
import type { StepKind } from './kinds.js';
import * as S from './schemas.js';
import type { PipelineStore } from './store.js';
import { parsePipelineText, validatePipeline } from './validate.js';
import { pipelineView, runView } from './views.js';

export interface PipelineRouteDeps {
  store: PipelineStore;
  engine: PipelineEngine;
  kinds: () => ReadonlyMap<string, StepKind>;
  /** Whether a principal holds a permission in a project (for kinds that need one to be defined). */
  holds: (principal: string, permission: string, project: string) => Promise<boolean>;
}

/** Pipelines (definitions) and their runs, on `api`. */
export function registerPipelineRoutes(app: FastifyInstance, d: PipelineRouteDeps): void {
  const tags = ['pipelines'];
  const base = '/v1/projects/:project/pipelines';
  const runs = '/v1/projects/:project/pipelineRuns';
  const pipeline = async (project: string, name: string) => {
    const p = await d.store.pipeline(project, name);
    if (!p) throw errors.PIPELINE_NOT_FOUND({ pipeline: `projects/${project}/pipelines/${name}` });
    return p;
  };
  const run = async (project: string, id: string) => {
    const r = await d.store.run(project, id);
    if (!r) throw errors.PIPELINE_RUN_NOT_FOUND({ run: `projects/${project}/pipelineRuns/${id}` });
    return runView(r, await d.store.steps(project, id));
  };

  app.put<{ Params: Static<typeof S.PipelineParams>; Body: Static<typeof S.PutBody> }>(`${base}/:pipeline`, {
    config: { permission: 'pipelines.pipelines.update' },
    schema: { tags, summary: 'Create or replace a pipeline from its file ({"source": YAML text}) or JSON ({"spec": ...}); checked whole, nothing saved on an error', params: S.PipelineParams, body: S.PutBody, response: { 200: S.Pipeline } },
  }, async (request) => {
    const { project, pipeline: name } = request.params;
    const { source, spec } = request.body;
    if ((source === undefined) === (spec === undefined)) throw errors.PIPELINE_INVALID({ where: 'the request', why: 'send the file as "source" or the pipeline as "spec", one of them' });
    const parsed = source !== undefined ? parsePipelineText(source) : { value: spec, locate: undefined };
    const principal = request.principalName;
    const needed = new Set<string>();
    // The permission check is async; validation is not: gather what is needed, check it, then validate for real.
    validatePipeline(parsed.value, d.kinds(), parsed.locate, (perm) => (needed.add(perm), true));
    const held = new Set<string>();
    for (const perm of needed) if (await d.holds(principal, perm, project)) held.add(perm);
    const valid = validatePipeline(parsed.value, d.kinds(), parsed.locate, (perm) => held.has(perm));
    if (valid.name !== name) throw errors.PIPELINE_INVALID({ where: 'name', why: `the file names pipeline ${valid.name}, but it is being saved as ${name}` });
    const now = new Date().toISOString();
    const existing = await d.store.pipeline(project, name);
    await d.store.putPipeline({ project, name, spec: JSON.stringify(valid), source: source ?? JSON.stringify(spec, null, 2), paused: existing?.paused ?? 0, create_time: existing?.create_time ?? now, update_time: now });
    return pipelineView((await d.store.pipeline(project, name))!);
  });
  app.get<{ Params: Static<typeof S.ProjectParams>; Querystring: Static<typeof S.ListQuery> }>(base, {
    config: { permission: 'pipelines.pipelines.list' },
    schema: { tags, summary: 'The project\'s pipelines', params: S.ProjectParams, querystring: S.ListQuery },
  }, async (request) => {
    const page = readPage(request.query);
    const { items, nextPageToken } = cutPage(await d.store.pipelines(request.params.project, page.pageSize + 1, page.after?.[0]), page.pageSize, (p) => [p.name]);
    return { pipelines: items.map(pipelineView), ...(nextPageToken ? { nextPageToken } : {}) };
  });
  app.get<{ Params: Static<typeof S.PipelineParams> }>(`${base}/:pipeline`, {
    config: { permission: 'pipelines.pipelines.get' },
    schema: { tags, summary: 'A pipeline', params: S.PipelineParams, response: { 200: S.Pipeline } },
  }, async (request) => pipelineView(await pipeline(request.params.project, request.params.pipeline)));
  app.delete<{ Params: Static<typeof S.PipelineParams> }>(`${base}/:pipeline`, {
    config: { permission: 'pipelines.pipelines.delete' },
    schema: { tags, summary: 'Delete a pipeline (its runs stay readable)', params: S.PipelineParams },
  }, async (request) => {
    const { project, pipeline: name } = request.params;
    if (!(await d.store.deletePipeline(project, name))) throw errors.PIPELINE_NOT_FOUND({ pipeline: `projects/${project}/pipelines/${name}` });
    return {};
  });
  for (const [verb, paused] of [['pause', true], ['resume', false]] as const) {
    app.post<{ Params: Static<typeof S.PipelineParams> }>(`${base}/${customMethod('pipeline', verb)}`, {
      config: { permission: 'pipelines.pipelines.update' },
      schema: { tags, summary: paused ? 'Pause a pipeline: new runs wait QUEUED until it is resumed' : 'Resume a paused pipeline: its queued runs start', params: S.PipelineParams, response: { 200: S.Pipeline } },
    }, async (request) => {
      const { project, pipeline: name } = request.params;
      await pipeline(project, name);
      await d.store.setPaused(project, name, paused);
      if (!paused) await d.engine.admit(project, name);
      return pipelineView((await d.store.pipeline(project, name))!);
    });
  }
  app.post<{ Params: Static<typeof S.PipelineParams>; Body: Static<typeof S.RunBody> | undefined }>(`${base}/${customMethod('pipeline', 'run')}`, {
    config: { permission: 'pipelines.runs.create', idempotent: true },
    schema: { tags, summary: 'Start a run with its parameters (an empty body or {} runs with the defaults)', params: S.PipelineParams, response: { 200: S.Run } },
  }, async (request) => {
    const { project, pipeline: name } = request.params;
    const body = (request.body ?? {}) as Static<typeof S.RunBody>;
    if (typeof body !== 'object' || Array.isArray(body) || Object.keys(body).some((k) => k !== 'parameters')) throw errors.PARAMETERS_INVALID({ why: 'the body is {"parameters": {...}}' });
    const p = await pipeline(project, name);
    const r = await d.engine.start(project, p, (body.parameters ?? {}) as Record<string, unknown>, request.principalName);
    return run(project, r.id);
  });
  app.get<{ Params: Static<typeof S.ProjectParams>; Querystring: Static<typeof S.RunsQuery> }>(runs, {
    config: { permission: 'pipelines.runs.list' },
    schema: { tags, summary: 'Runs, newest first (of one pipeline with ?pipeline=, in one state with ?state=)', params: S.ProjectParams, querystring: S.RunsQuery },
  }, async (request) => {
    const { project } = request.params;
    const page = readPage(request.query);
    const { pipeline, state } = request.query;
    const rows = await d.store.runs(project, { ...(pipeline ? { pipeline } : {}), ...(state ? { states: [state] } : {}) }, page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.id]);
    return { pipelineRuns: await Promise.all(items.map(async (r) => runView(r, await d.store.steps(project, r.id)))), ...(nextPageToken ? { nextPageToken } : {}) };
  });
  app.get<{ Params: Static<typeof S.RunParams> }>(`${runs}/:run`, {
    config: { permission: 'pipelines.runs.get' },
    schema: { tags, summary: 'A run: its state, parameters and each step\'s state, outputs and error', params: S.RunParams, response: { 200: S.Run } },
  }, async (request) => run(request.params.project, request.params.run));
  app.post<{ Params: Static<typeof S.RunParams> }>(`${runs}/${customMethod('run', 'cancel')}`, {
    config: { permission: 'pipelines.runs.cancel' },
    schema: { tags, summary: 'Cancel a run: steps not yet ended are CANCELLED, running ones asked to stop', params: S.RunParams, response: { 200: S.Run } },
  }, async (request) => {
    await d.engine.cancel(request.params.project, request.params.run);
    return run(request.params.project, request.params.run);
  });
  app.post<{ Params: Static<typeof S.RunParams>; Body: Static<typeof S.RetryBody> | undefined }>(`${runs}/${customMethod('run', 'retry')}`, {
    config: { permission: 'pipelines.runs.create' },
    schema: { tags, summary: 'Run an ended run again: every step, or with {"fromFailed": true} only what failed and what it held up', params: S.RunParams, body: S.RetryBody, response: { 200: S.Run } },
  }, async (request) => {
    const fromFailed = (request.body as { fromFailed?: unknown } | undefined)?.fromFailed === true;
    await d.engine.retry(request.params.project, request.params.run, fromFailed);
    return run(request.params.project, request.params.run);
  });
  app.post<{ Params: Static<typeof S.RunParams>; Body: Static<typeof S.ApproveBody> }>(`${runs}/${customMethod('run', 'approve')}`, {
    config: { permission: 'pipelines.runs.approve' },
    schema: { tags, summary: 'Approve a waiting approval step: the steps after it run', params: S.RunParams, body: S.ApproveBody, response: { 200: S.Run } },
  }, async (request) => {
    await d.engine.approve(request.params.project, request.params.run, request.body.step, request.principalName);
    return run(request.params.project, request.params.run);
  });
  app.get<{ Params: Static<typeof S.RunParams>; Querystring: Static<typeof S.LogsQuery> }>(`${runs}/:run/logs`, {
    config: { permission: 'pipelines.runs.get' },
    schema: { tags, summary: 'A run\'s log lines, oldest first (of one step with ?step=; after a line with ?after=)', params: S.RunParams, querystring: S.LogsQuery },
  }, async (request) => {
    const { project, run: id } = request.params;
    await run(project, id);
    const lines = await d.store.logs(project, id, { ...(request.query.step ? { step: request.query.step } : {}), ...(request.query.after ? { after: request.query.after } : {}) }, request.query.pageSize ?? 500);
    return { lines: lines.map((l) => ({ id: l.id, step: l.step, time: l.time, line: l.line })) };
  });
}
