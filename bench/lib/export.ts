/**
 * Which build of Rouge a benchmark serves. By default a commit (HEAD) exported
 * with `git archive` and built in a private directory, so uncommitted edits in
 * the working tree neither break nor leak into the measurement; or, with
 * BENCH_ROUGE_DIR, another checkout as it is.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './root.js';

/** The settings that choose the served build, the same in every benchmark that builds one. */
export interface BuildSettings {
  /** BENCH_ROUGE_DIR: serve this checkout as it is instead of an export. */
  explicitDir: string | undefined;
  /** BENCH_REF: the commit to export and serve (default HEAD). */
  ref: string;
  /** BENCH_SKIP_BUILD=1: do not build first. */
  skipBuild: boolean;
}

/** Reads BENCH_ROUGE_DIR, BENCH_REF and BENCH_SKIP_BUILD. */
export function buildSettings(): BuildSettings {
  return {
    explicitDir: process.env.BENCH_ROUGE_DIR ? resolve(process.env.BENCH_ROUGE_DIR) : undefined,
    ref: process.env.BENCH_REF || 'HEAD',
    skipBuild: process.env.BENCH_SKIP_BUILD === '1',
  };
}

/** Runs git in `cwd` (this checkout by default) and returns its trimmed stdout; throws on failure. */
export function git(args: string[], cwd = ROOT): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }).trim();
}

/**
 * How a benchmark runs a build step (its name, argv, working directory) to the
 * end, throwing if it fails; each benchmark keeps its own failure message.
 */
export type RunStep = (name: string, argv: string[], cwd: string) => Promise<unknown>;

/**
 * Exports `ref` with `git archive` into <tmpdir>/<dirPrefix><commit> (once;
 * later runs reuse it), links this checkout's node_modules into it, and builds
 * it there with tsc unless `skipBuild`. The build info goes into the export,
 * not into the shared node_modules/.cache, so the working tree's incremental
 * builds are untouched. Read-only for this repository: no checkout, no stash,
 * no index change.
 */
export async function exportCommit(ref: string, opts: { dirPrefix: string; skipBuild: boolean; run: RunStep }): Promise<{ dir: string; commit: string }> {
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const dir = join(tmpdir(), `${opts.dirPrefix}${commit.slice(0, 12)}`);
  const marker = join(dir, '.bench-export-complete');
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.log(`Exporting ${commit} to ${dir} ...`);
    execFileSync('sh', ['-c', 'git archive --format=tar "$1" | tar -x -C "$2"', 'sh', commit, dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'BENCH_REVISION'), `commit ${commit}\n`);
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  }
  if (!opts.skipBuild) {
    console.log(`Building the export (tsc -p tsconfig.build.json in ${dir}) ...`);
    await opts.run('tsc', [process.execPath, join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--tsBuildInfoFile', join(dir, '.bench-tsbuildinfo')], dir);
  }
  return { dir, commit };
}

/**
 * An export runs on this checkout's node_modules. Compares each runtime
 * dependency's installed version with the version the commit's lockfile pins,
 * and says where they differ.
 */
export function dependencyDrift(commit: string): string[] {
  const out: string[] = [];
  try {
    const pkg = JSON.parse(git(['show', `${commit}:package.json`])) as { dependencies?: Record<string, string> };
    const lock = JSON.parse(git(['show', `${commit}:package-lock.json`])) as { packages?: Record<string, { version?: string }> };
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      const want = lock.packages?.[`node_modules/${name}`]?.version;
      let installed: string | undefined;
      try {
        installed = (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
      } catch {
        installed = undefined;
      }
      if (installed !== want) out.push(`${name}: the commit's lockfile pins ${want ?? '(nothing)'}, node_modules has ${installed ?? '(missing)'}`);
    }
  } catch (e) {
    out.push(`could not compare dependencies: ${(e as Error).message.split('\n')[0]}`);
  }
  return out;
}

/**
 * The commit of an explicit BENCH_ROUGE_DIR checkout, and whether its src has
 * uncommitted changes. When `dir` is not a git checkout: with
 * `readRevisionFile`, the BENCH_REVISION an export wrote there; otherwise, or
 * without one, 'revision unknown'.
 */
export function explicitDirRevision(dir: string, opts: { readRevisionFile: boolean }): string {
  try {
    const commit = git(['rev-parse', 'HEAD'], dir);
    const dirty = git(['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no', '--', 'src'], dir);
    return `commit ${commit}${dirty ? ', src has uncommitted changes' : ''}`;
  } catch {
    if (!opts.readRevisionFile) return 'revision unknown';
    try {
      return readFileSync(join(dir, 'BENCH_REVISION'), 'utf8').trim();
    } catch {
      return 'revision unknown';
    }
  }
}
