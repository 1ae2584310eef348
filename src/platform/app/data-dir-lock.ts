import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Thrown when another live Rouge process serves from the same embedded data directory. */
export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(`another Rouge (pid ${pid}) is already serving from ${dir}; SQLite is for one process: stop it, or give this one its own --data-dir`);
    this.name = 'DataDirLockedError';
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes `<dataDir>/rouge.pid` for this process, so a second `rouge serve` on
 * the same embedded store refuses to start instead of sharing one SQLite file
 * between two processes whose caches never hear of each other's changes. A
 * file left by a process that died (kill -9) names a pid that is gone and is
 * taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => Promise<void> {
  const file = join(dataDir, 'rouge.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return async () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DataDirLockedError(dataDir, pid);
      rmSync(file, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`could not take ${file}`);
}
