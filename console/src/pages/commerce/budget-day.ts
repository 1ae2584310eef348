/**
 * Where a moment falls in a project's budget day, as the ads module counts
 * it (src/ads/budget-day.ts): days run between the project's own midnights.
 */
export interface DayPosition {
  /** `2026-12-06`. */
  day: string;
  /** How much of the day has passed, 0 to 1. */
  fraction: number;
  /** `14:05`. */
  clock: string;
}

/** The budget day and the share of it gone at `at` in `timeZone` (UTC when the zone is unknown). */
export function dayPosition(timeZone: string | undefined, at = Date.now()): DayPosition {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  } catch {
    return dayPosition('UTC', at);
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const seconds = Number(get('hour')) * 3600 + Number(get('minute')) * 60 + Number(get('second'));
  return { day: `${get('year')}-${get('month')}-${get('day')}`, fraction: Math.min(1, seconds / 86_400), clock: `${get('hour')}:${get('minute')}` };
}

/** `2026-12-01` moved by `by` days. */
export function shiftDay(day: string, by: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + by * 86_400_000).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included (at most 400, as reports cover a year at most). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = shiftDay(d, 1)) out.push(d);
  return out;
}
