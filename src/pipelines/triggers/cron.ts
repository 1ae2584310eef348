import { Cron } from 'croner';

/** Why a schedule or time zone is refused, or undefined when it is fine. */
export function scheduleProblem(schedule: string, timeZone: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length === 6) return `"${schedule}" has six fields: a seconds field is not supported; use five (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`;
  if (fields.length !== 5) return `"${schedule}" has ${fields.length} field(s); a schedule has five (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`;
  if (!isTimeZone(timeZone)) return `"${timeZone}" is not an IANA time zone (e.g. Etc/UTC, Europe/Paris, Asia/Kolkata)`;
  let c: Cron;
  try {
    c = cron(schedule, timeZone);
  } catch (e) {
    return `"${schedule}" is not a valid cron expression: ${(e as Error).message.replace(/^CronPattern:\s*/, '')}`;
  }
  if (!c.nextRun()) return `"${schedule}" never fires (no such date, e.g. 30 February): check the day and month fields`;
  return undefined;
}

/** True when the runtime knows the IANA zone (Intl carries the tz database). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/**
 * The first time the schedule fires strictly after `after`. Wall-clock times
 * in the zone: a time skipped by a spring-forward change fires at the first
 * valid minute after it; a time that happens twice in a fall-back change fires
 * once, at its first occurrence (croner's behaviour, tested in cron.test.ts).
 */
export function nextFire(schedule: string, timeZone: string, after: Date): Date | undefined {
  return cron(schedule, timeZone).nextRun(after) ?? undefined;
}

/** Every time the schedule fires in [from, to), at most `limit` of them, oldest first. */
export function firesBetween(schedule: string, timeZone: string, from: Date, to: Date, limit: number): Date[] {
  const c = cron(schedule, timeZone);
  const out: Date[] = [];
  let t: Date | null = c.nextRun(new Date(from.getTime() - 1));
  while (t && t < to && out.length < limit) {
    out.push(t);
    t = c.nextRun(t);
  }
  return out;
}

/** The calendar date (YYYY-MM-DD) of an instant in a zone: what a nightly run's `date` parameter means. */
export function dateIn(time: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(time);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The first instant of a calendar date in a zone (midnight, or the first
 * minute after it when a DST change skips midnight, as in Havana). Offsets are
 * whole quarter hours everywhere, so a quarter-hour scan finds it.
 */
export function startOfDate(date: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const quarter = 15 * 60_000;
  // Local midnight lies within 14 hours of UTC midnight either way.
  for (let t = utcMidnight - 14 * 3600_000; t <= utcMidnight + 15 * 3600_000; t += quarter) {
    if (dateIn(new Date(t), timeZone) === date) return new Date(t);
  }
  throw new Error(`no instant of ${date} in ${timeZone}`);
}

function cron(schedule: string, timeZone: string): Cron {
  // legacyMode (the default): day-of-month and day-of-week are OR-ed, as in Vixie cron.
  return new Cron(schedule, { timezone: timeZone, paused: true });
}
