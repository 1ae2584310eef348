import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const KEY = /rk_[A-Za-z0-9]+_[A-Za-z0-9]+/;
// Each run starts Node and tsx afresh; on a busy CI machine that is seconds, not milliseconds.
const SLOW = 120_000;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs the real `rouge` command (TypeScript source through tsx) with only the
 * environment given, so the developer's own ROUGE_* variables and profiles
 * never leak in: HOME and XDG_CONFIG_HOME point into a fresh temp dir unless
 * the test names one.
 */
function rouge(args: string[], opts: { env?: Record<string, string>; input?: string; configHome?: string } = {}): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'rouge-cli-home-'));
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: home,
    env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: opts.configHome ?? join(home, '.config'), ...opts.env },
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

let app: FastifyInstance;
let url: string;
/** The environment of a CLI call as the bootstrap admin, with no profile. */
let admin: { env: Record<string, string> };

beforeAll(async () => {
  // keyCacheTtlMs 0: a revocation is visible to the very next request.
  app = await buildTestApp('sqlite', { keyCacheTtlMs: 0 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  admin = { env: { ROUGE_URL: url, ROUGE_API_KEY: ADMIN_KEY } };
});

afterAll(async () => {
  await app.close();
});

const as = (key: string) => ({ env: { ROUGE_URL: url, ROUGE_API_KEY: key } });
const api = async (path: string) => (await app.inject({ method: 'GET', url: path })).json();

describe('rouge login and profiles', () => {
  it('checks the key, saves a 0600 profile in a 0700 directory, and later commands use it', async () => {
    const configHome = mkdtempSync(join(tmpdir(), 'rouge-cli-xdg-'));
    const login = await rouge(['login', '--url', `${url}/`, '--project', 'storefront'], { input: `${ADMIN_KEY}\n`, configHome });
    expect(login.err).toBe('');
    expect(login.code).toBe(0);
    expect(login.out).toContain(`Logged in to ${url} as user:admin (key testadmin01)`);
    expect(login.out + login.err).not.toContain(ADMIN_KEY);

    const file = join(configHome, 'rouge', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'rouge')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ profiles: { default: { url, key: ADMIN_KEY, project: 'storefront' } } });

    const me = await rouge(['whoami'], { configHome });
    expect(me.code).toBe(0);
    expect(me.out).toMatch(/principal:\s+user:admin/);
    expect(me.out).toMatch(/keyId:\s+testadmin01/);
    expect(me.out).toMatch(/default project:\s+storefront/);
    expect(me.out).not.toContain(ADMIN_KEY.slice(15));
  }, SLOW);

  it('keeps named profiles side by side and selects one with --profile or ROUGE_PROFILE', async () => {
    const configHome = mkdtempSync(join(tmpdir(), 'rouge-cli-xdg-'));
    await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'pat' } });
    const patKey = (await app.inject({ method: 'POST', url: '/v1/users/pat/keys', payload: {} })).json().key as string;

    expect((await rouge(['login', '--url', url, '--key', ADMIN_KEY], { configHome })).code).toBe(0);
    // A key piped on stdin; only the first line is read.
    expect((await rouge(['login', '--url', url, '--profile', 'pat'], { configHome, input: `${patKey}\nignored\n` })).code).toBe(0);

    const saved = JSON.parse(readFileSync(join(configHome, 'rouge', 'config.json'), 'utf8'));
    expect(Object.keys(saved.profiles).sort()).toEqual(['default', 'pat']);
    const [byDefault, byFlag, byEnv, missing] = await Promise.all([
      rouge(['whoami'], { configHome }),
      rouge(['whoami', '--profile', 'pat'], { configHome }),
      rouge(['whoami'], { configHome, env: { ROUGE_PROFILE: 'pat' } }),
      rouge(['whoami', '--profile', 'nope'], { configHome }),
    ]);
    expect(byDefault.out).toMatch(/principal:\s+user:admin/);
    expect(byFlag.out).toMatch(/principal:\s+user:pat/);
    expect(byEnv.out).toMatch(/principal:\s+user:pat/);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('rouge login --profile nope');
  }, SLOW);

  it('refuses a bad key with exit 3 and saves nothing', async () => {
    const configHome = mkdtempSync(join(tmpdir(), 'rouge-cli-xdg-'));
    const bad = `rk_nosuchkey1_${'Q'.repeat(43)}`;
    const r = await rouge(['login', '--url', url, '--key', bad], { configHome });
    expect(r.code).toBe(3);
    expect(r.err).toContain('(KEY_INVALID)');
    expect(r.err).toContain('the profile was not saved');
    expect(r.err).not.toContain('Q'.repeat(43));
    expect(existsSync(join(configHome, 'rouge', 'config.json'))).toBe(false);
  }, SLOW);
});

