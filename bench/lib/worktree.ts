/**
 * Serving the working tree as it is now, for a benchmark of code that is not
 * committed yet: the files git would see (tracked and untracked, minus what
 * .gitignore drops, minus tracked files deleted in the tree) are copied into
 * <tmpdir>/<dirPrefix><head>-<digest of their contents>, this checkout's
 * node_modules linked in, and built there with tsc. Other people's edits made
 * after the copy neither break nor leak into the measurement, and the digest
 * names exactly what was measured. Read-only for this repository: `git
 * ls-files` and `git rev-parse` only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './export.js';
import { ROOT } from './root.js';

export interface WorktreeSnapshot {
  dir: string;
  /** e.g. "HEAD 4c1341a + working tree (uncommitted changes), files digest 1a2b3c4d5e6f". */
  revision: string;
  /** tsc's complaints when it emitted despite type errors (someone's edit in progress), else empty. */
  typeErrors: string[];
}

/** Copies the working tree into a private directory (once per distinct content) and builds it unless `skipBuild`. */
export function snapshotWorktree(opts: { dirPrefix: string; skipBuild: boolean }): WorktreeSnapshot {
  const head = git(['rev-parse', 'HEAD']);
  const files = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile())
    .sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f);
    h.update('\0');
    h.update(readFileSync(join(ROOT, f)));
    h.update('\0');
  }
  const digest = h.digest('hex').slice(0, 12);
  const dirty = git(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=normal']) !== '';
  const dir = join(tmpdir(), `${opts.dirPrefix}${head.slice(0, 12)}-${digest}`);
  const marker = join(dir, '.bench-snapshot-complete');
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.log(`Copying the working tree (${files.length} files) to ${dir} ...`);
    const list = join(dir, '.bench-files');
    writeFileSync(list, files.join('\0'));
    execFileSync('sh', ['-c', 'tar --null -T "$1" -cf - | tar -x -C "$2"', 'sh', list, dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'BENCH_REVISION'), `HEAD ${head} + working tree, files digest ${digest}\n`);
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  }
  const typeErrors: string[] = [];
  if (!opts.skipBuild) {
    console.log(`Building the snapshot (tsc -p tsconfig.build.json in ${dir}) ...`);
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--tsBuildInfoFile', join(dir, '.bench-tsbuildinfo')], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) {
      const lines = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim());
      // tsc emits despite type errors; a missing entry point is the failure that matters.
      if (!existsSync(join(dir, 'dist', 'cli', 'main.js'))) throw new Error(`tsc failed in ${dir}:\n  ${lines.slice(0, 30).join('\n  ')}`);
      typeErrors.push(...lines.slice(0, 20));
    }
  }
  return { dir, revision: `HEAD ${head.slice(0, 12)}${dirty ? ' + uncommitted working tree' : ''}, files digest ${digest}`, typeErrors };
}
