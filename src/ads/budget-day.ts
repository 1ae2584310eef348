/** Formatters per time zone: building one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Where a moment falls in a project's budget day: the day (`2026-12-06`) and how much of it has passed, 0 to 1. */
export interface DayPosition {
  day: string;
  fraction: number;
}

/**
 * The budget day of a moment in a time zone, as daily budgets count it (a
 * shop in Asia/Kolkata spends its daily budget between its own midnights).
 * Days with a DST change are taken as 24 hours: pacing is off by at most an
 * hour's share on two days a year.
 */
export function dayPosition(timeZone: string, at: number): DayPosition {
  // The auction asks on every request: one answer per zone per second spares formatting each time.
  const second = Math.floor(at / 1000);
  const hit = last.get(timeZone);
  if (hit && hit.second === second) return hit.position;
  const position = compute(timeZone, at);
  last.set(timeZone, { second, position });
  return position;
}

const last = new Map<string, { second: number; position: DayPosition }>();

function compute(timeZone: string, at: number): DayPosition {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const seconds = Number(get('hour')) * 3600 + Number(get('minute')) * 60 + Number(get('second'));
  return { day: `${get('year')}-${get('month')}-${get('day')}`, fraction: Math.min(1, seconds / 86_400) };
}
