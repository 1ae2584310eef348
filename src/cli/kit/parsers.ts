import { InvalidArgumentError } from 'commander';

/*
 * Option parsers for commander: a bad value becomes commander's own usage
 * error (exit 2) naming the option, before any request is sent.
 */

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(\d{1,9})([smhdw])$/;

/** Seconds in `90s`, `30m`, `1h`, `2d` or `1w`; undefined when the text is not a duration. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]!]! : undefined;
}

/** Parses a positive integer, such as --ttl-days 30 or --limit 500. */
export function positiveInt(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('it must be a positive whole number.');
  return Number(text);
}

/** Parses a duration into the API's `<n>s` form, such as --delay 1h -> "3600s". */
export function apiDuration(text: string): string {
  const s = durationSeconds(text);
  if (s === undefined) throw new InvalidArgumentError('use a duration such as 3600s, 30m, 1h or 2d.');
  return `${s}s`;
}

/**
 * Parses --since: a duration back from now (`1h`, `30m`, `2d`) or an RFC 3339
 * time, into the RFC 3339 instant the audit filter takes.
 */
export function sinceTime(text: string, now = Date.now()): string {
  const s = durationSeconds(text);
  if (s !== undefined) return new Date(now - s * 1000).toISOString();
  const t = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(t)) throw new InvalidArgumentError('use a duration back from now (30m, 1h, 2d) or an RFC 3339 time (2026-01-31T09:00:00Z).');
  return new Date(t).toISOString();
}
