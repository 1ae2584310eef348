/**
 * A whole Rouge module in one file: the smallest example of the module
 * contract (docs/architecture.md). Notes live in a project; viewers read them,
 * editors write them, a module role `noteTaker` may only add them, a binding
 * may name one note (`notes/{id}`), the storefront-facing read is served on
 * `inference`, and a job on `worker` archives a note. A real module splits
 * this into routes.ts, service.ts and store.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { defineError, nowIso, type Jobs, type ProjectHold, type RougeModule, type Store } from '../../src/platform/index.js';

interface NoteRow { project: string; id: string; text: string; archived: number; create_time: string }
interface NotesTables { notes: NoteRow }

export const NOTE_NOT_FOUND = defineError('NOTE_NOT_FOUND', 404, 'NOT_FOUND', (p: { note: string }) => `Note ${p.note} does not exist; list notes with GET .../notes.`);

/** The notes service: every query takes the project. */
export class NoteService {
  private readonly db: Kysely<NotesTables>;
  constructor(store: Store, private readonly jobs: Jobs, private readonly hold: ProjectHold) {
    this.db = store.typed<NotesTables>();
  }
  async add(project: string, id: string, text: string): Promise<NoteRow> {
    const row = { project, id, text, archived: 0, create_time: nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await this.hold(project, trx);
      await trx.insertInto('notes').values(row).execute();
    });
    return row;
  }
  async get(project: string, id: string): Promise<NoteRow> {
    const row = await this.db.selectFrom('notes').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
    if (!row) throw NOTE_NOT_FOUND({ note: `projects/${project}/notes/${id}` });
    return row;
  }
  async exists(project: string, id: string): Promise<boolean> {
    return (await this.db.selectFrom('notes').select('id').where('project', '=', project).where('id', '=', id).executeTakeFirst()) !== undefined;
  }
  async count(project: string, db: Kysely<any>): Promise<number> {
    const { n } = await (db as Kysely<NotesTables>).selectFrom('notes').select((eb) => eb.fn.countAll<number>().as('n')).where('project', '=', project).executeTakeFirstOrThrow();
    return Number(n);
  }
  /** Archiving is long work in spirit: it runs as a job and returns an Operation. */
  archive(project: string, id: string) {
    return this.jobs.enqueue(project, 'notes.archive', { id });
  }
  async markArchived(project: string, id: string): Promise<void> {
    await this.db.updateTable('notes').set({ archived: 1 }).where('project', '=', project).where('id', '=', id).execute();
  }
}

const Note = Type.Object({ id: Type.String(), text: Type.String(), archived: Type.Boolean() });
const view = (r: NoteRow) => ({ id: r.id, text: r.text, archived: r.archived === 1 });

function registerApiRoutes(app: FastifyInstance, notes: NoteService): void {
  app.post<{ Params: { project: string }; Body: { id: string; text: string } }>('/v1/projects/:project/notes', {
    config: { permission: 'notes.notes.create' },
    schema: { params: Type.Object({ project: Type.String() }), body: Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }), text: Type.String({ maxLength: 1000 }) }), response: { 200: Note } },
  }, async (req) => view(await notes.add(req.params.project, req.body.id, req.body.text)));
  app.post<{ Params: { project: string; note: string } }>('/v1/projects/:project/notes/:note(^[^:/]+)::archive', {
    config: { permission: 'notes.notes.update', resource: (p) => `notes/${p.note}` },
    schema: { params: Type.Object({ project: Type.String(), note: Type.String() }) },
  }, async (req) => notes.archive(req.params.project, req.params.note));
}

function registerInferenceRoutes(app: FastifyInstance, notes: NoteService): void {
  app.get<{ Params: { project: string; note: string } }>('/v1/projects/:project/notes/:note', {
    config: { permission: 'notes.notes.get', resource: (p) => `notes/${p.note}`, exposure: 'public' },
    schema: { params: Type.Object({ project: Type.String(), note: Type.String() }), response: { 200: Note } },
  }, async (req) => view(await notes.get(req.params.project, req.params.note)));
}

/** The example module: what `buildApp` reads and builds. */
export const notesModule: RougeModule<{ notes: NoteService }> = {
  name: 'notes',
  migrations: {
    '0001_notes': {
      async up(db) {
        await db.schema.createTable('notes')
          .addColumn('project', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('create_time', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('notes_pk', ['project', 'id'])
          .execute();
      },
    },
  },
  permissions: { viewer: ['notes.notes.get'], editor: ['notes.notes.create', 'notes.notes.update'] },
  roles: [{ name: 'noteTaker', description: 'adds notes and reads them, nothing else', permissions: ['notes.notes.create', 'notes.notes.get'] }],
  setup(ctx) {
    const notes = new NoteService(ctx.store, ctx.jobs, ctx.hold);
    let started = false;
    return {
      face: { notes },
      routes: { api: (app) => registerApiRoutes(app, notes), inference: (app) => registerInferenceRoutes(app, notes) },
      jobs: [{ kind: 'notes.archive', handler: async (payload: { id: string }, job) => notes.markArchived(job.project, payload.id) }],
      resources: [{ collection: 'notes', exists: (project, id) => notes.exists(project, id) }],
      readiness: async () => (started ? undefined : 'notes are warming up'),
      countInProject: async (project, db) => ({ kind: 'notes', count: await notes.count(project, db) }),
      start: () => {
        started = true;
      },
    };
  },
};
