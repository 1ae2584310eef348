import type { Kysely, Migration } from 'kysely';

/** IAM tables. Org-level rows (users, orgAdmin bindings, org audit) use the empty project ''. */
export const iamMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('users')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('service_accounts')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('service_accounts_pk', ['project', 'name'])
      .execute();
    // Keys are looked up by keyId alone when a request arrives, before any project is known.
    await db.schema
      .createTable('api_keys')
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('expire_time', 'text', (c) => c.notNull())
      .addColumn('revoke_time', 'text')
      .addColumn('last_used_time', 'text')
      .execute();
    await db.schema.createIndex('api_keys_principal').on('api_keys').columns(['project', 'principal']).execute();
    await db.schema
      .createTable('role_bindings')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('role_bindings_pk', ['project', 'principal', 'role', 'resource'])
      .execute();
    await db.schema.createIndex('role_bindings_principal').on('role_bindings').columns(['principal', 'project']).execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('permission', 'text', (c) => c.notNull())
      .addColumn('resource', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_log_pk', ['project', 'id'])
      .execute();
  },
};
