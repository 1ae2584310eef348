/**
 * For tests that race a write in a project against the project's delete: the
 * write must either be counted or removed by the delete, or fail with
 * PROJECT_NOT_FOUND, and never leave a row in a project that no longer exists.
 * Nothing here sleeps: each step waits for a lock wait PostgreSQL reports.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { StoreKind } from './stores.js';
import { until } from './until.js';

/** The PostgreSQL backend serving `db` (a transaction, so the connection it holds). */
export async function pidOf(db: Kysely<any>): Promise<number> {
  return (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
}

/** The PostgreSQL backend waiting on a lock that `pid` holds, polled for until the deadline. */
export function waiterOn(db: Kysely<any>, pid: number, what: string): Promise<number> {
  return until(what, async () => {
    const waiting = await sql<{ pid: number }>`select pid from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid)) limit 1`.execute(db);
    return waiting.rows[0]?.pid;
  }, 10_000);
}

/**
 * Deletes the project while `write` arrives in the middle of the deleting
 * transaction: after the project's row is deleted, before the commit. On
 * PostgreSQL the delete is kept open until the write is seen waiting on it; on
 * SQLite the write cannot begin its transaction before the delete's ends.
 * Resolves with the delete's response and what the write settled to.
 *
 * @example
 * const { deleted, written } = await writeDuringDelete(app, kind, 'doomed', () => put('doomed', 'SKU-1'));
 * expect(deleted.statusCode).toBe(200);
 */
export async function writeDuringDelete<T>(app: FastifyInstance, kind: StoreKind, project: string, write: () => Promise<T>): Promise<{ deleted: LightMyRequestResponse; written: T }> {
  let inside!: (pid: number) => void;
  const deleterPid = new Promise<number>((r) => (inside = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  // Counters registered inTransaction run after the row is deleted, inside the deleting transaction.
  app.rouge.projects.registerResourceCounter(async (_p, db) => {
    inside(kind === 'postgres' ? await pidOf(db!) : 0);
    await released;
    return { kind: 'nothing', count: 0 };
  }, { inTransaction: true });
  const deleting = app.inject({ method: 'DELETE', url: `/v1/projects/${project}` });
  const deleter = await deleterPid;
  const writing = write();
  try {
    if (kind === 'postgres') await waiterOn(app.rouge.store.db, deleter, 'the write to wait for the delete');
  } finally {
    release();
  }
  return { deleted: await deleting, written: await writing };
}

/**
 * PostgreSQL only: makes `write` wait, its project held, on an uncommitted row
 * (`blocker`, written first by another transaction), deletes the project
 * meanwhile, and lets the write go once the delete is seen waiting on it.
 * Resolves with what the write settled to and the delete's response.
 */
export async function deleteDuringPausedWrite<T>(
  app: FastifyInstance,
  project: string,
  blocker: { table: string; row: Record<string, unknown> },
  write: () => Promise<T>,
): Promise<{ written: T; deleted: LightMyRequestResponse }> {
  const { store } = app.rouge;
  let blocking!: (pid: number) => void;
  const blockerReady = new Promise<number>((r) => (blocking = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  // The row the write writes, written first and left uncommitted until released, then rolled back.
  const held = store.db.transaction().execute(async (trx) => {
    await trx.insertInto(blocker.table).values(blocker.row).execute();
    blocking(await pidOf(trx));
    await released;
    throw new Error('rolled back on purpose');
  }).catch(() => undefined);
  const blockerPid = await blockerReady;
  const writing = write();
  let deleting: Promise<LightMyRequestResponse> | undefined;
  try {
    const writerPid = await waiterOn(store.db, blockerPid, 'the write to wait for the uncommitted row');
    deleting = app.inject({ method: 'DELETE', url: `/v1/projects/${project}` });
    await waiterOn(store.db, writerPid, 'the delete to wait for the write');
  } finally {
    release();
    await held;
  }
  return { written: await writing, deleted: await deleting };
}
