import { ulid } from 'ulid';
import { dateIn, firesBetween, startOfDate } from './cron.js';
import type { Deliverer } from './deliver.js';
import * as errors from './errors.js';
import type { TriggerSpec } from './spec.js';
import type { TriggerStore } from './store.js';
import type { DeliveryRow, TriggerRow } from './tables.js';
import { fillParameters } from './template.js';

/** The most periods one backfill may start. */
export const MAX_PERIODS = 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export type BackfillMode = 'missing' | 'failed' | 'all';

/** What a backfill did: the runs it started (queued behind maxActiveRuns) and the periods it left alone. */
export interface BackfillResult {
  periods: number;
  runs: Array<{ scheduledTime: string; run: string }>;
  skipped: Array<{ scheduledTime: string; why: string }>;
}

/**
 * Runs a schedule's pipeline for each of its fire times from the start of
 * `from` to the end of `to` (calendar dates in the trigger's zone), as
 * Airflow's backfill: `missing` only times with no run, `failed` only times
 * whose last run failed or was cancelled, `all` every time. The runs queue in
 * time order and start as the pipeline's maxActiveRuns allows; each gets the
 * parameters its time would have had (`${{ schedule.date }}`).
 */
export async function backfill(store: TriggerStore, deliverer: Deliverer, t: TriggerRow, from: string, to: string, mode: BackfillMode, runName: (id: string) => string): Promise<BackfillResult> {
  if (t.kind !== 'schedule') throw errors.TRIGGER_KIND_MISMATCH({ trigger: t.name, kind: t.kind, want: 'only a schedule can be backfilled' });
  for (const [k, v] of [['from', from], ['to', to]] as const) {
    // A round trip refuses what Date.parse would roll over (2026-02-30 as 2026-03-02).
    if (!DATE.test(v) || Number.isNaN(Date.parse(v)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) throw errors.BACKFILL_INVALID({ why: `${k} must be a date as YYYY-MM-DD; got ${JSON.stringify(v)}` });
  }
  if (from > to) throw errors.BACKFILL_INVALID({ why: `from (${from}) is after to (${to})` });
  const spec = JSON.parse(t.spec) as TriggerSpec;
  const zone = spec.timeZone!;
  const end = startOfDate(new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10), zone);
  // Only times already past, and before the schedule's own next time: those the schedule fires itself.
  const limit = Math.min(Date.now(), t.next_fire_time ? Date.parse(t.next_fire_time) : Infinity);
  const inRange = firesBetween(spec.schedule!, zone, startOfDate(from, zone), end, MAX_PERIODS + 1);
  const future = inRange.filter((x) => x.getTime() >= limit);
  const times = inRange.filter((x) => x.getTime() < limit);
  if (inRange.length > MAX_PERIODS) throw errors.BACKFILL_INVALID({ why: `the range holds more than ${MAX_PERIODS} fire times of "${spec.schedule}": backfill a shorter range at a time` });
  const isos = times.map((x) => x.toISOString());
  const before = await store.deliveriesAt(t.project, t.name, isos);
  const states = new Map((await store.runStates(t.project, before.filter((d) => d.state === 'DELIVERED').map((d) => d.run))).map((r) => [r.id, r.state]));
  const result: BackfillResult = { periods: inRange.length, runs: [], skipped: future.map((x) => ({ scheduledTime: x.toISOString(), why: 'it is not due yet: the schedule fires it' })) };
  const now = new Date().toISOString();
  for (const [i, iso] of isos.entries()) {
    const at = before.filter((d) => d.scheduled_time === iso).sort((a, b) => a.id.localeCompare(b.id));
    const live = at.filter((d) => d.state === 'PENDING' || (d.state === 'DELIVERED' && states.has(d.run)));
    const last = live[live.length - 1];
    const lastState = last ? (last.state === 'PENDING' ? 'PENDING' : states.get(last.run)!) : undefined;
    const why = mode === 'missing' ? (last ? `it already has run ${last.run} (${lastState})` : undefined)
      : mode === 'failed' ? (!last ? 'it has no run' : ['FAILED', 'CANCELLED'].includes(lastState!) ? undefined : `its last run ${last.run} is ${lastState}`)
        : undefined;
    if (why) {
      result.skipped.push({ scheduledTime: iso, why });
      continue;
    }
    const row: DeliveryRow = {
      project: t.project, id: ulid(), trigger: t.name, state: 'PENDING', run: ulid(),
      // Keys that two backfills at once share, so they start one run: per time for missing, per failed run for failed.
      key: mode === 'missing' ? `backfill:${iso}` : mode === 'failed' ? `backfill:${iso}:after:${last!.run}` : `backfill:${iso}:${ulid()}`,
      parameters: JSON.stringify(fillParameters(spec.parameters, { schedule: { time: iso, date: dateIn(times[i]!, zone) } })),
      scheduled_time: iso, body_hash: null, attempts: 0, next_attempt_time: now, lease_until: new Date(Date.now() + 60_000).toISOString(), reason: null, create_time: now, update_time: now,
    };
    const stored = await store.putDelivery(row);
    if (!stored.created && stored.row.state !== 'PENDING') {
      result.skipped.push({ scheduledTime: iso, why: stored.row.state === 'DEAD' ? `an earlier backfill of it is a dead letter: rouge triggers dead-letters replay ${stored.row.id}` : `another backfill ran it (run ${stored.row.run})` });
      continue;
    }
    await deliverer.deliver(stored.row);
    result.runs.push({ scheduledTime: iso, run: runName(stored.row.run) });
  }
  return result;
}
