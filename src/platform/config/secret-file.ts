import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A server-side secret for the embedded setup: the configured value when
 * there is one (production requires it), else one generated once into
 * `<data-dir>/<file>` (mode 0600) so it survives restarts, or per process for
 * an in-memory store.
 */
export function dataDirSecret(configured: string | undefined, dataDir: string, file: string): string {
  if (configured) return configured;
  if (dataDir === ':memory:') return randomBytes(32).toString('base64url');
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process of the same data dir wrote it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw e;
  }
  chmodSync(path, 0o600);
  return secret;
}
