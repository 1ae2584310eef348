import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import type { EventOutbox } from '../../platform/index.js';
import type { TriggerSpec } from './spec.js';
import type { EventPosition, TriggerStore } from './store.js';
import type { TriggerRow } from './tables.js';
import { fillParameters, type FiringContext } from './template.js';

/** How far back each scan looks past its cursor: an event's time is set before its transaction commits, so one may appear late. */
const LOOKBACK_MS = 60_000;
const PAGE = 500;

type Seen = NonNullable<FiringContext['event']>;

/**
 * Matches events to event triggers: platform events from the outbox and
 * events posted to `cloudEvents`, each trigger's filter an exact match on
 * type, source and subject. A match is recorded as a delivery keyed by the
 * event's (source, id), so an event seen twice (a rescan, a redelivery, two
 * workers) starts one run per trigger. Only events from the trigger's
 * creation on count.
 */
export class EventMatcher {
  constructor(private readonly store: TriggerStore, private readonly outbox: EventOutbox, private readonly warn: (err: unknown, msg: string) => void = () => undefined) {}

  /** Scans every event trigger's project for new matching events; returns how many deliveries it recorded. */
  async scan(now = new Date()): Promise<number> {
    let recorded = 0;
    for (const t of await this.store.eventTriggers()) {
      // One trigger's failure (a store error on its project) leaves the others matching.
      recorded += await this.scanOne(t, now).catch((e: unknown) => {
        this.warn(e, `triggers: matching events for ${t.project}/${t.name} failed; the next pass retries`);
        return 0;
      });
    }
    return recorded;
  }

  private async scanOne(t: TriggerRow, now: Date): Promise<number> {
    const spec = JSON.parse(t.spec) as TriggerSpec;
    const f = spec.eventFilter!;
    const from = Math.max(Date.parse(t.create_time), Date.parse(t.cursor ?? t.create_time) - LOOKBACK_MS);
    const since = new Date(from).toISOString();
    const seen: Seen[] = [];
    let newest = t.cursor ?? t.create_time;
    if (f.type.startsWith('rouge.')) {
      for (let after: string | undefined; ;) {
        const rows = await this.outbox.list(t.project, { type: f.type, since }, PAGE, after);
        for (const r of rows) {
          seen.push({ id: r.id, source: r.source, type: r.type, subject: r.subject, time: r.time, data: JSON.parse(r.data) as unknown });
          if (r.time > newest) newest = r.time;
        }
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
    } else {
      for (let after: EventPosition | undefined; ;) {
        const rows = await this.store.eventsSince(t.project, since, PAGE, after);
        for (const r of rows) {
          if (r.type === f.type) seen.push({ id: r.id, source: r.source, type: r.type, subject: r.subject, time: r.time, data: JSON.parse(r.data) as unknown });
          if (r.received_time > newest) newest = r.received_time;
        }
        if (rows.length < PAGE) break;
        const last = rows[rows.length - 1]!;
        after = { receivedTime: last.received_time, source: last.source, id: last.id };
      }
    }
    let recorded = 0;
    const created = now.toISOString();
    for (const e of seen) {
      if ((f.source !== undefined && e.source !== f.source) || (f.subject !== undefined && e.subject !== f.subject)) continue;
      const { created: fresh } = await this.store.putDelivery({
        project: t.project, id: ulid(), trigger: t.name, key: eventKey(e.source, e.id), state: 'PENDING', run: ulid(),
        parameters: JSON.stringify(fillParameters(spec.parameters, { event: e })), scheduled_time: null, body_hash: null,
        attempts: 0, next_attempt_time: created, lease_until: null, reason: null, create_time: created, update_time: created,
      });
      if (fresh) recorded++;
    }
    if (newest !== t.cursor) await this.store.update(t.project, t.name, { cursor: newest });
    return recorded;
  }
}

/**
 * A delivery's key for an event: a hash of (source, id), so two events whose
 * attributes join to the same text stay apart and a long source fits any index.
 */
export function eventKey(source: string, id: string): string {
  return `event:${createHash('sha256').update(JSON.stringify([source, id])).digest('base64url')}`;
}
