import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { precompile, type Precompiled, type Store } from '../platform/index.js';
import { EventSql, type SessionLink } from './event-sql.js';
import type { Db } from './item-store.js';
import type { CatalogTables, EventRow } from './tables.js';

/** The columns a live history reads. */
const RECENT = ['event_id', 'type', 'item_ids', 'event_time'] as const;
/** The columns an experiment report reads. */
const ATTRIBUTED = ['event_id', 'type', 'user_id', 'session_id', 'recommendation_id', 'event_time', 'value_amount', 'value_currency'] as const;
export type AttributedRow = Pick<EventRow, (typeof ATTRIBUTED)[number]>;

/** An event as a live history reads it. */
export type RecentRow = Pick<EventRow, (typeof RECENT)[number]>;

/** Past a page's last (event_time, event_id): a row-value comparison, which both SQLite and PostgreSQL seek the time index to. */
function pastKey(eb: ExpressionBuilder<CatalogTables, 'user_events'>, after: EventKey) {
  return eb(eb.refTuple('event_time', 'event_id'), '>', eb.tuple(after.time, after.id));
}

/** Where a page of events ended. */
export interface EventKey {
  time: string;
  id: string;
}

/** The newest `limit` rows, newest first (time, then id, as the time index orders them). */
function newestFirst(rows: RecentRow[], limit: number): RecentRow[] {
  return rows.sort((a, b) => (a.event_time < b.event_time ? 1 : a.event_time > b.event_time ? -1 : a.event_id < b.event_id ? 1 : a.event_id > b.event_id ? -1 : 0)).slice(0, limit);
}

/** The sessions linked to a user, found from the user's own events (the event that made a link carries both ids). */
function linkedSessions(eb: ExpressionBuilder<CatalogTables, 'user_events'>, project: string, userId: string) {
  return eb.selectFrom('user_events as e')
    .innerJoin('user_sessions as s', (j) => j.onRef('s.project', '=', 'e.project').onRef('s.session_id', '=', 'e.session_id'))
    .select('e.session_id')
    .where('e.project', '=', project).where('e.user_id', '=', userId).where('s.user_id', '=', userId);
}

/** Data access for user events and session links; every query takes the project. */
export class EventStore {
  readonly db: Kysely<CatalogTables>;
  private readonly sql: EventSql;
  /** The live history's lookups, compiled once: they run on every personal placement's request. */
  private readonly own: Precompiled<RecentRow & { session_id: string | null }>;
  private readonly ofSession: Precompiled<RecentRow>;
  private readonly userOf: Precompiled<{ user_id: string }>;
  /** The linked sessions' lookup, per length of its list of sessions. */
  private readonly linked = new Map<number, Precompiled<RecentRow>>();
  constructor(store: Store) {
    this.db = store.typed<CatalogTables>();
    this.sql = new EventSql(store.dialect);
    this.own = precompile(this.db, 2, (project, userId) => this.ownEventsQuery(project, userId));
    this.ofSession = precompile(this.db, 2, (project, sessionId) => this.recentOfSessionQuery(project, sessionId));
    this.userOf = precompile(this.db, 2, (project, sessionId) => this.db.selectFrom('user_sessions').select('user_id').where('project', '=', project).where('session_id', '=', sessionId));
  }

  /**
   * Inserts events, skipping ids already stored (a resent batch is stored
   * once), and links each session seen with a user to that user (the latest
   * event wins). Two statements whatever the batch size. Returns how many
   * rows were new.
   */
  async insert(project: string, rows: EventRow[], db: Db): Promise<number> {
    if (rows.length === 0) return 0;
    const r = await db.executeQuery(this.sql.insertEvents(project, rows));
    // One link per session: the latest event carrying both ids decides (an upsert may not touch a row twice).
    const links = new Map<string, SessionLink>();
    for (const e of rows) {
      if (e.session_id === null || e.user_id === null) continue;
      const prev = links.get(e.session_id);
      if (!prev || prev[2] < e.event_time) links.set(e.session_id, [e.session_id, e.user_id, e.event_time]);
    }
    if (links.size > 0) await db.executeQuery(this.sql.upsertSessions(project, [...links.values()]));
    return Number(r.numAffectedRows ?? 0);
  }

  /** Events at or after `since`, in (eventTime, eventId) order, a page after the given key. */
  page(project: string, since: string | undefined, limit: number, after?: EventKey): Promise<EventRow[]> {
    let q = this.db.selectFrom('user_events').selectAll().where('project', '=', project);
    if (since !== undefined) q = q.where('event_time', '>=', since);
    // A row-value comparison: both SQLite and PostgreSQL seek the (project, event_time, event_id) index
    // to it, where the equivalent OR of two conditions made SQLite walk every earlier event on each
    // page, so reading a million events back took quadratic time (25 s of a training run).
    if (after) q = q.where((eb) => pastKey(eb, after));
    return q.orderBy('event_time').orderBy('event_id').limit(limit).execute();
  }

