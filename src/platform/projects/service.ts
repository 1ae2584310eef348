import type { Kysely } from 'kysely';
import { cutPage, type PageRequest } from '../http/pagination.js';
import { nowIso } from '../store/index.js';
import * as errors from './errors.js';
import type { ProjectRow, ProjectStore } from './store.js';
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
 * resources is not deleted from under them. Modules register one each.
 */
export type ProjectResourceCounter = (project: string) => Promise<{ kind: string; count: number }>;

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
  private readonly counters: ProjectResourceCounter[] = [];
  private readonly deletionHooks: ProjectDeletionHook[] = [];

  constructor(private readonly store: ProjectStore, private readonly events: EventOutbox) {}

  /** Lets a module refuse project deletion while it holds resources there. */
  registerResourceCounter(counter: ProjectResourceCounter): void {
    this.counters.push(counter);
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
    await this.events.transaction(async (trx, emit) => {
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

  async delete(name: string): Promise<void> {
    await this.require(name);
    const held = (await Promise.all(this.counters.map((c) => c(name)))).filter((h) => h.count > 0);
    if (held.length > 0) {
      throw errors.PROJECT_NOT_EMPTY({ project: name, holds: held.map((h) => `${h.count} ${h.kind}`).join(', ') });
    }
    await this.events.transaction(async (trx, emit) => {
      if (!(await this.store.delete(name, trx))) throw errors.PROJECT_NOT_FOUND({ project: name });
      for (const hook of this.deletionHooks) await hook(trx, name);
      emit(name, { type: 'rouge.project.deleted', subject: `projects/${name}`, data: { name: `projects/${name}` } });
    });
  }
}
