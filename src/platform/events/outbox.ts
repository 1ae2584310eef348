import type { Kysely, Transaction } from 'kysely';
import { monotonicFactory } from 'ulid';
import type { Cache } from '../cache/index.js';
import type { Store } from '../store/index.js';
import { sourceOf, toCloudEvent, type CloudEvent, type EventDraft } from './cloud-event.js';
import type { EventRow, EventsTable } from './tables.js';

/** The signals channel every process listens on for platform events. */
export const EVENTS_CHANNEL = 'rouge.events';

/** Emits an event inside the surrounding transaction. */
export type Emit = (project: string, draft: EventDraft) => void;

/**
 * The transactional outbox (BRIEF section 3, CloudEvents 1.0): a change and the
 * events it causes are written in one transaction; after the commit the events
 * are published through the signals port and marked published. An event whose
 * publisher died between commit and publish is found by `replay()` (at start,
 * and every few seconds), so none is lost; a replayed duplicate keeps its `id`,
 * which is how consumers deduplicate.
 */
export class EventOutbox {
  private readonly db: Kysely<EventsTable>;
  private readonly nextId = monotonicFactory();

  constructor(store: Store, private readonly signals: Cache) {
    this.db = store.typed<EventsTable>();
  }

  /**
   * Runs `fn` in a transaction with an `emit` function; the emitted events are
   * inserted in the same transaction and published after it commits.
   *
   * The transaction is typed with the caller's tables: annotate `trx` and the
   * type flows through to every store call made with it.
   *
   * @example
   * await outbox.transaction(async (trx: Transaction<RegistryTables>, emit) => {
   *   await trx.insertInto('models').values(row).execute();
   *   emit(project, { type: 'rouge.model.created', subject: `models/${row.name}`, data: { name } });
   * });
   */
  async transaction<DB, T>(fn: (trx: Transaction<DB>, emit: Emit) => Promise<T>): Promise<T> {
    const rows: EventRow[] = [];
    const result = await this.db.transaction().execute(async (trx) => {
      const emit: Emit = (project, draft) => {
        const now = Date.now();
        rows.push({ project, id: this.nextId(now), type: draft.type, source: sourceOf(project), subject: draft.subject, time: new Date(now).toISOString(), data: JSON.stringify(draft.data ?? null), published: 0 });
      };
      // One connection holds every module's tables; the outbox knows only its own, the caller only theirs.
      const value = await fn(trx as unknown as Transaction<DB>, emit);
      if (rows.length > 0) await trx.insertInto('cloud_events').values(rows).execute();
      return value;
    });
    if (rows.length > 0) await this.publish(rows).catch(() => undefined); // replay() retries
    return result;
  }

  /** Publishes unpublished events older than `olderThanMs` (0: all), oldest first. */
  async replay(olderThanMs = 0): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs).toISOString();
    let total = 0;
    for (;;) {
      const rows = await this.db.selectFrom('cloud_events').selectAll().where('published', '=', 0).where('time', '<=', cutoff).orderBy('time').orderBy('id').limit(500).execute();
      if (rows.length === 0) return total;
      await this.publish(rows);
      total += rows.length;
      if (rows.length < 500) return total;
    }
  }

  /** Calls `handler` for every platform event any process publishes. */
  subscribe(handler: (event: CloudEvent) => void): Promise<() => Promise<void>> {
    return this.signals.subscribe(EVENTS_CHANNEL, (message) => handler(JSON.parse(message) as CloudEvent));
  }

  /** Events of a project in order, optionally of one type and since a time. */
  list(project: string, filter: { type?: string; since?: string }, limit: number, after?: string): Promise<EventRow[]> {
    let q = this.db.selectFrom('cloud_events').selectAll().where('project', '=', project);
    if (filter.type) q = q.where('type', '=', filter.type);
    if (filter.since) q = q.where('time', '>=', filter.since);
    if (after) q = q.where('id', '>', after);
    return q.orderBy('id').limit(limit).execute();
  }

  private async publish(rows: EventRow[]): Promise<void> {
    for (const row of rows) await this.signals.publish(EVENTS_CHANNEL, JSON.stringify(toCloudEvent(row)));
    for (const row of rows) {
      await this.db.updateTable('cloud_events').set({ published: 1 }).where('project', '=', row.project).where('id', '=', row.id).execute();
    }
  }
}
