/**
 * Reading a benchmark's settings from the environment. An unset or empty
 * variable means the default; a malformed one stops the benchmark before it
 * measures anything, rather than measuring something else than asked.
 */

/**
 * An integer setting: `fallback` when `name` is unset or blank, else its value,
 * which must be an integer of at least `min`.
 *
 * @example const DURATION = intEnv('BENCH_DURATION', 10, 1);
 */
export function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

/**
 * A comma-separated setting, items trimmed and empty ones dropped. `fallback`
 * is used only when `name` is unset: set but empty, it is an empty list.
 *
 * @example const ONLY = listEnv('BENCH_ONLY'); // [] when unset: run everything
 */
export function listEnv(name: string, fallback = ''): string[] {
  return (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
}