  /**
   * Events in [from, to) whose recommendation id contains `marker` (an
   * experiment's `.recommender.`), in (eventTime, eventId) order, a page after
   * the given key: the time index bounds the read to the window.
   */
  attributedPage(project: string, marker: string, from: string, to: string, limit: number, after?: EventKey): Promise<AttributedRow[]> {
    const like = `%${marker.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    let q = this.db.selectFrom('user_events').select(ATTRIBUTED).where('project', '=', project)
      .where('event_time', '>=', from).where('event_time', '<', to)
      .where(sql<boolean>`recommendation_id like ${like} escape '\\'`);
    if (after) q = q.where((eb) => pastKey(eb, after));
    return q.orderBy('event_time').orderBy('event_id').limit(limit).execute();
  }

  /**
   * A user's events: those carrying the user's id, and the anonymous events
   * of sessions linked to the user, oldest first. The two parts are disjoint
   * (an id, or none), each has its own partial index, and the linked
   * sessions come from the user's own events (the event that made a link
   * carries both ids), so no index on the links' user is needed.
   */
  history(project: string, userId: string, limit: number): Promise<EventRow[]> {
    return this.historyQuery(project, userId, limit).execute();
  }

  /** The query `history` runs, unexecuted, so that a test can read its plan; `newest` reads from the other end. */
  historyQuery(project: string, userId: string, limit: number, newest = false) {
    const signedIn = this.db.selectFrom('user_events').selectAll().where('project', '=', project).where('user_id', '=', userId);
    const anonymous = this.db.selectFrom('user_events').selectAll().where('project', '=', project).where('user_id', 'is', null)
      .where('session_id', 'in', (eb) => linkedSessions(eb, project, userId));
    // Materialised, then sorted: asked for ordered arms, SQLite walks the time index over all the project's events.
    return this.db.with((cte) => cte('h').materialized(), () => signedIn.unionAll(anonymous))
      .selectFrom('h').selectAll().orderBy('event_time', newest ? 'desc' : 'asc').orderBy('event_id', newest ? 'desc' : 'asc').limit(limit);
  }

  /**
   * The newest `limit` events of a user (their linked sessions included),
   * newest first, with only what recommendations read: the hot path of a
   * personal placement. Two lookups by partial index, sorted here: the user's
   * own events, then the anonymous events of those of its sessions linked to
   * it (primary-key probes of the links). Asked to sort, SQLite walks the time
   * index over every event of the project instead; one statement with the
   * linked sessions as a subquery cost twice these two.
   */
  async recentOfUser(project: string, userId: string, limit: number): Promise<RecentRow[]> {
    const own = await this.own(project, userId);
    const sessions = [...new Set(own.map((r) => r.session_id).filter((s): s is string => s !== null))];
    const rows: RecentRow[] = own;
    for (let i = 0; i < sessions.length; i += 500) {
      const some = sessions.slice(i, i + 500);
      rows.push(...await this.linkedQuery(some.length)(project, userId, ...some));
    }
    return newestFirst(rows, limit);
  }

  /** The anonymous events of `n` of a user's sessions that are linked to it (values: project, user, then the sessions). */
  private linkedQuery(n: number): Precompiled<RecentRow> {
    let q = this.linked.get(n);
    if (!q) {
      q = precompile(this.db, n + 2, (project, userId, ...some) => this.db.selectFrom('user_events').select(RECENT).where('project', '=', project).where('user_id', 'is', null)
        .where('session_id', 'in', (eb) => eb.selectFrom('user_sessions').select('session_id').where('project', '=', project).where('user_id', '=', userId).where('session_id', 'in', some)));
      this.linked.set(n, q);
    }
    return q;
  }

  /**
   * The newest `limit` anonymous events of a session, newest first. The
   * session's events are read by the partial index of anonymous events and
   * sorted after: asked for them in order, SQLite walks the project's time
   * index instead (83 ms a call at 300,000 events).
   */
  async recentOfSession(project: string, sessionId: string, limit: number): Promise<RecentRow[]> {
    return newestFirst(await this.ofSession(project, sessionId), limit);
  }

  /** The query `recentOfSession` runs, unexecuted, so that a test can read its plan. */
  recentOfSessionQuery(project: string, sessionId: string) {
    return this.db.selectFrom('user_events').select(RECENT).where('project', '=', project).where('user_id', 'is', null).where('session_id', '=', sessionId);
  }

  /** The first query `recentOfUser` runs (the user's own events), unexecuted, so that a test can read its plan. */
  ownEventsQuery(project: string, userId: string) {
    return this.db.selectFrom('user_events').select([...RECENT, 'session_id']).where('project', '=', project).where('user_id', '=', userId);
  }

  async sessionUser(project: string, sessionId: string): Promise<string | undefined> {
    return (await this.userOf(project, sessionId))[0]?.user_id;
  }

  async count(project: string): Promise<number> {
    const r = await this.db.selectFrom('user_events').select((eb) => eb.fn.countAll<number>().as('n')).where('project', '=', project).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async deleteProject(project: string, db: Db): Promise<void> {
    await db.deleteFrom('user_events').where('project', '=', project).execute();
    await db.deleteFrom('user_sessions').where('project', '=', project).execute();
  }
}
