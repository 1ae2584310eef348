import type { Kysely } from 'kysely';
import type { CheckedFilter } from '../filter/index.js';
import type { Store } from '../store/index.js';
import { auditFilterSql } from './audit-filter.js';
import type { AuditRow, IamTables } from './tables.js';

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
  list(project: string, filter: CheckedFilter | undefined, limit: number, before?: string): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('project', '=', project);
    if (filter) q = q.where(auditFilterSql(filter));
    if (before) q = q.where('id', '<', before);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }
}
