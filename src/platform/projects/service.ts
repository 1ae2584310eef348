import type { Kysely, Transaction } from 'kysely';
import { cutPage, type PageRequest } from '../http/pagination.js';
import { nowIso } from '../store/index.js';
import * as errors from './errors.js';
import type { ProjectRow, ProjectStore, ProjectsTable } from './store.js';
import type { EventOutbox } from '../events/index.js';

/** A project as the API shows it (AIP-122: `name` is the resource name). */
export interface Project {
  name: string;
  projectId: string;
  displayName: string;
  timeZone: string;
  createTime: string;
  updateTime: string;
}

export interface CreateProject {
  name: string;
  displayName?: string;
  timeZone?: string;
}

/**
 * Counts what a module holds in a project, so a project that still holds
 * resources is not deleted from under them. Modules register one each. A
 * counter registered with `{ inTransaction: true }` is given the deleting
 * transaction as `db` and must count through it; others get no `db`.
 */
export type ProjectResourceCounter = (project: string, db?: Kysely<any>) => Promise<{ kind: string; count: number }>;

/** How a resource counter is run; see ProjectService.registerResourceCounter. */
export interface ResourceCounterOptions {
  /**
   * Count inside the deleting transaction, through the `db` the counter is
   * given, so the check and the delete are one atomic step. Off by default:
   * a counter that queries through its own store handle must not run inside
   * the transaction, because on SQLite the one connection is the
   * transaction's until it ends, and such a query would wait for ever.
   */
  inTransaction?: boolean;
}

/**
 * Checks, inside a create's transaction, that the project exists and keeps it
 * from being deleted until that transaction ends (ProjectService.hold). The app
 * hands modules this function rather than the ProjectService, so they need not
 * import the projects module.
 *
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await hold(project, trx); // throws PROJECT_NOT_FOUND
 *   await trx.insertInto('widgets').values(row).execute();
 * });
 */
export type ProjectHold = (project: string, trx: Kysely<any>) => Promise<void>;

/** Removes a module's rows that belong to a deleted project, inside the deleting transaction. */
export type ProjectDeletionHook = (trx: Kysely<any>, project: string) => Promise<void>;

function toProject(row: ProjectRow): Project {
  return {
    name: `projects/${row.name}`,
    projectId: row.name,
    displayName: row.display_name,
    timeZone: row.time_zone,
    createTime: row.create_time,
    updateTime: row.update_time,
  };
}

/**
 * An IANA zone name as ICU knows it. Intl.supportedValuesOf lists only canonical
 * names (Asia/Calcutta, not Asia/Kolkata), so ask the formatter instead, and
 * keep to the Area/Location shape so offsets like "+05:30" are not taken.
 */
