/**
 * Waiting for a quiet machine before a measured run: on a shared VM other work
 * moves the numbers by more than most changes do, so a row starts only once
 * the machine has been idle for a while.
 */
import { isAborting } from './children.js';

/** A measured run is quiet when processes other than the benchmark's used at most this much of a core ... */
export const OTHER_MAX_PCT = 15;
/** ... and the hypervisor took at most this much of a core from the VM (steal). */
export const STEAL_MAX_PCT = 5;
/** Before each row, wait until the machine's busy time is under this for 3 s. */
export const IDLE_MAX_PCT = 25;

/**
 * Samples `busyPct` (one second's busy time, in percent of one core) until it
 * has been at most `idleMaxPct` three times in a row, for at most
 * `waitSeconds` (0: do not wait), and returns the last reading. `what` names
 * the reading in the messages ("busy", "others busy").
 */
export async function waitQuiet(opts: { busyPct: () => Promise<number>; idleMaxPct: number; waitSeconds: number; what: string }): Promise<number> {
  if (opts.waitSeconds === 0) return 0;
  const deadline = Date.now() + opts.waitSeconds * 1000;
  let calm = 0;
  let pct = 0;
  let said = false;
  while (Date.now() < deadline) {
    if (isAborting()) throw new Error('interrupted');
    pct = await opts.busyPct();
    calm = pct <= opts.idleMaxPct ? calm + 1 : 0;
    if (calm >= 3) return pct;
    if (!said && calm === 0) {
      console.log(`   waiting for a quiet machine (${opts.what} ${pct.toFixed(0)}% of a core) ...`);
      said = true;
    }
  }
  console.log(`   WARNING: the machine did not become quiet within ${opts.waitSeconds} s (${opts.what} ${pct.toFixed(0)}%); running anyway`);
  return pct;
}
