import type { Kysely } from 'kysely';
import type { Store } from '../store/index.js';
import type { AuditRow, IamTables } from './tables.js';

/** A parsed audit filter: equality on text fields and a time range. */
export interface AuditFilter {
  principal?: string;
  permission?: string;
  result?: string;
  method?: string;
  resource?: string;
  timeFrom?: string;
  timeTo?: string;
}

/** Append-only audit log; every read is scoped to one project (or '' for the organisation). */
export class AuditStore {
  private readonly db: Kysely<IamTables>;
  constructor(store: Store) {
    this.db = store.typed<IamTables>();
  }

  async append(row: AuditRow): Promise<void> {
    await this.db.insertInto('audit_log').values(row).execute();
  }

  /** Newest first; `before` is the id of the last entry of the previous page. */
  list(project: string, filter: AuditFilter, limit: number, before?: string): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('project', '=', project);
    if (filter.principal) q = q.where('principal', '=', filter.principal);
    if (filter.permission) q = q.where('permission', '=', filter.permission);
    if (filter.result) q = q.where('result', '=', filter.result);
    if (filter.method) q = q.where('method', '=', filter.method);
    if (filter.resource) q = q.where('resource', '=', filter.resource);
    if (filter.timeFrom) q = q.where('time', '>=', filter.timeFrom);
    if (filter.timeTo) q = q.where('time', '<', filter.timeTo);
    if (before) q = q.where('id', '<', before);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }
}