describe('rouge walkthrough: three projects and a service account', () => {
  it('creates projects, a service account and its key, binds it, and the key gets exit 3 where it has no role', async () => {
    const made = await Promise.all(['data-engineering', 'data-science', 'storefront'].map((p) => rouge(['projects', 'create', p], admin)));
    for (const r of made) expect(r.code).toBe(0);
    expect(made[2]!.out).toMatch(/Created project storefront/);

    const sa = await rouge(['service-accounts', 'create', 'web', '--project', 'storefront', '--display-name', 'Web tier'], admin);
    expect(sa.code).toBe(0);
    expect(sa.out).toContain('serviceAccount:web@storefront');

    const created = await rouge(['keys', 'create', 'web@storefront', '--display-name', 'prod'], admin);
    expect(created.code).toBe(0);
    expect(created.out).toContain('Store it now; it cannot be shown again.');
    const key = KEY.exec(created.out)![0];

    const bound = await rouge(['bindings', 'add', '--project', 'data-science', '--principal', 'web@storefront', '--role', 'predictor'], admin);
    expect(bound.code).toBe(0);
    expect(bound.out).toContain('Granted serviceAccount:web@storefront as predictor on project data-science');
    expect((await api('/v1/projects/data-science/bindings')).bindings).toMatchObject([{ principal: 'serviceAccount:web@storefront', role: 'predictor' }]);

    const [me, list, createProject, createSa] = await Promise.all([
      rouge(['whoami'], as(key)),
      rouge(['projects', 'list'], as(key)),
      rouge(['projects', 'create', 'sneaky'], as(key)),
      rouge(['service-accounts', 'create', 'intruder', '--project', 'data-science'], as(key)),
    ]);
    expect(me.code).toBe(0);
    expect(me.out).toMatch(/principal:\s+serviceAccount:web@storefront/);
    expect(me.out).toMatch(/projects:\s+data-science\n/);

    expect(list.out.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['data-science']);

    expect(createProject.code).toBe(3);
    expect(createProject.err).toContain('lacks permission resourcemanager.projects.create');
    expect(createProject.err).toContain('(PERMISSION_DENIED)');
    expect(createProject.err).toContain('rouge bindings add');

    expect(createSa.code).toBe(3);
    expect(createSa.err).toContain('ask a project admin for a binding with role admin');
    expect((await api('/v1/projects/data-science/serviceAccounts')).serviceAccounts).toEqual([]);

    // Both denials are in the audit log: the project's, and the organisation's.
    const [audit, org] = await Promise.all([
      rouge(['audit', '--project', 'data-science', '--since', '1h'], admin),
      rouge(['audit', '--org', '--since', '1h', '--result', 'denied', '--principal', 'web@storefront'], admin),
    ]);
    expect(audit.code).toBe(0);
    expect(audit.out).toMatch(/serviceAccount:web@storefront\s+POST\s+projects\/data-science\/serviceAccounts\s+denied\s+403\s+PERMISSION_DENIED/);
    expect(org.out.trim().split('\n')).toHaveLength(2);
    expect(org.out).toMatch(/serviceAccount:web@storefront\s+POST\s+projects\s+denied/);
  }, SLOW);
});

