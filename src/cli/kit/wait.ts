import { InvalidArgumentError } from 'commander';
import { ApiError, type ApiClient } from './client.js';
import { seg } from './command.js';
import { CliError, ExitCode } from './exit.js';
import { note } from './output.js';
import { formatPairs } from './pairs.js';
import { durationSeconds } from './parsers.js';
import { bar, StatusLine, type ProgressStream } from './progress.js';

/** google.longrunning.Operation, as GET /v1/projects/{p}/operations/{id} sends it: the server's own type. */
export type { Operation } from '../../platform/index.js';
import type { Operation } from '../../platform/index.js';

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

/** The ID at the end of an operation's name. */
export const operationId = (name: string): string => name.split('/').pop() ?? name;

/** `ID KIND: STATE  [####------] 40%  message`: the status line shown while waiting. */
export function operationStatus(op: Operation): string {
  const progress = formatProgress(op.metadata.progress);
  return `${operationId(op.name)} ${op.metadata.kind}: ${op.metadata.state}${progress ? `  ${progress}` : ''}`;
}

/** "dead: broken (JOB_FAILED)": an operation's error, with the reason when it carries one. */
export function formatOperationError(err: NonNullable<Operation['error']>): string {
  const reason = err.details?.find((d) => d.reason)?.reason;
  return `${err.message}${reason ? ` (${reason})` : ''}`;
}

/** Parses a `--timeout` flag: `10m` -> milliseconds; commander shows the error for anything else. */
export function timeoutMs(text: string): number {
  const s = durationSeconds(text);
  if (s === undefined || s === 0) throw new InvalidArgumentError('use a duration such as 90s, 10m or 1h.');
  return s * 1000;
}

export interface WaitOptions {
  /** Give up after this many milliseconds (exit 1; the operation goes on). Default: wait until it ends. */
  timeoutMs?: number;
  /**
   * The operation as the call that started it answered: shown at once, and
   * first polled one interval later. Without it, the first poll is immediate.
   */
  started?: Operation;
  /**
   * What the operation does, such as "catalog import": messages then say
   * "the catalog import (operation ID)" rather than "operation ID".
   */
  label?: string;
  /** The status line for an operation; default {@link operationStatus}. */
  status?: (op: Operation) => string;
  /** The note printed when Ctrl-C stops the wait; default: what goes on, and how to follow or cancel it. */
  interruptNote?: (id: string) => string;
  /** Where the status line goes (default stderr), a clock and a sleep: stand-ins for tests. */
  out?: ProgressStream;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 2000;
/** Consecutive failed polls (server restarting, network blip) tolerated before giving up. */
const MAX_POLL_FAILURES = 5;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls the operation `name` (projects/p/operations/ID) until it is done, and
 * returns it done, whether it succeeded or failed: every 500 ms, backing off
 * to 2 s, showing its state and the job's progress on one status line on
 * stderr. A few consecutive failed polls (no answer, 429, 5xx) are retried;
 * any other error, or the timeout passing, throws (exit 1) and leaves the
 * operation going on. Ctrl-C stops the wait with exit 130 and says how to
 * follow the operation.
 */
export async function waitForOperation(client: ApiClient, name: string, options: WaitOptions = {}): Promise<Operation> {
  const id = operationId(name);
  const path = `/v1/${name.split('/').map(seg).join('/')}`;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const text = options.status ?? operationStatus;
  const subject = options.label ? `the ${options.label} (operation ${id})` : `operation ${id}`;
  const deadline = options.timeoutMs === undefined ? Infinity : now() + options.timeoutMs;
  const status = new StatusLine(options.out);
  const onSignal = () => {
    status.end();
    const goesOn = options.label ? `the ${options.label} goes on (rouge operations wait ${id}` : `operation ${id} goes on (rouge operations get ${id}`;
    note(`rouge: stopped waiting; ${options.interruptNote?.(id) ?? `${goesOn}, or cancel it with rouge operations cancel ${id})`}`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  let op = options.started;
  try {
    if (op) status.show(text(op));
    let poll = op === undefined;
    let interval = FIRST_POLL_MS;
    let failures = 0;
    for (;;) {
      if (poll) {
        try {
          op = await client.request<Operation>('GET', path);
          failures = 0;
          status.show(text(op));
        } catch (e) {
          // Only what may pass retries: no answer, 429, 5xx. A 404 or a refused key is final.
          const transient = !(e instanceof ApiError) || e.httpStatus === 429 || e.httpStatus >= 500;
          if (!transient || ++failures >= MAX_POLL_FAILURES) throw e;
        }
      }
      poll = true;
      if (op?.done) return op;
      const left = deadline - now();
      if (left <= 0) {
        status.end();
        throw new CliError(`timed out after ${options.timeoutMs! / 1000} s waiting for ${subject}; it is still ${op?.metadata.state ?? 'unknown'} and goes on`, ExitCode.API_ERROR, [
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
}
