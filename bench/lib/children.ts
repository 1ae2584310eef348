/**
 * The processes a benchmark starts (servers, load generators, builds): how
 * they are started, waited for and stopped. Every child is tracked until it
 * exits, so that however a benchmark ends (done, thrown, interrupted) none
 * outlives it holding a port, a core or a temporary directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './root.js';

/** What `live` needs of a child: the process and when it has exited. */
export interface Tracked {
  proc: ChildProcess;
  exited: Promise<unknown>;
}

const tracked = new Set<Tracked>();

/** The children that have not exited yet. */
export const live: ReadonlySet<Tracked> = tracked;

/** Adds a started child to `live` until it exits; returns it. */
export function track<T extends Tracked>(child: T): T {
  tracked.add(child);
  void child.exited.then(() => tracked.delete(child));
  return child;
}

/** SIGKILL to every live child, now (at exit, on a signal, after a failure). */
export function killAllNow(): void {
  for (const c of tracked) {
    try {
      c.proc.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

// Whichever way the benchmark ends, its children must not outlive it.
process.on('exit', killAllNow);

let aborting = false;

/** True once SIGINT or SIGTERM arrived (with stopOnSignals): a failure then is the interruption, not a result. */
export function isAborting(): boolean {
  return aborting;
}

/**
 * On the first SIGINT or SIGTERM, kills every child and lets the benchmark
 * clean up (its pending awaits fail, its finally blocks run), exiting 130
 * after 10 s at the latest; a second signal exits at once.
 */
export function stopOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (aborting) process.exit(130);
      aborting = true;
      process.stderr.write(`\n${sig}: stopping children and cleaning up\n`);
      // Killing the children makes the pending awaits fail, so the finally blocks
      // (schema drop, temp dirs) run; the timer is the backstop.
      killAllNow();
      setTimeout(() => process.exit(130), 10_000).unref();
    });
  }
}

/**
 * Runs a benchmark's main and exits with its code; if it throws, prints the
 * stack, kills the children and exits 1 (130 when interrupted).
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
      killAllNow();
      process.exit(aborting ? 130 : 1);
    },
  );
}

/** A started child that keeps the end of its output for error messages. */
export interface Child extends Tracked {
  name: string;
  /** The last 40 non-empty lines of stderr (and of stdout, unless kept whole in `stdout`). */
  tail: string[];
  /** All of stdout, when started with keepStdout. */
  stdout: string;
  exited: Promise<void>;
}

/**
 * Starts `argv` with stdout and stderr piped (never inherited: a child's
 * output must not mix into the benchmark's table) and tracks it in `live`.
 * With `keepStdout` its stdout is kept whole (e.g. a JSON result), else only
 * its last lines, with stderr's, in `tail`.
 */
export function startChild(name: string, argv: string[], env: NodeJS.ProcessEnv, keepStdout = false, cwd = ROOT): Child {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('empty command');
  const proc = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { name, proc, tail: [], stdout: '', exited: Promise.resolve() };
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) child.tail.push(line);
    if (child.tail.length > 40) child.tail.splice(0, child.tail.length - 40);
  };
  proc.stdout?.on('data', (chunk: Buffer) => (keepStdout ? (child.stdout += chunk.toString('utf8')) : remember(chunk)));
  proc.stderr?.on('data', remember);
  child.exited = new Promise<void>((res) => {
    proc.once('exit', () => res());
    proc.once('error', (e) => {
      child.tail.push(`spawn error: ${e.message}`);
      res();
    });
  });
  return track(child);
}

/** Whether the child was started and has not exited. */
export function alive(child: Child): boolean {
  return child.proc.exitCode === null && child.proc.signalCode === null && child.proc.pid !== undefined;
}

/**
 * Polls `url` every 100 ms until it answers 2xx; fails as soon as the child
 * exits, or after `timeoutMs`, with the child's last lines.
 */
export async function waitReady(child: Child, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!alive(child)) throw new Error(`${child.name} exited before answering ${url}:\n  ${child.tail.join('\n  ')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms (${last}):\n  ${child.tail.join('\n  ')}`);
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs` (a server that drains, a profiler that writes its file). */
export async function stopChild(child: Child, graceMs: number): Promise<void> {
  if (!alive(child)) return;
  child.proc.kill('SIGTERM');
  await Promise.race([child.exited, sleep(graceMs)]);
  if (alive(child)) {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
}
