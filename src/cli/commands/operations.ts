import { Option, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { resolveContext, requireProject, type Context } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, printJson, printTable, say, shortTime } from '../kit/output.js';
import { positiveInt } from '../kit/parsers.js';
import { formatOperationError, formatProgress, operationId, timeoutMs, waitForOperation, type Operation } from '../kit/wait.js';

// Re-exported where it lived before src/cli/kit/wait.ts, for the tests that import it from here.
export { formatProgress } from '../kit/wait.js';

const ID = /^[0-9A-Za-z]{26}$/;
const NAME = /^projects\/([^/]+)\/operations\/([^/]+)$/;
const ID_HINT = 'pass the id (01JD3M8X0QK1V6ZP2B7T9YF4RC) or the full name (projects/<project>/operations/<id>) that rouge operations list shows';

/**
 * Reads an operation as typed: the full name `projects/p/operations/ID`, whose
 * project wins over the profile's, or just the ID, in --project.
 */
export function parseOperationArg(text: string, flagProject: string | undefined): { project: string | undefined; id: string } {
  const m = NAME.exec(text);
  const id = m ? m[2]! : text;
  if (!ID.test(id)) throw usageError(`${JSON.stringify(text)} is not an operation`, ID_HINT);
  if (m && flagProject !== undefined && flagProject !== m[1]) {
    throw usageError(`${text} is in project ${m[1]}, not ${flagProject}`, 'drop --project, or pass just the id');
  }
  return { project: m?.[1], id: id.toUpperCase() };
}

/** The project and path of an operation argument. */
function locate(text: string, opts: GlobalFlags): { ctx: Context; project: string; id: string; path: string } {
  const parsed = parseOperationArg(text, opts.project);
  const ctx = resolveContext(opts);
  const project = parsed.project ?? requireProject(ctx);
  return { ctx, project, id: parsed.id, path: `/v1/projects/${seg(project)}/operations/${seg(parsed.id)}` };
}

const idOf = (op: Operation) => operationId(op.name);

function fields(op: Operation): Array<[string, string | undefined]> {
  const m = op.metadata;
  return [
    ['name', op.name],
    ['kind', m.kind],
    ['state', m.state],
    ['done', op.done ? 'yes' : 'no'],
    ['attempts', `${m.attempts} of ${m.maxAttempts}`],
    ['progress', formatProgress(m.progress, false) || undefined],
    ['nextAttempt', m.nextAttemptTime ? shortTime(m.nextAttemptTime) : undefined],
    ['error', op.error ? formatOperationError(op.error) : undefined],
    ['response', op.response === undefined ? undefined : JSON.stringify(op.response)],
    ['createTime', shortTime(m.createTime)],
    ['updateTime', shortTime(m.updateTime)],
    ['endTime', m.endTime ? shortTime(m.endTime) : undefined],
  ];
}

/** What `wait` shows while it waits: state, attempt, and the job's own progress. */
function statusText(op: Operation): string {
  const m = op.metadata;
  const attempt = m.attempts > 1 || m.nextAttemptTime ? ` (attempt ${m.attempts} of ${m.maxAttempts}${m.nextAttemptTime ? `, next at ${shortTime(m.nextAttemptTime)}` : ''})` : '';
  const progress = formatProgress(m.progress);
  return `${idOf(op)} ${m.kind}: ${m.state}${attempt}${progress ? `  ${progress}` : ''}`;
}

/**
 * `rouge operations wait`: follows the operation to its end (see
 * waitForOperation), showing the job's progress on stderr. Done with a
 * response: exit 0. Done with an error: exit 1, the error printed.
 */
