import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext, type Context } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printJson, printTable, say, shortTime } from '../kit/output.js';
import { StatusLine } from '../kit/progress.js';
import { projectPath } from './catalog.js';

/*
 * Pipelines (src/pipelines): apply a file, start runs, follow them. The
 * shapes are the API's (src/pipelines/schemas.ts), repeated for their fields.
 */

interface StepView {
  name: string;
  kind: string;
  state: string;
  attempt: number;
  startTime?: string;
  endTime?: string;
  outputs?: Record<string, unknown>;
  error?: string;
}
interface RunView {
  name: string;
  runId: string;
  pipeline: string;
  state: string;
  steps: StepView[];
  createTime: string;
  endTime?: string;
  error?: string;
}

const ENDED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const runsPath = (project: string) => `${projectPath(project)}/pipelineRuns`;

/** `--param since=2026-11-01 --param n=3`: kept as text; typed by the pipeline's declared parameters before the request. */
export function paramPair(text: string, prev: Record<string, string> | undefined): Record<string, string> {
  const i = text.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`use NAME=VALUE, such as since=2026-11-01`);
  return { ...prev, [text.slice(0, i)]: text.slice(i + 1) };
}

/** Each `--param` as the type the pipeline declares; a usage error names the one that is not. */
export function typed(params: Record<string, string>, declared: Record<string, { type: string }>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params)) {
    const t = declared[k]?.type;
    if (!t) throw usageError(`the pipeline has no parameter ${k}`, `its parameters: ${Object.keys(declared).join(', ') || 'none'}`);
    if (t === 'string') out[k] = v;
    else if (t === 'boolean') {
      if (v !== 'true' && v !== 'false') throw usageError(`${k} is a boolean: give true or false, not ${JSON.stringify(v)}`);
      out[k] = v === 'true';
    } else {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || (t === 'integer' && !Number.isInteger(n))) throw usageError(`${k} is a${t === 'integer' ? 'n integer' : ' number'}: ${JSON.stringify(v)} is not one`);
      out[k] = n;
    }
  }
  return out;
}

async function readPipelineFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw usageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'pass the path of a pipeline YAML file');
  }
}

const stepLine = (s: StepView) => `${s.name}:${s.state.toLowerCase()}`;

