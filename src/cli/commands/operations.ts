import { InvalidArgumentError, Option, type Command } from 'commander';
import { ApiError } from '../kit/client.js';
import { apiCommand, seg } from '../kit/command.js';
import { resolveContext, requireProject, type Context } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, printJson, printTable, say, shortTime } from '../kit/output.js';
import { formatPairs } from '../kit/pairs.js';
import { durationSeconds, positiveInt } from '../kit/parsers.js';
import { bar, StatusLine } from '../kit/progress.js';

/** google.longrunning.Operation, as GET /v1/projects/{p}/operations/{id} sends it. */
export interface Operation {
  name: string;
  done: boolean;
  metadata: {
    kind: string;
    state: string;
    attempts: number;
    maxAttempts: number;
    progress?: Record<string, unknown>;
    createTime: string;
    updateTime: string;
    endTime?: string;
    nextAttemptTime?: string;
  };
  error?: { code: number; message: string; details?: Array<{ '@type'?: string; reason?: string }> };
  response?: unknown;
}

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

const idOf = (op: Operation) => op.name.split('/').pop() ?? op.name;

/**
 * A job's progress in one line, whatever keys it reports: a percent as a bar,
 * the message as text, anything else as key=value.
 */
export function formatProgress(progress: Record<string, unknown> | undefined, withBar = true): string {
  if (!progress) return '';
  const { percent, message, ...rest } = progress;
  const parts: string[] = [];
  if (typeof percent === 'number' && Number.isFinite(percent)) parts.push(withBar ? `${bar(percent / 100, 20)} ${Math.round(percent)}%` : `${Math.round(percent)}%`);
  else if (percent !== undefined) rest.percent = percent;
  if (typeof message === 'string' && message) parts.push(message);
  else if (message !== undefined && message !== '') rest.message = message;
  const others = formatPairs(rest);
  if (others) parts.push(others);
  return parts.join('  ');
}

/** "dead: broken (JOB_FAILED)", with the reason when the error carries one. */
function formatError(err: NonNullable<Operation['error']>): string {
  const reason = err.details?.find((d) => d.reason)?.reason;
  return `${err.message}${reason ? ` (${reason})` : ''}`;
}

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
    ['error', op.error ? formatError(op.error) : undefined],
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

/** `--timeout 10m` -> milliseconds. */
function timeoutMs(text: string): number {
  const s = durationSeconds(text);
  if (s === undefined || s === 0) throw new InvalidArgumentError('use a duration such as 90s, 10m or 1h.');
  return s * 1000;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 2000;
/** Consecutive failed polls (server restarting, network blip) tolerated before giving up. */
const MAX_POLL_FAILURES = 5;

/**
 * `rouge operations wait`: polls every 500 ms, backing off to 2 s, showing the
 * job's progress on stderr, until the operation is done or the timeout passes.
 * Done with a response: exit 0. Done with an error: exit 1, the error printed.
 */
async function wait(text: string, opts: GlobalFlags & { timeout?: number }): Promise<void> {
  const { ctx, id, path } = locate(text, opts);
  const deadline = opts.timeout === undefined ? Infinity : Date.now() + opts.timeout;
  const status = new StatusLine();
  const onSignal = () => {
    status.end();
    note(`rouge: stopped waiting; operation ${id} goes on (rouge operations get ${id}, or cancel it with rouge operations cancel ${id})`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  let op: Operation | undefined;
  try {
    let interval = FIRST_POLL_MS;
    let failures = 0;
    for (;;) {
      try {
        op = await ctx.client.request<Operation>('GET', path);
        failures = 0;
      } catch (e) {
        // Only what may pass retries: no answer, 429, 5xx. A 404 or a refused key is final.
        const transient = !(e instanceof ApiError) || e.httpStatus === 429 || e.httpStatus >= 500;
        if (!transient || ++failures >= MAX_POLL_FAILURES) throw e;
      }
      if (op) {
        status.show(statusText(op));
        if (op.done) break;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        status.end();
        const state = op ? op.metadata.state : 'unknown';
        throw new CliError(`timed out after ${opts.timeout! / 1000} s waiting for operation ${id}; it is still ${state} and goes on`, ExitCode.API_ERROR, [
          `wait again with rouge operations wait ${id}, or cancel it with rouge operations cancel ${id}`,
        ]);
      }
      await sleep(Math.min(interval, left));
      interval = Math.min(MAX_POLL_MS, Math.round(interval * 1.5));
    }
  } finally {
    status.end();
    process.removeListener('SIGINT', onSignal);
  }
  // The loop only ends with an operation in hand: done, or a throw.
  const final = op!;
  if (ctx.json) printJson(final);
  if (final.error) {
    throw new CliError(`operation ${id} (${final.metadata.kind}) ended ${final.metadata.state}: ${formatError(final.error)}`, ExitCode.API_ERROR);
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
          o.error ? formatError(o.error) : formatProgress(o.metadata.progress, false),
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
