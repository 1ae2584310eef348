import { nowIso, RougeError, type FieldViolation, type ProjectHold } from '../platform/index.js';
import * as errors from './errors.js';
import type { EventSink } from './event-sinks.js';
import type { EventKey, EventStore } from './event-store.js';
import { checkEvent, toEventRow, toUserEvent, violationOf, type UserEvent } from './events.js';
import type { EventRow } from './tables.js';

const EXPORT_PAGE = 2000;

/**
 * User events: batches written all or nothing and deduplicated by eventId
 * (Segment-style at-least-once delivery: a client resends until it gets an
 * answer), session-to-user links, a user's history and the JSONL export.
 */
/** An event as a live history reads it: what was done, to which items, when. */
export type RecentEvent = Pick<UserEvent, 'eventId' | 'type' | 'itemIds' | 'eventTime'>;

/** Every row of a keyset-paged read of events, page after page until a short one. */
async function* pages<R extends { event_time: string; event_id: string }>(read: (after: EventKey | undefined) => Promise<R[]>): AsyncGenerator<R> {
  let after: EventKey | undefined;
  for (;;) {
    const rows = await read(after);
    yield* rows;
    if (rows.length < EXPORT_PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { time: last.event_time, id: last.event_id };
  }
}

/** An event as an experiment report counts it: its type, who (a user, else a session), the recommendation it followed, and its value. */
export interface AttributedEvent {
  type: UserEvent['type'];
  unit: string;
  recommendationId: string;
  value?: { amount: number; currency: string };
}

export class EventService {
  /** `hold` checks and holds the project in the transaction that writes a batch (PROJECT_NOT_FOUND when it does not exist). */
  constructor(private readonly store: EventStore, private readonly hold: ProjectHold, private readonly sinks: () => readonly EventSink[] = () => []) {}

  /**
   * Validates every event first and writes none unless all are valid; the
   * error lists each bad event's index, field and reason. Returns how many
   * were new and how many were already stored. `schemaChecked` says the
   * route validated the body against the event schema already. The answer comes after the
   * commit, so an acknowledged event is durable. A project that does not exist is
   * PROJECT_NOT_FOUND, checked after the events (a bad batch is a 400 either way).
   * Contributed event sinks (EVENT_SINKS) see the batch after the commit, before the answer.
   */
  async write(project: string, events: unknown[], schemaChecked = false): Promise<{ written: number; duplicates: number }> {
    const now = Date.now();
    const rows: EventRow[] = [];
    const checked: UserEvent[] = [];
    const bad: FieldViolation[] = [];
    const ingest = nowIso();
    events.forEach((value, i) => {
      const context = `events[${i}]`;
      try {
        const e = checkEvent(value, context, now, schemaChecked);
        checked.push(e);
        rows.push(toEventRow(project, e, ingest));
      } catch (e) {
        if (!(e instanceof RougeError)) throw e;
        bad.push(violationOf(e, context));
      }
    });
    if (bad.length > 0) {
      throw errors.USER_EVENTS_INVALID(
        { bad: bad.length, total: events.length, first: `${bad[0]!.field}: ${bad[0]!.description}` },
        { fieldViolations: bad, metadata: { invalidIndexes: [...new Set(bad.map((b) => /^events\[(\d+)\]/.exec(b.field)?.[1]))].join(',') } },
      );
    }
    // One indexed row lock per batch, not per event: a concurrent project delete either
    // waits and then deletes this batch with the project, or commits first and fails the hold.
    const written = await this.store.db.transaction().execute(async (trx) => {
      await this.hold(project, trx);
      return this.store.insert(project, rows, trx);
    });
    // Resent events are passed too: the first attempt may have failed in a sink after the commit.
    for (const sink of this.sinks()) await sink.written(project, checked);
    return { written, duplicates: rows.length - written };
  }

  /** Every stored event at or after `since`, oldest first, read a page at a time so memory stays flat. */
  async *export(project: string, since: string | undefined): AsyncGenerator<UserEvent> {
    for await (const r of pages((after) => this.store.page(project, since, EXPORT_PAGE, after))) yield toUserEvent(r);
  }

  /**
   * Events of a window carrying a recommendation id that contains `marker`,
   * oldest first, read a page at a time: what an experiment report counts.
   */
  async *attributed(project: string, marker: string, from: string, to: string): AsyncGenerator<AttributedEvent> {
    for await (const r of pages((after) => this.store.attributedPage(project, marker, from, to, EXPORT_PAGE, after))) {
      yield {
        type: r.type as UserEvent['type'], unit: r.user_id ?? (r.session_id !== null ? `session:${r.session_id}` : r.event_id), recommendationId: r.recommendation_id!,
        ...(r.value_amount !== null && r.value_currency !== null ? { value: { amount: Number(r.value_amount), currency: r.value_currency } } : {}),
      };
    }
  }

  /** A user's events, including the anonymous events of sessions later linked to them, oldest first. */
  async history(project: string, userId: string, limit = 1000): Promise<UserEvent[]> {
    return (await this.store.history(project, userId, limit)).map(toUserEvent);
  }

  /**
   * What a shopper did lately, oldest first, for recommendations read live:
   * a user's events (with the sessions linked to them), or a session's; a
   * session linked to a user stands for that user. At most `limit` events.
   */
  async recent(project: string, who: { userId?: string; sessionId?: string }, limit = 50): Promise<RecentEvent[]> {
    let userId = who.userId;
    if (userId === undefined && who.sessionId !== undefined) userId = await this.store.sessionUser(project, who.sessionId);
    const rows = userId !== undefined
      ? await this.store.recentOfUser(project, userId, limit)
      : who.sessionId !== undefined ? await this.store.recentOfSession(project, who.sessionId, limit) : [];
    return rows.reverse().map((r) => ({ eventId: r.event_id, type: r.type as UserEvent['type'], itemIds: JSON.parse(r.item_ids) as string[], eventTime: r.event_time }));
  }

  /** The user a session was linked to, if any. */
  userOfSession(project: string, sessionId: string): Promise<string | undefined> {
    return this.store.sessionUser(project, sessionId);
  }

  count(project: string): Promise<number> {
    return this.store.count(project);
  }
}
