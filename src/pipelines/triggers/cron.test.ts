import { describe, expect, it } from 'vitest';
import { dateIn, firesBetween, nextFire, scheduleProblem, startOfDate } from './cron.js';

describe('schedules', () => {
  it('refuses a seconds field, a wrong field count, a bad field and an unknown zone, saying what to write', () => {
    expect(scheduleProblem('0 0 2 * * *', 'Etc/UTC')).toMatch(/seconds field is not supported/);
    expect(scheduleProblem('0 2 * *', 'Etc/UTC')).toMatch(/has 4 field\(s\)/);
    expect(scheduleProblem('61 2 * * *', 'Etc/UTC')).toMatch(/not a valid cron expression.*minute/);
    expect(scheduleProblem('0 2 * * *', 'Mars/Olympus')).toMatch(/not an IANA time zone/);
    expect(scheduleProblem('0 0 30 2 *', 'Etc/UTC')).toMatch(/never fires/);
    expect(scheduleProblem('0 2 * * *', 'Asia/Kolkata')).toBeUndefined();
  });

  it('fires at wall-clock time in the zone', () => {
    expect(nextFire('0 2 * * *', 'Asia/Kolkata', new Date('2026-12-06T00:00:00Z'))?.toISOString()).toBe('2026-12-06T20:30:00.000Z');
  });

  it('fires a time a spring-forward change skips once, at the first valid minute after it', () => {
    const fires = firesBetween('30 2 * * *', 'Europe/Berlin', new Date('2026-03-28T00:00:00Z'), new Date('2026-03-31T00:00:00Z'), 10);
    // 02:30 CET on the 28th; the 29th has no 02:30, so 03:00 CEST; then 02:30 CEST.
    expect(fires.map((d) => d.toISOString())).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('fires a time a fall-back change repeats once, at its first occurrence', () => {
    const fires = firesBetween('30 2 * * *', 'Europe/Berlin', new Date('2026-10-24T00:00:00Z'), new Date('2026-10-27T00:00:00Z'), 10);
    expect(fires.map((d) => d.toISOString())).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('gives calendar dates and midnights in the zone', () => {
    expect(dateIn(new Date('2026-12-06T20:30:00Z'), 'Asia/Kolkata')).toBe('2026-12-07');
    expect(startOfDate('2026-12-07', 'Asia/Kolkata').toISOString()).toBe('2026-12-06T18:30:00.000Z');
    expect(startOfDate('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    // Havana springs forward at midnight: the day starts at 01:00 CDT.
    expect(startOfDate('2026-03-08', 'America/Havana').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfDate('2026-12-07', 'Asia/Kathmandu').toISOString()).toBe('2026-12-06T18:15:00.000Z');
  });
});
