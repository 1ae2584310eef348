import { ulid } from 'ulid';
import { dateIn, firesBetween, nextFire } from './cron.js';
import type { TriggerSpec } from './spec.js';
import type { TriggerStore } from './store.js';
import type { DeliveryRow, TriggerRow } from './tables.js';
import { fillParameters } from './template.js';

/** How late a tick may find a fire time and still fire it when the trigger has no catch-up window (a slow tick, a restart). */
export const GRACE_MS = 5 * 60_000;
const PER_TICK = 1000;

/**
 * Fires schedules: each due trigger's fire times up to now are recorded as
 * deliveries, and its next time moved on, in one transaction conditional on
 * the next time it read, so of several workers ticking at once exactly one
 * records each (trigger, time). A time older than the grace (or than the
 * trigger's catch-up window, when longer) was missed while no worker ran: it
 * is recorded SKIPPED, not run.
 */
export class Scheduler {
  constructor(private readonly store: TriggerStore) {}

  /** Records every firing due at `now`; returns how many were recorded to run. */
  async tick(now = new Date()): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await this.store.due(now.toISOString(), 500);
      let moved = 0;
      for (const t of due) {
        const n = await this.fire(t, now);
        if (n >= 0) {
          fired += n;
          moved++;
        }
      }
      // Fewer than a page due, or every trigger seen was taken by another worker: nothing more for this tick.
      if (due.length < 500 || moved === 0) return fired;
    }
  }

  /** Records one trigger's due times; -1 when another worker did first. */
  private async fire(t: TriggerRow, now: Date): Promise<number> {
    const spec = JSON.parse(t.spec) as TriggerSpec;
    const times = firesBetween(spec.schedule!, spec.timeZone!, new Date(t.next_fire_time!), new Date(now.getTime() + 1), PER_TICK);
    const window = Math.max(GRACE_MS, (spec.catchUpWindowSeconds ?? 0) * 1000);
    const created = now.toISOString();
    const rows: DeliveryRow[] = times.map((time) => {
      const iso = time.toISOString();
      const missed = now.getTime() - time.getTime() > window;
      return {
        project: t.project, id: ulid(), trigger: t.name, key: `schedule:${iso}`, state: missed ? 'SKIPPED' : 'PENDING', run: ulid(),
        parameters: JSON.stringify(fillParameters(spec.parameters, { schedule: { time: iso, date: dateIn(time, spec.timeZone!) } })),
        scheduled_time: iso, body_hash: null, attempts: 0, next_attempt_time: created, lease_until: null,
        reason: missed ? `missed: no worker was running at ${iso}, and it is older than the catch-up window (${spec.catchUpWindowSeconds ?? 0} s)` : null,
        create_time: created, update_time: created,
      };
    });
    const after = times.length === PER_TICK ? times[times.length - 1]! : now;
    const next = nextFire(spec.schedule!, spec.timeZone!, after);
    if (!(await this.store.fireSchedule(t, next?.toISOString() ?? null, rows))) return -1;
    return rows.filter((r) => r.state === 'PENDING').length;
  }
}
