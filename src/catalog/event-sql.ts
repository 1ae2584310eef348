import { CompiledQuery } from 'kysely';
import type { Dialect } from '../platform/index.js';
import type { EventRow } from './tables.js';

/**
 * The two statements of an event batch, as fixed SQL text taking the whole
 * batch as one JSON parameter. With Kysely's `values(rows)`, a 500-event
 * batch spent about 4 ms of CPU building and compiling a statement of 7,000
 * bound values, and PostgreSQL parsed and planned each such statement afresh
 * (a batch took 38 ms there, 21 ms as JSON). One constant statement is
 * prepared once (SQLite's statement cache) and stays under both dialects'
 * bound-value limits at any batch size.
 */

/** Every user_events column but `project`, in the order of a row's JSON array. */
const COLUMNS = ['event_id', 'type', 'user_id', 'session_id', 'item_ids', 'query', 'event_time', 'variant', 'recommendation_id', 'resolved_bid_id', 'value_amount', 'value_currency', 'line_items', 'page_categories', 'ingest_time'] as const satisfies ReadonlyArray<keyof EventRow>;

// A lone surrogate half (valid in a JS string, not in UTF-8) that JSON.stringify escaped, after an even run of backslashes.
const LONE_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/**
 * JSON text of the batch. A lone surrogate becomes U+FFFD, as it does when a
 * driver binds the string itself; left escaped, PostgreSQL's jsonb refuses
 * the whole batch and SQLite stores bytes that are not UTF-8.
 */
export function batchJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\ud') ? json.replace(LONE_SURROGATE, '$1\\ufffd') : json;
}

/** A session link: session id, user id, the time of the event that made it. */
export type SessionLink = [session: string, user: string, time: string];

function eventsSql(dialect: Dialect): string {
  const list = `project, ${COLUMNS.join(', ')}`;
  if (dialect === 'sqlite') {
    // `where true` tells SQLite's parser that ON CONFLICT belongs to the insert, not to a join.
    return `insert into user_events (${list}) select ?, ${COLUMNS.map((_, i) => `value->>${i}`).join(', ')} from json_each(?) where true on conflict (project, event_id) do nothing`;
  }
  const cast = (c: string) => (c === 'value_amount' ? '::bigint' : '');
  return `insert into user_events (${list}) select $1, ${COLUMNS.map((c, i) => `(x->>${i})${cast(c)}`).join(', ')} from jsonb_array_elements($2::jsonb) as x on conflict (project, event_id) do nothing`;
}

function sessionsSql(dialect: Dialect): string {
  const upsert = 'on conflict (project, session_id) do update set user_id = excluded.user_id, link_time = excluded.link_time where user_sessions.link_time < excluded.link_time';
  return dialect === 'sqlite'
    ? `insert into user_sessions (project, session_id, user_id, link_time) select ?, value->>0, value->>1, value->>2 from json_each(?) where true ${upsert}`
    : `insert into user_sessions (project, session_id, user_id, link_time) select $1, x->>0, x->>1, x->>2 from jsonb_array_elements($2::jsonb) as x ${upsert}`;
}

/** Builds the batch statements of one dialect once; each call only serialises its rows. */
export class EventSql {
  private readonly events: string;
  private readonly sessions: string;
  constructor(dialect: Dialect) {
    this.events = eventsSql(dialect);
    this.sessions = sessionsSql(dialect);
  }

  /** Inserts the rows, skipping event ids already stored (ids repeated within the rows included). */
  insertEvents(project: string, rows: EventRow[]): CompiledQuery {
    const tuples = rows.map((r) => COLUMNS.map((c) => r[c]));
    return CompiledQuery.raw(this.events, [project, batchJson(tuples)]);
  }

  /** Links sessions to users unless a later event linked them already; session ids must be distinct. */
  upsertSessions(project: string, links: SessionLink[]): CompiledQuery {
    return CompiledQuery.raw(this.sessions, [project, batchJson(links)]);
  }
}
