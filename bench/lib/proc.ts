/**
 * CPU accounting from Linux's /proc: a process's CPU time, the machine's busy
 * and steal time, the CPUs a process may run on. The benchmarks sample these
 * around a measured window and turn the differences into percent of one core.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second (`getconf CLK_TCK`), the unit of /proc's CPU times; 100 if getconf fails. */
export function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** utime + stime of a process (every thread), in clock ticks; undefined if it is gone. */
export function cpuTicks(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces and parentheses): utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

/** The machine's CPU time so far, in clock ticks summed over every CPU. */
export interface MachineTicks {
  /** Not idle and not waiting for I/O. */
  busy: number;
  /** Taken by the hypervisor from this VM. */
  steal: number;
  /** user + nice + system + idle + iowait + irq + softirq + steal. */
  total: number;
}

/** Machine-wide CPU ticks from the first line of /proc/stat; throws if it cannot be read. */
export function readMachineTicks(): MachineTicks {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), steal: f[7] ?? 0, total };
}

/** As readMachineTicks, but zeros where /proc/stat cannot be read, so a run reports "no load" rather than failing. */
export function machineTicks(): MachineTicks {
  try {
    return readMachineTicks();
  } catch {
    return { busy: 0, steal: 0, total: 0 };
  }
}

/**
 * CPU ticks of every process whose command is `comm` (e.g. `postgres`'s
 * backends, a local `redis-server`). A process that exits while it is read is
 * left out; throws if /proc itself cannot be listed.
 */
export function ticksOfProcessesNamed(comm: string): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
      sum += cpuTicks(Number(entry)) ?? 0;
    } catch {
      /* gone */
    }
  }
  return sum;
}

/** The CPUs a process may run on (`Cpus_allowed_list`, e.g. "0" or "0-1"); '?' if it cannot be read. */
export function cpusAllowed(pid: number | undefined): string {
  if (pid === undefined) return '?';
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}
