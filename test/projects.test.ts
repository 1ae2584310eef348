import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { deleteDuringPausedWrite, writeDuringDelete } from './helpers/project-delete.js';
import { STORE_KINDS } from './helpers/stores.js';

const json = { 'content-type': 'application/json' };

describe.each(STORE_KINDS)('projects on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind);
  });
  afterEach(async () => {
    await app.close();
  });

  const create = (body: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/projects', headers: { ...json, ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  const count = async () => (await app.inject({ method: 'GET', url: '/v1/projects?pageSize=1000' })).json().projects.length as number;
  const reasonOf = (res: { json(): any }) => res.json().error.details[0].reason as string;

  it('creates, gets, lists and deletes a project', async () => {
    const created = await create({ name: 'data-science', displayName: 'Data science', timeZone: 'Asia/Kolkata' });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ name: 'projects/data-science', projectId: 'data-science', displayName: 'Data science', timeZone: 'Asia/Kolkata' });
    const got = await app.inject({ method: 'GET', url: '/v1/projects/data-science' });
    expect(got.json()).toEqual(created.json());
    expect(await count()).toBe(1);
    const del = await app.inject({ method: 'DELETE', url: '/v1/projects/data-science' });
    expect(del.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/projects/data-science' })).statusCode).toBe(404);
  });

  it('defaults displayName to the name and timeZone to UTC', async () => {
    expect((await create({ name: 'storefront' })).json()).toMatchObject({ displayName: 'storefront', timeZone: 'UTC' });
  });

  it('pages through a list with pageSize and nextPageToken', async () => {
    for (const n of ['p-c', 'p-a', 'p-e', 'p-b', 'p-d']) expect((await create({ name: n })).statusCode).toBe(200);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const res = await app.inject({ method: 'GET', url: `/v1/projects?pageSize=2${token ? `&pageToken=${token}` : ''}` });
      const body = res.json();
      expect(body.projects.length).toBeLessThanOrEqual(2);
      seen.push(...body.projects.map((p: { projectId: string }) => p.projectId));
      token = body.nextPageToken;
    } while (token);
    expect(seen).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
  });

  it('answers a duplicate create with 409 PROJECT_ALREADY_EXISTS', async () => {
    await create({ name: 'dup' });
    const res = await create({ name: 'dup' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 409, status: 'ALREADY_EXISTS' });
    expect(reasonOf(res)).toBe('PROJECT_ALREADY_EXISTS');
    expect(await count()).toBe(1);
  });

  it('answers an unknown project with 404 PROJECT_NOT_FOUND', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await app.inject({ method, url: '/v1/projects/nowhere' });
      expect(res.statusCode).toBe(404);
      expect(reasonOf(res)).toBe('PROJECT_NOT_FOUND');
      expect(res.json().error.message).toContain('nowhere');
    }
  });

  it('refuses to delete a project that still holds resources', async () => {
    await create({ name: 'busy' });
    app.rouge.projects.registerResourceCounter(async (p) => ({ kind: 'widgets', count: p === 'busy' ? 2 : 0 }));
    const res = await app.inject({ method: 'DELETE', url: '/v1/projects/busy' });
    expect(res.statusCode).toBe(400);
    expect(reasonOf(res)).toBe('PROJECT_NOT_EMPTY');
    expect(res.json().error.message).toContain('2 widgets');
    expect((await app.inject({ method: 'GET', url: '/v1/projects/busy' })).statusCode).toBe(200);
  });

  describe('deleting a project atomically with its emptiness check', () => {
    /** Service accounts of a project, counted through the given handle (a transaction when inside one). */
    const countAccounts = async (db: Kysely<any>, project: string) =>
      Number((await db.selectFrom('service_accounts').select((eb) => eb.fn.countAll().as('n')).where('project', '=', project).executeTakeFirstOrThrow()).n);
    const addAccount = (db: Kysely<any>, project: string, name: string) =>
      db.insertInto('service_accounts').values({ project, name, display_name: name, description: '', create_time: new Date().toISOString() }).execute();

    it('counts inside the deleting transaction and rolls the delete back when it refuses', async () => {
      await create({ name: 'held' });
      const seen: boolean[] = [];
      app.rouge.projects.registerResourceCounter(async (p, db) => {
        seen.push(db?.isTransaction === true);
        // The project's row is already deleted in this transaction when the counter runs.
        const row = await db!.selectFrom('projects').select('name').where('name', '=', p).executeTakeFirst();
        return { kind: 'widgets', count: row ? 0 : 3 };
      }, { inTransaction: true });
      const res = await app.inject({ method: 'DELETE', url: '/v1/projects/held' });
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('PROJECT_NOT_EMPTY');
      expect(res.json().error.message).toContain('3 widgets');
      expect(seen).toEqual([true]);
      expect((await app.inject({ method: 'GET', url: '/v1/projects/held' })).statusCode).toBe(200);
    });

    it('fails a create that holds a project deleted before it, so nothing is orphaned', async () => {
      await create({ name: 'gone' });
      expect((await app.inject({ method: 'DELETE', url: '/v1/projects/gone' })).statusCode).toBe(200);
      const { store, projects } = app.rouge;
      const attempt = store.db.transaction().execute(async (trx) => {
        await projects.hold('gone', trx);
        await addAccount(trx, 'gone', 'late');
      });
      await expect(attempt).rejects.toMatchObject({ reason: 'PROJECT_NOT_FOUND' });
      expect(await countAccounts(store.db, 'gone')).toBe(0);
    });

    it.runIf(kind === 'postgres')('makes a delete wait for a create holding the project, then count what it made (PostgreSQL only: SQLite runs one write transaction at a time, so there is no row lock to wait on)', async () => {
      await create({ name: 'racy' });
      const { store, projects } = app.rouge;
      projects.registerResourceCounter(async (p, db) => ({ kind: 'accounts made meanwhile', count: await countAccounts(db!, p) }), { inTransaction: true });
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let holding!: (pid: number) => void;
      const held = new Promise<number>((r) => (holding = r));
      const creating = store.db.transaction().execute(async (trx) => {
        await projects.hold('racy', trx);
        await addAccount(trx, 'racy', 'meanwhile');
        holding((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid);
        await released;
      });
      const creator = await held;
      // The counters outside the transaction run now and see nothing: the account is not committed.
      const deleting = app.inject({ method: 'DELETE', url: '/v1/projects/racy' });
      try {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const blocked = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where ${creator}::int = any(pg_blocking_pids(pid))`.execute(store.db);
          if (blocked.rows[0]!.n > 0) break;
          if (Date.now() > deadline) throw new Error('the delete never waited for the create');
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        release();
        await creating;
      }
      const res = await deleting;
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain('1 accounts made meanwhile');
      expect((await app.inject({ method: 'GET', url: '/v1/projects/racy' })).statusCode).toBe(200);
    });
  });

  describe('creating resources in a project that is missing or being deleted', () => {
    type Outcome = { status: number; reason?: string; message?: string };
    /** What a project can hold: how one is created, where its rows live, and a row that makes its create wait. */
    interface Held {
      what: string;
      table: string;
      /** How a refused delete names them ("1 models"). */
      counted: string;
      create(project: string): Promise<Outcome>;
      /** The row the create writes, for another transaction to write first and hold uncommitted (PostgreSQL). */
      blocker(project: string): Record<string, unknown>;
    }
    const viaApi = async (url: string, body: unknown): Promise<Outcome> => {
      const res = await app.inject({ method: 'POST', url, headers: json, payload: JSON.stringify(body) });
      return res.statusCode === 200 ? { status: 200 } : { status: res.statusCode, reason: reasonOf(res), message: res.json().error.message };
    };
    const now = () => new Date().toISOString();
    const HELD: Held[] = [
      {
        what: 'a model', table: 'models', counted: 'models',
        create: (p) => viaApi(`/v1/projects/${p}/models`, { name: 'ctr' }),
        blocker: (project) => ({ project, name: 'ctr', display_name: 'ctr', description: '', labels: '{}', create_time: now(), update_time: now(), last_version: 0 }),
      },
      {
        what: 'an endpoint', table: 'endpoints', counted: 'endpoints',
        create: (p) => viaApi(`/v1/projects/${p}/endpoints`, { name: 'web' }),
        blocker: (project) => ({ project, name: 'web', display_name: 'web', labels: '{}', request_logging: '{"samplingRate":0}', traffic_split: '{}', create_time: now(), update_time: now() }),
      },
      {
        what: 'a service account', table: 'service_accounts', counted: 'service accounts',
        create: (p) => viaApi(`/v1/projects/${p}/serviceAccounts`, { name: 'svc' }),
        blocker: (project) => ({ project, name: 'svc', display_name: 'svc', description: '', create_time: now() }),
      },
      {
        // No handler runs test.idle, so the job stays queued: an unfinished operation.
        what: 'an operation', table: 'jobs', counted: 'unfinished operations',
        create: async (p) => {
          try {
            await app.rouge.jobs.enqueue(p, 'test.idle', {}, { idempotencyKey: 'race' });
            return { status: 200 };
          } catch (e) {
            const err = e as { httpStatus: number; reason: string; message: string };
            return { status: err.httpStatus, reason: err.reason, message: err.message };
          }
        },
        blocker: (project) => ({
          project, id: '00BLOCKER', kind: 'test.idle', payload: '{}', state: 'queued', attempts: 0, max_attempts: 1, backoff_ms: 1000, run_at: now(),
          lease_until: null, worker_id: null, idempotency_key: 'race', cancel_requested: 0, progress: null, result: null, error: null,
          create_time: now(), update_time: now(), done_time: null,
        }),
      },
    ];
    const rowsOf = async (table: string, project: string) =>
      Number((await app.rouge.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('project', '=', project).executeTakeFirstOrThrow()).n);
    it('answers a create in a project that does not exist with 404 PROJECT_NOT_FOUND and stores nothing', async () => {
      for (const h of HELD) {
        const made = await h.create('nowhere');
        expect(made, h.what).toMatchObject({ status: 404, reason: 'PROJECT_NOT_FOUND' });
        expect(made.message).toContain('nowhere');
        expect(await rowsOf(h.table, 'nowhere')).toBe(0);
      }
    });

    for (const h of HELD) {
      it(`never leaves ${h.what} in a deleted project when its create races the delete`, async () => {
        for (let round = 0; round < 5; round++) {
          const project = `race-${round}`;
          await create({ name: project });
          const [made, del] = await Promise.all([h.create(project), app.inject({ method: 'DELETE', url: `/v1/projects/${project}` })]);
          if (del.statusCode === 200) {
            expect(made).toMatchObject({ status: 404, reason: 'PROJECT_NOT_FOUND' });
            expect(await rowsOf(h.table, project)).toBe(0);
          } else {
            expect(reasonOf(del)).toBe('PROJECT_NOT_EMPTY');
            expect(del.json().error.message).toContain(`1 ${h.counted}`);
            expect(made).toEqual({ status: 200 });
            expect(await rowsOf(h.table, project)).toBe(1);
            expect((await app.inject({ url: `/v1/projects/${project}` })).statusCode).toBe(200);
          }
        }
      });

      it(`refuses ${h.what} created while the delete of its project is committing`, async () => {
        await create({ name: 'doomed' });
        const { deleted, written } = await writeDuringDelete(app, kind, 'doomed', () => h.create('doomed'));
        expect(deleted.statusCode).toBe(200);
        expect(written).toMatchObject({ status: 404, reason: 'PROJECT_NOT_FOUND' });
        expect(await rowsOf(h.table, 'doomed')).toBe(0);
      });

      it.runIf(kind === 'postgres')(`makes a delete wait for ${h.what} being created, then count it (PostgreSQL only: SQLite runs one write transaction at a time, so there is no row lock to wait on)`, async () => {
        await create({ name: 'racy' });
        const { written, deleted } = await deleteDuringPausedWrite(app, 'racy', { table: h.table, row: h.blocker('racy') }, () => h.create('racy'));
        expect(written).toEqual({ status: 200 });
        expect(deleted.statusCode).toBe(400);
        expect(reasonOf(deleted)).toBe('PROJECT_NOT_EMPTY');
        expect(deleted.json().error.message).toContain(`1 ${h.counted}`);
        expect(await rowsOf(h.table, 'racy')).toBe(1);
        expect((await app.inject({ url: '/v1/projects/racy' })).statusCode).toBe(200);
      });
    }
  });

  describe('bad input leaves the store unchanged', () => {
    const cases: Array<[string, unknown, number, string, RegExp]> = [
      ['malformed JSON', '{"name": "x"', 400, 'MALFORMED_JSON', /not valid JSON/],
      ['a body that is an array', '[]', 400, 'BODY_NOT_OBJECT', /must be a JSON object, got an array/],
      ['a body that is a string', '"data-science"', 400, 'BODY_NOT_OBJECT', /got a string/],
      ['an unknown field', { name: 'ok-name', owner: 'me' }, 400, 'UNKNOWN_FIELD', /Unknown field owner; allowed fields here are name, displayName, timeZone/],
      ['a missing name', { displayName: 'x' }, 400, 'MISSING_FIELD', /Missing required field name/],
      ['a name of the wrong type', { name: 42 }, 400, 'INVALID_FIELD', /Invalid name: must be string/],
      ['a name too long', { name: `a${'b'.repeat(63)}` }, 400, 'INVALID_FIELD', /Invalid name: must match pattern.*2 to 63 characters/],
      ['a name with path characters', { name: 'a/../b' }, 400, 'INVALID_FIELD', /Invalid name/],
      ['a name with SQL characters', { name: "x'; drop table projects; --" }, 400, 'INVALID_FIELD', /Invalid name/],
      ['an upper-case name', { name: 'DataScience' }, 400, 'INVALID_FIELD', /lower-case letters/],
      ['a displayName too long', { name: 'ok-name', displayName: 'x'.repeat(129) }, 400, 'INVALID_FIELD', /Invalid displayName/],
      ['an unknown time zone', { name: 'ok-name', timeZone: 'Mars/Olympus' }, 400, 'INVALID_TIME_ZONE', /not an IANA time zone/],
      ['an empty body', '', 400, 'EMPTY_BODY', /empty/],
    ];
    for (const [what, body, status, reason, message] of cases) {
      it(`answers ${what} with ${status} ${reason}`, async () => {
        const res = await create(body);
        expect(res.statusCode).toBe(status);
        expect(res.json().error.status).toBe('INVALID_ARGUMENT');
        expect(reasonOf(res)).toBe(reason);
        expect(res.json().error.message).toMatch(message);
        expect(await count()).toBe(0);
      });
    }

    it('answers an oversized body with 413 BODY_TOO_LARGE', async () => {
      const res = await create({ name: 'big', displayName: 'x'.repeat(2 * 1024 * 1024) });
      expect(res.statusCode).toBe(413);
      expect(reasonOf(res)).toBe('BODY_TOO_LARGE');
      expect(await count()).toBe(0);
    });

    it('answers a non-JSON content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await app.inject({ method: 'POST', url: '/v1/projects', headers: { 'content-type': 'text/plain' }, payload: 'name=x' });
      expect(res.statusCode).toBe(415);
      expect(reasonOf(res)).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers a bad project name in the path with 400', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/projects/Bad%20Name' });
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('INVALID_FIELD');
      expect(res.json().error.message).toContain('params.project');
    });

    it('answers a bad pageSize with 400 naming the parameter', async () => {
      const res = await app.inject({ method: 'GET', url: '/v1/projects?pageSize=0' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain('query.pageSize');
    });
  });
});