function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z_]*(\/[A-Za-z0-9_+\-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Projects: the isolation unit every other resource lives in. */
export class ProjectService {
  private readonly counters: Array<{ count: ProjectResourceCounter; inTransaction: boolean }> = [];
  private readonly deletionHooks: ProjectDeletionHook[] = [];

  constructor(private readonly store: ProjectStore, private readonly events: EventOutbox) {}

  /**
   * Lets a module refuse project deletion while it holds resources there.
   * Counters without `inTransaction` are asked before the deleting transaction
   * begins, so a resource created between their count and the commit is left
   * in a project that no longer exists; register with `{ inTransaction: true }`
   * and count through the given `db` to close that gap.
   *
   * @example
   * projects.registerResourceCounter(async (p, db) => ({ kind: 'models', count: await models.count(p, db) }), { inTransaction: true });
   */
  registerResourceCounter(counter: ProjectResourceCounter, options: ResourceCounterOptions = {}): void {
    this.counters.push({ count: counter, inTransaction: options.inTransaction === true });
  }

  /** Lets a module delete its rows of a project in the same transaction as the project. */
  registerDeletionHook(hook: ProjectDeletionHook): void {
    this.deletionHooks.push(hook);
  }

  async create(input: CreateProject): Promise<Project> {
    const timeZone = input.timeZone ?? 'UTC';
    if (!isTimeZone(timeZone)) throw errors.INVALID_TIME_ZONE({ timeZone });
    const now = nowIso();
    const row: ProjectRow = { name: input.name, display_name: input.displayName ?? input.name, time_zone: timeZone, create_time: now, update_time: now };
    const project = toProject(row);
    await this.events.transaction(async (trx: Transaction<ProjectsTable>, emit) => {
      // Throwing inside rolls the transaction back, so no event outlives a refused create.
      if (!(await this.store.insert(row, trx))) throw errors.PROJECT_ALREADY_EXISTS({ project: input.name });
      emit(input.name, { type: 'rouge.project.created', subject: project.name, data: project });
    });
    return project;
  }

  async get(name: string): Promise<Project> {
    const row = await this.store.get(name);
    if (!row) throw errors.PROJECT_NOT_FOUND({ project: name });
    return toProject(row);
  }

  /** Throws PROJECT_NOT_FOUND unless the project exists. */
  async require(name: string): Promise<void> {
    await this.get(name);
  }

  /** Lists all projects, or only those named in `visible` (the caller's, when not an org admin). */
  async list(page: PageRequest, visible: string[] | 'all' = 'all'): Promise<{ projects: Project[]; nextPageToken?: string }> {
    const rows = visible === 'all' ? await this.store.list(page.pageSize + 1, page.after?.[0]) : await this.store.listAmong(visible, page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.name]);
    return { projects: items.map(toProject), ...(nextPageToken ? { nextPageToken } : {}) };
  }

  /**
   * Checks, inside the caller's transaction, that the project exists, and
   * keeps it from being deleted until that transaction ends. A module calls it
   * in the transaction that creates a resource in the project: with its
   * counter registered `inTransaction`, a concurrent delete then either waits
   * for the create and counts the new resource, or commits first and the
   * create fails here with PROJECT_NOT_FOUND. Either way nothing is orphaned.
   */
  async hold(project: string, trx: Kysely<any>): Promise<void> {
    if (!(await this.store.hold(project, trx))) throw errors.PROJECT_NOT_FOUND({ project });
  }

  /**
   * Deletes an empty project. The row is deleted first and the in-transaction
   * counters run after, so the row's lock (PostgreSQL) or the write lock
   * (SQLite) is held while they count, and a refusal rolls the delete back.
   */
  async delete(name: string): Promise<void> {
    await this.require(name);
    await this.refuseIfHeld(name, this.counters.filter((c) => !c.inTransaction));
    await this.events.transaction(async (trx: Transaction<ProjectsTable>, emit) => {
      if (!(await this.store.delete(name, trx))) throw errors.PROJECT_NOT_FOUND({ project: name });
      await this.refuseIfHeld(name, this.counters.filter((c) => c.inTransaction), trx);
      for (const hook of this.deletionHooks) await hook(trx, name);
      emit(name, { type: 'rouge.project.deleted', subject: `projects/${name}`, data: { name: `projects/${name}` } });
    });
  }

  private async refuseIfHeld(name: string, counters: Array<{ count: ProjectResourceCounter }>, db?: Kysely<any>): Promise<void> {
    // One at a time inside a transaction: its queries share one connection anyway,
    // and a failing counter must not leave others querying a transaction being rolled back.
    const held: Array<{ kind: string; count: number }> = [];
    if (db) for (const c of counters) held.push(await c.count(name, db));
    else held.push(...(await Promise.all(counters.map((c) => c.count(name)))));
    const holding = held.filter((h) => h.count > 0);
    if (holding.length > 0) {
      throw errors.PROJECT_NOT_EMPTY({ project: name, holds: holding.map((h) => `${h.count} ${h.kind}`).join(', ') });
    }
  }
}