describe('rouge output', () => {
  it('prints the API body exactly with --json', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'json-check', timeZone: 'Europe/Paris' } });
    const list = await rouge(['projects', 'list', '--json'], admin);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toEqual(await api('/v1/projects?pageSize=100'));
    const got = await rouge(['projects', 'get', 'json-check', '--json'], admin);
    expect(JSON.parse(got.out)).toEqual(await api('/v1/projects/json-check'));
    expect(got.out).toBe(`${JSON.stringify(await api('/v1/projects/json-check'), null, 2)}\n`);
  }, SLOW);

  it('prints aligned tables and key: value lines', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'table-check', displayName: 'Table\u001b[31m check' } });
    const got = await rouge(['projects', 'get', 'table-check'], admin);
    expect(got.out).toMatch(/^name:        projects\/table-check\nprojectId:   table-check\ndisplayName: Table\?\[31m check\n/);
    const list = await rouge(['projects', 'list'], admin);
    const lines = list.out.trim().split('\n');
    expect(lines[0]).toMatch(/^PROJECT\s+DISPLAY NAME\s+TIME ZONE\s+CREATED$/);
    // Every row's second column starts where the header's does.
    const col = lines[0]!.indexOf('DISPLAY NAME');
    for (const l of lines.slice(1)) {
      expect(l[col - 1]).toBe(' ');
      expect(l[col]).not.toBe(' ');
    }
  }, SLOW);

  it('follows nextPageToken to list everything, and caps the audit log at --limit', async () => {
    for (let i = 0; i < 120; i++) await app.inject({ method: 'POST', url: '/v1/users', payload: { name: `bulk-${String(i).padStart(3, '0')}` } });
    const all = (await api('/v1/users?pageSize=1000')).users as unknown[];
    expect(all.length).toBeGreaterThan(120);
    const table = await rouge(['users', 'list'], admin);
    expect(table.out.trim().split('\n')).toHaveLength(all.length + 1);
    const json = JSON.parse((await rouge(['users', 'list', '--json'], admin)).out);
    expect(json).toEqual({ users: all });

    const capped = await rouge(['audit', '--org', '--limit', '3'], admin);
    expect(capped.code).toBe(0);
    expect(capped.out.trim().split('\n')).toHaveLength(4);
    expect(capped.err).toContain('Showing the newest 3 entries; more exist');

    const future = await rouge(['audit', '--org', '--since', new Date(Date.now() + 3_600_000).toISOString()], admin);
    expect(future.code).toBe(0);
    expect(future.out).toBe('');
    expect(future.err).toBe('No audit entries match.\n');
  }, SLOW);
});

