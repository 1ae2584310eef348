import { sql } from 'kysely';
import type { Store } from '../store/index.js';

/** Thrown when another `--single-process` Rouge already holds the store. */
export class SingleProcessLockError extends Error {
  constructor(where: string) {
    super(`another Rouge started with --single-process already uses ${where}; a single-process deployment is one process (stop the other, or run the roles as separate processes with REDIS_URL)`);
    this.name = 'SingleProcessLockError';
  }
}

/**
 * Holds a PostgreSQL session advisory lock for as long as the process runs,
 * so a second `--single-process` Rouge on the same database and schema
 * refuses to start: without a shared cache the two would never hear of each
 * other's changes. The lock lives on one pooled connection kept for the
 * purpose; PostgreSQL releases it when that session ends, even on kill -9.
 * Returns the release function; on SQLite there is nothing to hold here.
 */
export async function holdSingleProcessLock(store: Store): Promise<() => Promise<void>> {
  if (store.dialect !== 'postgres') return async () => undefined;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let outcome!: (held: boolean | Error) => void;
  const decided = new Promise<boolean | Error>((r) => (outcome = r));
  const holding = store.db.connection().execute(async (conn) => {
    const { rows } = await sql<{ held: boolean }>`select pg_try_advisory_lock(hashtext('rouge.single-process:' || current_schema())) as held`.execute(conn);
    const held = rows[0]?.held === true;
    outcome(held);
    if (!held) return;
    await released;
    await sql`select pg_advisory_unlock(hashtext('rouge.single-process:' || current_schema()))`.execute(conn).catch(() => undefined);
  }).catch((e: unknown) => outcome(e as Error));
  const held = await decided;
  if (held instanceof Error) throw held;
  if (!held) throw new SingleProcessLockError(store.description);
  return async () => {
    release();
    await holding;
  };
}
