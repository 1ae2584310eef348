import type { Kysely } from 'kysely';
import type { Store } from '../platform/index.js';
import type { Db } from './item-store.js';
import type { CatalogTables, EventRow } from './tables.js';

// SQLite allows 32,766 bound values per statement; 15 columns x 1,000 rows stays under it.
const ROWS_PER_INSERT = 1000;

/** Data access for user events and session links; every query takes the project. */
export class EventStore {
  readonly db: Kysely<CatalogTables>;
  constructor(store: Store) {
    this.db = store.typed<CatalogTables>();
  }

  /**
   * Inserts events, skipping ids already stored (a resent batch is stored
   * once), and links each session seen with a user to that user (the latest
   * event wins). Returns how many rows were new.
   */
  async insert(project: string, rows: EventRow[], db: Db): Promise<number> {
    let written = 0;
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const r = await db.insertInto('user_events').values(rows.slice(i, i + ROWS_PER_INSERT))
        .onConflict((oc) => oc.columns(['project', 'event_id']).doNothing())
        .executeTakeFirst();
      written += Number(r.numInsertedOrUpdatedRows ?? 0);
    }
    // One link per session: the latest event carrying both ids decides.
    const links = new Map<string, { user_id: string; link_time: string }>();
    for (const r of rows) {
      if (r.session_id === null || r.user_id === null) continue;
      const prev = links.get(r.session_id);
      if (!prev || prev.link_time < r.event_time) links.set(r.session_id, { user_id: r.user_id, link_time: r.event_time });
    }
    if (links.size > 0) {
      const values = [...links].map(([session_id, l]) => ({ project, session_id, ...l }));
      for (let i = 0; i < values.length; i += ROWS_PER_INSERT) {
        await db.insertInto('user_sessions').values(values.slice(i, i + ROWS_PER_INSERT))
          .onConflict((oc) => oc.columns(['project', 'session_id']).doUpdateSet((eb) => ({ user_id: eb.ref('excluded.user_id'), link_time: eb.ref('excluded.link_time') }))
            .where('user_sessions.link_time', '<', (eb) => eb.ref('excluded.link_time')))
          .execute();
      }
    }
    return written;
  }

  /** Events at or after `since`, in (eventTime, eventId) order, a page after the given key. */
  page(project: string, since: string | undefined, limit: number, after?: { time: string; id: string }): Promise<EventRow[]> {
    let q = this.db.selectFrom('user_events').selectAll().where('project', '=', project);
    if (since !== undefined) q = q.where('event_time', '>=', since);
    if (after) q = q.where((eb) => eb.or([eb('event_time', '>', after.time), eb.and([eb('event_time', '=', after.time), eb('event_id', '>', after.id)])]));
    return q.orderBy('event_time').orderBy('event_id').limit(limit).execute();
  }

  /** A user's events, including those of sessions linked to the user before they signed in, oldest first. */
  history(project: string, userId: string, limit: number): Promise<EventRow[]> {
    return this.db.selectFrom('user_events').selectAll().where('project', '=', project)
      .where((eb) => eb.or([
        eb('user_id', '=', userId),
        eb('session_id', 'in', eb.selectFrom('user_sessions').select('session_id').where('project', '=', project).where('user_id', '=', userId)),
      ]))
      .orderBy('event_time').orderBy('event_id').limit(limit).execute();
  }

  async sessionUser(project: string, sessionId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('user_sessions').select('user_id').where('project', '=', project).where('session_id', '=', sessionId).executeTakeFirst();
    return r?.user_id;
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
