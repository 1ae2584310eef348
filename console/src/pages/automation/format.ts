/** Run and step states that will still change: pages poll while one is on screen. */
export const UNFINISHED = new Set(['QUEUED', 'RUNNING']);

/** True when a run or step has not ended. */
export function unfinished(state: string): boolean {
  return UNFINISHED.has(state);
}

/** How long from `start` to `end` (or to now, for what still runs), as "850 ms", "42 s", "3 min 5 s", "2 h 4 min". */
export function duration(start: string | undefined, end: string | undefined, now = Date.now()): string {
  if (!start) return '–';
  const ms = (end ? Date.parse(end) : now) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(s < 10 ? 1 : 0)} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s % 60} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** An approval step waits RUNNING with `outputs.waiting`: the only state a person must act on. */
export function awaitingApproval(step: { state: string; outputs?: Record<string, unknown> }): boolean {
  return step.state === 'RUNNING' && step.outputs?.waiting === true;
}

/** Text of a scalar parameter value as a person reads it. */
export function showValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