async function wait(text: string, opts: GlobalFlags & { timeout?: number }): Promise<void> {
  const { ctx, project, id } = locate(text, opts);
  const final = await waitForOperation(ctx.client, `projects/${project}/operations/${id}`, { timeoutMs: opts.timeout, status: statusText });
  if (ctx.json) printJson(final);
  if (final.error) {
    throw new CliError(`operation ${id} (${final.metadata.kind}) ended ${final.metadata.state}: ${formatOperationError(final.error)}`, ExitCode.API_ERROR);
  }
  if (!ctx.json) {
    say(`Operation ${id} (${final.metadata.kind}) ${final.metadata.state}.`);
    if (final.response !== undefined && final.response !== null) say(`response: ${JSON.stringify(final.response)}`);
  }
}

/** `rouge operations list|get|cancel|wait`: long-running work (jobs) in a project. */
export function registerOperationCommands(program: Command): void {
  const operations = program.command('operations').description("follow and cancel a project's long-running operations (background jobs)");

  apiCommand(operations, 'list', 'list the operations of --project, newest first')
    .addOption(new Option('--done', 'only finished operations').conflicts('running'))
    .addOption(new Option('--running', 'only unfinished operations (queued or running)').conflicts('done'))
    .option('--kind <kind>', 'only operations of this kind')
    .option('--limit <n>', 'print at most this many operations', positiveInt, 100)
    .action(async (opts: GlobalFlags & { done?: boolean; running?: boolean; kind?: string; limit: number }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const done = opts.done ? 'true' : opts.running ? 'false' : undefined;
      const body = await ctx.client.listAll(`/v1/projects/${seg(project)}/operations`, 'operations', { done, kind: opts.kind }, opts.limit);
      emit(ctx.json, body, () => {
        const rows = (body.operations as Operation[]).map((o) => [
          idOf(o),
          o.metadata.kind,
          o.metadata.state,
          `${o.metadata.attempts}/${o.metadata.maxAttempts}`,
          shortTime(o.metadata.createTime),
          o.metadata.endTime ? shortTime(o.metadata.endTime) : '-',
          o.error ? formatOperationError(o.error) : formatProgress(o.metadata.progress, false),
        ]);
        printTable(['ID', 'KIND', 'STATE', 'ATTEMPTS', 'CREATED', 'ENDED', 'PROGRESS / ERROR'], rows, `No operations in project ${project}${done || opts.kind ? ' match' : ''}.`);
      });
      if (body.nextPageToken) note(`Showing the newest ${opts.limit} operations; more exist (raise --limit, or narrow with --kind, --done or --running).`);
    });

  apiCommand(operations, 'get <operation>', 'show one operation: state, progress, and its error or response').action(async (text: string, opts: GlobalFlags) => {
    const { ctx, path } = locate(text, opts);
    const op = await ctx.client.request<Operation>('GET', path);
    emit(ctx.json, op, () => printFields(fields(op)));
  });

  apiCommand(operations, 'cancel <operation>', 'cancel an operation: a queued one stops at once, a running one when its worker next checks in').action(
    async (text: string, opts: GlobalFlags) => {
      const { ctx, id, path } = locate(text, opts);
      // The cancel answers with the operation only; whether it was already over is read beforehand.
      const before = await ctx.client.request<Operation>('GET', path);
      const op = await ctx.client.request<Operation>('POST', `${path}:cancel`);
      emit(ctx.json, op, () => {
        const state = op.metadata.state;
        if (before.done) say(`Operation ${id} had already ended ${before.metadata.state}; nothing to cancel.`);
        else if (state === 'CANCELLED') say(`Cancelled operation ${id}.`);
        else if (op.done) say(`Operation ${id} ended ${state} before the cancel reached it.`);
        else say(`Asked operation ${id} to stop; it is ${state} and ends CANCELLED when its worker next checks in (rouge operations wait ${id}).`);
      });
    },
  );

  apiCommand(operations, 'wait <operation>', 'wait for an operation to finish, showing its progress; exit 0 if it succeeded, 1 if not')
    .option('--timeout <duration>', 'give up after this long, such as 90s, 10m or 1h (default: wait until it ends)', timeoutMs)
    .addHelpText('after', '\nExample: rouge operations wait 01JD3M8X0QK1V6ZP2B7T9YF4RC --timeout 10m --project storefront')
    .action(wait);
}