describe('rouge exit codes', () => {
  it('exits 1 with the message and reason for an API error', async () => {
    const r = await rouge(['projects', 'get', 'nowhere'], admin);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('rouge: Project nowhere does not exist');
    expect(r.err).toContain('(PROJECT_NOT_FOUND)');
    expect(r.err).toContain('rouge projects list');
  }, SLOW);

  it('exits 2 for usage errors, before sending anything', async () => {
    // Independent runs, started together to keep the test quick.
    const [unknown, principal, required, noProject, since, noUrl, bare, help] = await Promise.all([
      rouge(['projects', 'list', '--bogus'], admin),
      rouge(['keys', 'create', 'Not A Principal'], admin),
      rouge(['bindings', 'add', '--project', 'storefront', '--role', 'viewer'], admin),
      rouge(['service-accounts', 'list'], admin),
      rouge(['audit', '--org', '--since', 'yesterday'], admin),
      rouge(['whoami']),
      rouge(['projects']),
      rouge(['--help']),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("rouge: unknown option '--bogus'");
    expect(principal.code).toBe(2);
    expect(principal.err).toContain('cannot read principal "Not A Principal"');
    expect(required.code).toBe(2);
    expect(required.err).toContain("required option '--principal <principal>' not specified");
    expect(noProject.code).toBe(2);
    expect(noProject.err).toContain('pass --project <project>');
    expect(since.code).toBe(2);
    expect(since.err).toContain("option '--since <when>' argument 'yesterday' is invalid");
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toContain('no Rouge URL configured');
    expect(noUrl.err).toContain('rouge login --url');
    expect(bare.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.out).toContain('service-accounts');
  }, SLOW);

  it('exits 3 for a bad key, says what to do, and never prints the key', async () => {
    const bad = `rk_wrongkey01_${'Z'.repeat(43)}`;
    const r = await rouge(['projects', 'list'], as(bad));
    expect(r.code).toBe(3);
    expect(r.err).toContain('(KEY_INVALID)');
    expect(r.err).toContain('ROUGE_API_KEY');
    expect(r.err).not.toContain('Z'.repeat(43));

    const none = await rouge(['whoami'], { env: { ROUGE_URL: url } });
    expect(none.code).toBe(3);
    expect(none.err).toContain('no API key configured');
  }, SLOW);

  it('exits 1 naming the URL when nothing listens there', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const r = await rouge(['whoami', '--url', `http://127.0.0.1:${port}`, '--key', ADMIN_KEY]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`rouge: cannot reach Rouge at http://127.0.0.1:${port}: is it running? (rouge serve)\n`);
  }, SLOW);
});

describe('rouge keys', () => {
  it('revokes a key so it stops working, and a delayed revoke leaves it working until then', async () => {
    expect((await rouge(['users', 'create', 'carol', '--display-name', 'Carol'], admin)).code).toBe(0);
    const first = KEY.exec((await rouge(['keys', 'create', 'carol'], admin)).out)![0];
    const second = JSON.parse((await rouge(['keys', 'create', 'user:carol', '--ttl-days', '2', '--json'], admin)).out) as { key: string; keyId: string; expireTime: string };
    expect(Date.parse(second.expireTime) - Date.now()).toBeGreaterThan(2 * 86_400_000 - 60_000);
    expect((await rouge(['whoami'], as(first))).code).toBe(0);

    const firstId = first.split('_')[1]!;
    const revoked = await rouge(['keys', 'revoke', 'carol', firstId], admin);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Revoked key ${firstId} of user:carol.`);
    const after = await rouge(['whoami'], as(first));
    expect(after.code).toBe(3);
    expect(after.err).toContain('(KEY_REVOKED)');

    const later = await rouge(['keys', 'revoke', 'carol', second.keyId, '--delay', '1h'], admin);
    expect(later.out).toContain(`Key ${second.keyId} of user:carol stops working at`);
    expect((await rouge(['whoami'], as(second.key))).code).toBe(0);

    const listed = await rouge(['keys', 'list', 'carol'], admin);
    expect(listed.out).toMatch(new RegExp(`${firstId}\\s+REVOKED`));
    expect(listed.out).toMatch(new RegExp(`${second.keyId}\\s+REVOKING`));
    expect(listed.out).not.toMatch(KEY);
  }, SLOW);

  it('removes a binding, and deletes service accounts, users and projects', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'scratch' } });
    await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'dave' } });
    expect((await rouge(['bindings', 'add', '--project', 'scratch', '--principal', 'dave', '--role', 'viewer'], admin)).code).toBe(0);
    const listed = await rouge(['bindings', 'list', '--project', 'scratch', '--principal', 'user:dave'], admin);
    expect(listed.out).toMatch(/user:dave\s+viewer\s+\(project\)/);
    const removed = await rouge(['bindings', 'remove', '--project', 'scratch', '--principal', 'dave', '--role', 'viewer'], admin);
    expect(removed.code).toBe(0);
    expect((await api('/v1/projects/scratch/bindings')).bindings).toEqual([]);
    const again = await rouge(['bindings', 'remove', '--project', 'scratch', '--principal', 'dave', '--role', 'viewer'], admin);
    expect(again.code).toBe(1);
    expect(again.err).toContain('(BINDING_NOT_FOUND)');

    expect((await rouge(['service-accounts', 'create', 'tmp', '--project', 'scratch'], admin)).code).toBe(0);
    expect((await rouge(['service-accounts', 'list', '--project', 'scratch'], admin)).out).toMatch(/^tmp\s+serviceAccount:tmp@scratch/m);
    expect((await rouge(['service-accounts', 'delete', 'tmp', '--project', 'scratch'], admin)).code).toBe(0);
    expect((await rouge(['users', 'delete', 'dave'], admin)).code).toBe(0);
    expect((await rouge(['projects', 'delete', 'scratch', '--json'], admin)).out).toBe('{}\n');
    expect((await app.inject({ method: 'GET', url: '/v1/projects/scratch' })).statusCode).toBe(404);
  }, SLOW);
});
