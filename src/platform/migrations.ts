import type { ModuleMigrations } from './store/index.js';
import { projectsMigration } from './projects/index.js';
import { idempotencyMigration } from './http/index.js';
import { auditCountMigration, iamMigration } from './iam/index.js';
import { jobRequestHashMigration, jobsMigration } from './jobs/index.js';
import { eventsMigration } from './events/index.js';
import { applyRecordsMigration } from './apply/index.js';

/** The platform's own schema, applied before any other module's. */
export const platformMigrations: ModuleMigrations = {
  module: 'platform',
  migrations: {
    '0001_projects': projectsMigration,
    '0002_idempotency': idempotencyMigration,
    '0003_iam': iamMigration,
    '0004_jobs': jobsMigration,
    '0005_events': eventsMigration,
    '0006_job_request_hash': jobRequestHashMigration,
    '0007_audit_count': auditCountMigration,
    '0008_apply_records': applyRecordsMigration,
  },
};
