import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** Runs the real `rouge` command (from TypeScript source through tsx) and collects its output. */
function rouge(args: string[], env: Record<string, string> = {}, cwd = mkdtempSync(join(tmpdir(), 'rouge-cli-'))) {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitFor(check: () => boolean, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('rouge serve', () => {
  it('prints where it listens and where its data lives, serves, and exits 0 on SIGTERM', async () => {
    const p = rouge(['serve', '--port', '0', '--log-level', 'warn']);
    await waitFor(() => /Store: /.test(p.out()));
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(p.out())![1]);
    expect(p.out()).toMatch(/roles: api, inference, worker/);
    expect(p.out()).toMatch(/Store: SQLite at .*\.rouge\/rouge\.db/);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await res.json()).toEqual({ status: 'ready', store: 'sqlite' });
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out()).toContain('SIGTERM received');
  });

  it('prints a generated admin key on the first start only, and that key works', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rouge-first-'));
    const first = rouge(['serve', '--port', '0', '--log-level', 'warn'], {}, cwd);
    await waitFor(() => /Save it now/.test(first.out()));
    const key = /^\s+(rk_\w+)$/m.exec(first.out())![1]!;
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(first.out())![1]);
    const me = await fetch(`http://127.0.0.1:${port}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toMatchObject({ principal: 'user:admin', orgAdmin: true });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const second = rouge(['serve', '--port', '0', '--log-level', 'warn'], {}, cwd);
    await waitFor(() => /Store: /.test(second.out()));
    expect(second.out()).not.toContain('rk_');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('refuses a second rouge serve on the same embedded data dir, and takes over the lock of one that died', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rouge-lock-'));
    const first = rouge(['serve', '--port', '0', '--log-level', 'warn'], {}, cwd);
    await waitFor(() => /Store: /.test(first.out()));
    const second = rouge(['serve', '--port', '0', '--log-level', 'warn'], {}, cwd);
    expect(await second.exited).toBe(1);
    expect(second.err()).toMatch(/another Rouge \(pid \d+\) is already serving from .*\.rouge; SQLite is for one process/);
    first.child.kill('SIGKILL');
    await first.exited;
    // A kill -9 leaves the pid file and a staged upload behind: the next start takes both over.
    const tmp = join(cwd, '.rouge', 'tmp');
    mkdirSync(tmp, { recursive: true });
    const stale = join(tmp, 'upload-left-by-a-kill');
    writeFileSync(stale, 'x'.repeat(1000));
    utimesSync(stale, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const third = rouge(['serve', '--port', '0', '--log-level', 'warn'], {}, cwd);
    await waitFor(() => /Store: /.test(third.out()));
    await waitFor(() => !existsSync(stale));
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(existsSync(join(cwd, '.rouge', 'rouge.pid'))).toBe(false);
  });

  it('exits 1 naming the store when PostgreSQL is down at start', async () => {
    const p = rouge(['serve', '--port', '0'], { DATABASE_URL: 'postgres://rouge:pw@127.0.0.1:1/rouge' });
    expect(await p.exited).toBe(1);
    expect(p.err()).toContain('cannot reach the store (PostgreSQL at rouge:***@127.0.0.1:1/rouge)');
    expect(p.err()).not.toContain(':pw@');
  });

  it('exits 1 naming the cache and its setting when Redis is down at start', async () => {
    const p = rouge(['serve', '--port', '0', '--redis-url', `redis://127.0.0.1:${await closedPort()}`]);
    expect(await p.exited).toBe(1);
    const lines = p.err().trim().split('\n');
    expect(lines[0]).toMatch(/^rouge: cannot reach the cache \(Redis at redis:\/\/127\.0\.0\.1:\d+\): /);
    expect(lines[1]).toContain('--redis-url / REDIS_URL');
    expect(p.err()).not.toMatch(/\n\s+at /);
  });

  it('exits 1 naming the store and --data-dir when the data dir is a regular file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rouge-file-'));
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const p = rouge(['serve', '--port', '0', '--data-dir', file]);
    expect(await p.exited).toBe(1);
    const lines = p.err().trim().split('\n');
    expect(lines[0]).toBe(`rouge: cannot open the store (SQLite at ${join(file, 'rouge.db')}): ${file} is a file, not a directory`);
    expect(lines[1]).toContain('--data-dir / ROUGE_DATA_DIR');
    expect(p.err()).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming a bad setting', async () => {
    const p = rouge(['serve', '--port', 'http']);
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain('invalid setting port from --port="http"');
  });

  it('refuses production mode with the embedded store and no TLS', async () => {
    const p = rouge(['serve'], { NODE_ENV: 'production' });
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain('refusing to start in production mode');
  });

  it('says what npm start is doing before the build, so the first 30-45 s are not silent', () => {
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(start.indexOf('compiling TypeScript')).toBeGreaterThanOrEqual(0);
    expect(start.indexOf('compiling TypeScript')).toBeLessThan(start.indexOf('npm run build'));
  });

  it('applies migrations with rouge migrate', async () => {
    const p = rouge(['migrate']);
    expect(await p.exited).toBe(0);
    expect(p.out()).toMatch(/applied \d+ migrations/);
  });
});
