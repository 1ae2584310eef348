import { CacheUnreachableError, ConfigError, DataDirLockedError, SingleProcessLockError, StoreUnreachableError } from '../platform/index.js';

/**
 * Prints why the server could not start and exits: 2 for a bad setting (the
 * operator must change the command), 1 for anything else (a store or cache
 * that is down, a data dir that cannot hold the store). Each known failure is
 * one line naming what failed and the setting to check, never a stack.
 */
export function exitOnStartupError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`rouge: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof StoreUnreachableError) {
    const cause = err.cause as { errors?: Array<{ message?: string }>; code?: string } | undefined;
    const detail = cause?.errors?.[0]?.message ?? cause?.code;
    process.stderr.write(`rouge: ${err.message}${detail && !err.message.includes(detail) ? ` (${detail})` : ''}\n`);
    process.stderr.write(
      err.dialect === 'sqlite'
        ? 'rouge: point --data-dir / ROUGE_DATA_DIR at a directory Rouge can create and write\n'
        : 'rouge: start the database, or check --database-url / DATABASE_URL\n',
    );
    process.exit(1);
  }
  if (err instanceof CacheUnreachableError) {
    process.stderr.write(`rouge: ${err.message}\n`);
    process.stderr.write('rouge: start Redis, or check --redis-url / REDIS_URL (without it the cache lives in memory)\n');
    process.exit(1);
  }
  if (err instanceof SingleProcessLockError || err instanceof DataDirLockedError) {
    process.stderr.write(`rouge: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`rouge: failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
}
