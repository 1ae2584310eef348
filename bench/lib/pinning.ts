/**
 * Pinning a benchmark's processes to CPUs with `taskset`, so that the server
 * and the load generator do not take each other's core and a number is "one
 * core's worth".
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The core the server under test runs on. */
export const SERVER_CPU = 0;
/** The core the load generator runs on: the other one of a 2-CPU machine. */
export const LOAD_CPU = 1;

/**
 * Whether processes can be pinned: `taskset` runs on `cpu` and the machine has
 * at least two CPUs (one for the server, one for the load). The benchmarks
 * still run without it, and say so.
 */
export function canPin(cpu: number): boolean {
  try {
    execFileSync('taskset', ['-c', String(cpu), 'true'], { stdio: 'ignore' });
  } catch {
    return false;
  }
  return availableParallelism() >= 2;
}

/** `argv` run on `cpu` only (`taskset -c <cpu> ...`), or `argv` unchanged when pinning is off. */
export function pinned(cpu: number, argv: string[], enabled: boolean): string[] {
  return enabled ? ['taskset', '-c', String(cpu), ...argv] : argv;
}