/** Follows a run until it ends: a line per step change and each new log line, on stderr; the run on stdout with --json. */
async function watch(ctx: Context, project: string, runId: string): Promise<RunView> {
  const status = new StatusLine();
  let after: string | undefined;
  const seen = new Map<string, string>();
  for (;;) {
    const run = await ctx.client.request<RunView>('GET', `${runsPath(project)}/${seg(runId)}`);
    for (const s of run.steps) {
      if (seen.get(s.name) !== s.state) {
        seen.set(s.name, s.state);
        status.end();
        process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s.name} ${s.state}${s.error ? `: ${s.error}` : ''}\n`);
      }
    }
    const logs = await ctx.client.request<{ lines: Array<{ id: string; step: string; line: string }> }>('GET', `${runsPath(project)}/${seg(runId)}/logs${after ? `?after=${after}` : ''}`);
    for (const l of logs.lines) {
      status.end();
      process.stderr.write(`  [${l.step}] ${l.line}\n`);
      after = l.id;
    }
    status.show(`run ${runId}: ${run.state}  ${run.steps.map(stepLine).join(' ')}`);
    if (ENDED.includes(run.state)) {
      status.end();
      return run;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function finish(ctx: Context, run: RunView): void {
  if (ctx.json) printJson(run);
  else say(`Run ${run.runId} of ${run.pipeline.split('/').pop()} ${run.state}${run.error ? `: ${run.error}` : ''}.`);
  if (run.state !== 'SUCCEEDED') {
    throw new CliError(`run ${run.runId} ended ${run.state}`, ExitCode.API_ERROR, run.state === 'FAILED' ? [`retry what failed with rouge pipelines runs retry ${run.runId} --from-failed`] : []);
  }
}

/** `rouge pipelines ...` and `rouge pipelines runs ...`. */
export function registerPipelineCommands(program: Command): void {
  const cmd = program.command('pipelines').description('pipelines as YAML files (train -> evaluate -> gate -> promote), their runs, step states and logs');

  cmd.command('validate <file>')
    .description('check a pipeline file on this machine, as the server checks it on apply (no request)')
    .action(async (file: string) => {
      const p = await import('../../pipelines/index.js');
      const placements = await import('../../placements/index.js');
      const tagging = await import('../../tagging/index.js');
      // Only the kinds' input schemas are read here: the steps never run, so they need no services.
      const none = undefined as never;
      const kinds = [p.gateStep, p.approvalStep, p.setAliasStep(none), p.deployStep(none), p.httpStep(none), p.commandStep({ allowed: true, holds: async () => true, executor: none }), placements.trainRecsStep(none), placements.evaluateRecsStep(none), ...tagging.taggerSteps(none)];
      const text = await readPipelineFile(file);
      try {
        const parsed = p.parsePipelineText(text);
        const spec = p.validatePipeline(parsed.value, new Map(kinds.map((k) => [k.kind, k])), parsed.locate);
        say(`${file}: pipeline ${spec.name} is valid (${spec.steps.length} steps: ${spec.steps.map((s) => s.name).join(', ')}).`);
      } catch (e) {
        throw new CliError(`${file}: ${(e as Error).message}`, ExitCode.USAGE);
      }
    });

  apiCommand(cmd, 'apply <file>', 'create or replace the pipeline a YAML file defines (checked whole on the server; nothing saved on an error)')
    .addHelpText('after', '\nExample: rouge pipelines apply nightly-recs.yaml --project demo')
    .action(async (file: string, opts: GlobalFlags) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const text = await readPipelineFile(file);
      const name = /^name:\s*["']?([a-z][a-z0-9-]*)["']?\s*$/m.exec(text)?.[1];
      if (!name) throw usageError(`${file} has no top-level "name: <pipeline>" line`, 'a pipeline file starts with name: and steps:');
      const p = await ctx.client.request<{ name: string; spec: { steps: unknown[] } }>('PUT', `${projectPath(project)}/pipelines/${seg(name)}`, { body: { source: text } });
      emit(ctx.json, p, () => say(`Applied pipeline ${name} (${p.spec.steps.length} steps). Run it with rouge pipelines run ${name}.`));
    });

  apiCommand(cmd, 'list', 'the project\'s pipelines').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(`${projectPath(project)}/pipelines`, 'pipelines');
    emit(ctx.json, body, () => printTable(['PIPELINE', 'STEPS', 'PAUSED', 'UPDATED'], (body.pipelines as Array<{ pipelineId: string; paused: boolean; spec: { steps: unknown[] }; updateTime: string }>).map((p) => [p.pipelineId, String(p.spec.steps.length), p.paused ? 'yes' : 'no', shortTime(p.updateTime)]), `No pipelines in ${project}; define one with rouge pipelines apply FILE.`));
  });
  apiCommand(cmd, 'get <pipeline>', 'a pipeline\'s definition').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const p = await ctx.client.request('GET', `${projectPath(requireProject(ctx))}/pipelines/${seg(name)}`);
    printJson(p);
  });
  apiCommand(cmd, 'delete <pipeline>', 'delete a pipeline (its runs stay readable)').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    await ctx.client.request('DELETE', `${projectPath(requireProject(ctx))}/pipelines/${seg(name)}`);
    emit(ctx.json, {}, () => say(`Deleted pipeline ${name}.`));
  });
  for (const verb of ['pause', 'resume'] as const) {
    apiCommand(cmd, `${verb} <pipeline>`, verb === 'pause' ? 'new runs wait QUEUED until resumed' : 'queued runs start').action(async (name: string, opts: GlobalFlags) => {
      const ctx = resolveContext(opts);
      const p = await ctx.client.request('POST', `${projectPath(requireProject(ctx))}/pipelines/${seg(name)}:${verb}`);
      emit(ctx.json, p, () => say(`Pipeline ${name} ${verb === 'pause' ? 'paused' : 'resumed'}.`));
    });
  }

  apiCommand(cmd, 'run <pipeline>', 'start a run, then follow it (step states and logs) until it ends')
    .option('--param <name=value>', 'a parameter (repeatable), typed as the pipeline declares it', paramPair)
    .option('--no-wait', 'print the run and return at once')
    .addHelpText('after', '\nExample: rouge pipelines run nightly-recs --param since=2026-11-01 --project demo')
    .action(async (name: string, opts: GlobalFlags & { param?: Record<string, string>; wait: boolean }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const p = await ctx.client.request<{ spec: { parameters?: Record<string, { type: string }> } }>('GET', `${projectPath(project)}/pipelines/${seg(name)}`);
      const parameters = typed(opts.param ?? {}, p.spec.parameters ?? {});
      const run = await ctx.client.request<RunView>('POST', `${projectPath(project)}/pipelines/${seg(name)}:run`, { body: { parameters } });
      if (!opts.wait) return emit(ctx.json, run, () => say(`Run ${run.runId} of ${name}: ${run.state}. Follow it with rouge pipelines runs watch ${run.runId}.`));
      note(`Run ${run.runId} of ${name} started; Ctrl-C stops following (the run goes on).`);
      finish(ctx, await watch(ctx, project, run.runId));
    });

  const runs = cmd.command('runs').description('pipeline runs: list, watch, retry, cancel, approve, logs');
  apiCommand(runs, 'list', 'runs, newest first').option('--pipeline <name>', 'of one pipeline').action(async (opts: GlobalFlags & { pipeline?: string }) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request<{ pipelineRuns: RunView[] }>('GET', `${runsPath(project)}?pageSize=50${opts.pipeline ? `&pipeline=${seg(opts.pipeline)}` : ''}`);
    emit(ctx.json, body, () => printTable(['RUN', 'PIPELINE', 'STATE', 'STEPS', 'CREATED'], body.pipelineRuns.map((r) => [r.runId, r.pipeline.split('/').pop()!, r.state, r.steps.map(stepLine).join(' '), shortTime(r.createTime)]), 'No runs yet; start one with rouge pipelines run PIPELINE.'));
  });
  apiCommand(runs, 'get <runId>', 'a run with each step\'s state, outputs and error').action(async (id: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const run = await ctx.client.request<RunView>('GET', `${runsPath(requireProject(ctx))}/${seg(id)}`);
    emit(ctx.json, run, () => {
      say(`Run ${run.runId} of ${run.pipeline.split('/').pop()}: ${run.state}${run.error ? ` (${run.error})` : ''}`);
      printTable(['STEP', 'KIND', 'STATE', 'ATTEMPT', 'ENDED', 'OUTPUTS / ERROR'], run.steps.map((s) => [s.name, s.kind, s.state, String(s.attempt), shortTime(s.endTime), s.error ?? (s.outputs ? JSON.stringify(s.outputs).slice(0, 80) : '-')]), '');
    });
  });
  apiCommand(runs, 'watch <runId>', 'follow a run until it ends: step states and log lines as they happen').action(async (id: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    finish(ctx, await watch(ctx, requireProject(ctx), id));
  });
  apiCommand(runs, 'logs <runId>', 'a run\'s log lines').option('--step <name>', 'of one step').action(async (id: string, opts: GlobalFlags & { step?: string }) => {
    const ctx = resolveContext(opts);
    const body = await ctx.client.request<{ lines: Array<{ step: string; time: string; line: string }> }>('GET', `${runsPath(requireProject(ctx))}/${seg(id)}/logs?pageSize=1000${opts.step ? `&step=${seg(opts.step)}` : ''}`);
    emit(ctx.json, body, () => {
      for (const l of body.lines) say(`${l.time} [${l.step}] ${l.line}`);
    });
  });
  apiCommand(runs, 'retry <runId>', 'run an ended run again (every step, or --from-failed)').option('--from-failed', 'only the failed steps and what they held up').action(async (id: string, opts: GlobalFlags & { fromFailed?: boolean }) => {
    const ctx = resolveContext(opts);
    const run = await ctx.client.request<RunView>('POST', `${runsPath(requireProject(ctx))}/${seg(id)}:retry`, { body: { fromFailed: opts.fromFailed === true } });
    emit(ctx.json, run, () => say(`Run ${id} is ${run.state} again. Follow it with rouge pipelines runs watch ${id}.`));
  });
  apiCommand(runs, 'cancel <runId>', 'cancel a run').action(async (id: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const run = await ctx.client.request<RunView>('POST', `${runsPath(requireProject(ctx))}/${seg(id)}:cancel`);
    emit(ctx.json, run, () => say(`Run ${id} ${run.state}.`));
  });
  apiCommand(runs, 'approve <runId> <step>', 'approve a waiting approval step').action(async (id: string, step: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const run = await ctx.client.request<RunView>('POST', `${runsPath(requireProject(ctx))}/${seg(id)}:approve`, { body: { step } });
    emit(ctx.json, run, () => say(`Approved ${step} of run ${id}; the run is ${run.state}.`));
  });
}
