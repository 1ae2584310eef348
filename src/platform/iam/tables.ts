import type { Kysely, Migration } from 'kysely';

/** Row types of the IAM tables (see migrations.ts). */
export interface IamTables {
  users: { name: string; display_name: string; create_time: string };
  service_accounts: { project: string; name: string; display_name: string; description: string; create_time: string };
  api_keys: {
    key_id: string;
    project: string;
    principal: string;
    secret_hash: string;
    display_name: string;
    create_time: string;
    expire_time: string;
    revoke_time: string | null;
    last_used_time: string | null;
  };
  role_bindings: { project: string; principal: string; role: string; resource: string; create_time: string };
  audit_log: {
    project: string;
    id: string;
    time: string;
    principal: string;
    permission: string;
    resource: string;
    method: string;
    path: string;
    result: string;
    status_code: number;
    reason: string | null;
    request_id: string;
    ip: string;
    user_agent: string;
    /** Calls this entry stands for: 1, or a minute's refusals of one principal and permission (DenialAudit). */
    count: number;
  };
}

export type UserRow = IamTables['users'];
export type ServiceAccountRow = IamTables['service_accounts'];
export type ApiKeyRow = IamTables['api_keys'];
export type BindingRow = IamTables['role_bindings'];
export type AuditRow = IamTables['audit_log'];

/** The empty project: org-level rows. */
export const ORG = '';

/** `audit_log.count`: refused data-plane calls and reads are recorded as one entry per minute with their number. */
export const auditCountMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('audit_log').addColumn('count', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  },
};
