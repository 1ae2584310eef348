import type { Kysely, Migration } from 'kysely';
import { isUniqueViolation, type Store } from '../store/index.js';

export interface IdempotencyTable {
  idempotency_records: {
    project: string;
    principal: string;
    key: string;
    request_hash: string;
    state: 'pending' | 'done';
    status_code: number | null;
    response_type: string | null;
    response_body: string | null;
    create_time: string;
  };
}

export type IdempotencyRecord = IdempotencyTable['idempotency_records'];

/** Keys are remembered this long, as Stripe and Google's AIP-155 suggest (a day). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A pending record older than this belongs to a request that died; a retry may take it over. */
export const PENDING_TAKEOVER_MS = 60 * 1000;

export const idempotencyMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('idempotency_records')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('response_type', 'text')
      .addColumn('response_body', 'text')
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_records_pk', ['project', 'principal', 'key'])
      .execute();
    await db.schema.createIndex('idempotency_records_time').on('idempotency_records').column('create_time').execute();
  },
};

type Scope = { project: string; principal: string; key: string };

/** Data access for idempotency records; every query is scoped by project and principal. */
export class IdempotencyStore {
  private readonly db: Kysely<IdempotencyTable>;
  constructor(store: Store) {
    this.db = store.typed<IdempotencyTable>();
  }

  /** Claims the key for a new request; returns the existing record when the key is taken. */
  async claim(scope: Scope, requestHash: string, now: Date): Promise<IdempotencyRecord | undefined> {
    try {
      await this.db
        .insertInto('idempotency_records')
        .values({ ...scope, request_hash: requestHash, state: 'pending', status_code: null, response_type: null, response_body: null, create_time: now.toISOString() })
        .execute();
      return undefined;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const existing = await this.get(scope);
    if (!existing) return this.claim(scope, requestHash, now);
    const age = now.getTime() - Date.parse(existing.create_time);
    const abandoned = existing.state === 'pending' && age > PENDING_TAKEOVER_MS;
    if (age > IDEMPOTENCY_TTL_MS || abandoned) {
      // Compare-and-swap on create_time, so two retries cannot both take it over.
      const res = await this.db
        .updateTable('idempotency_records')
        .set({ request_hash: requestHash, state: 'pending', status_code: null, response_type: null, response_body: null, create_time: now.toISOString() })
        .where('project', '=', scope.project).where('principal', '=', scope.principal).where('key', '=', scope.key)
        .where('create_time', '=', existing.create_time)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return undefined;
      return (await this.get(scope)) ?? undefined;
    }
    return existing;
  }

  async get(scope: Scope): Promise<IdempotencyRecord | undefined> {
    return this.db
      .selectFrom('idempotency_records')
      .selectAll()
      .where('project', '=', scope.project).where('principal', '=', scope.principal).where('key', '=', scope.key)
      .executeTakeFirst();
  }

  async complete(scope: Scope, statusCode: number, type: string, body: string): Promise<void> {
    await this.db
      .updateTable('idempotency_records')
      .set({ state: 'done', status_code: statusCode, response_type: type, response_body: body })
      .where('project', '=', scope.project).where('principal', '=', scope.principal).where('key', '=', scope.key)
      .execute();
  }

  async release(scope: Scope): Promise<void> {
    await this.db
      .deleteFrom('idempotency_records')
      .where('project', '=', scope.project).where('principal', '=', scope.principal).where('key', '=', scope.key)
      .execute();
  }

  /** Drops records older than the TTL. */
  async purge(now: Date): Promise<void> {
    await this.db.deleteFrom('idempotency_records').where('create_time', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString()).execute();
  }
}
