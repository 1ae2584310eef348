import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditFilter } from '../src/cli/commands/audit.js';
import { normalizeUrl, resolveContext } from '../src/cli/kit/context.js';
import { CliError, ExitCode } from '../src/cli/kit/exit.js';
import { formatFields, formatTable, sanitize, shortTime } from '../src/cli/kit/output.js';
import { apiDuration, durationSeconds, positiveInt, sinceTime } from '../src/cli/kit/parsers.js';
import { keysPath, parsePrincipalArg } from '../src/cli/kit/principal.js';
import { configPath, readConfig, saveProfile } from '../src/cli/kit/profile.js';
import { redactKeys, registerSecret } from '../src/cli/kit/redact.js';

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as CliError).exitCode;
  }
  return undefined;
};

describe('cli kit: output', () => {
  it('aligns table columns and leaves the last one unpadded', () => {
    expect(formatTable(['NAME', 'ROLE'], [['alice', 'viewer'], ['web-tier', 'predictor']])).toBe(
      'NAME      ROLE\nalice     viewer\nweb-tier  predictor\n',
    );
  });

  it('aligns key: value lines and skips undefined values', () => {
    expect(formatFields([['name', 'x'], ['skipped', undefined], ['displayName', 'X']])).toBe('name:        x\ndisplayName: X\n');
  });

  it('neutralises terminal control characters from server text', () => {
    expect(sanitize('a\u001b[2Jb\nc\td')).toBe('a?[2Jb c d');
  });

  it('drops milliseconds from times', () => {
    expect(shortTime('2026-01-02T03:04:05.678Z')).toBe('2026-01-02T03:04:05Z');
    expect(shortTime(undefined)).toBe('-');
  });
});

describe('cli kit: principals', () => {
  it('reads the short and full forms of users and service accounts', () => {
    expect(parsePrincipalArg('alice')).toMatchObject({ kind: 'user', name: 'alice', id: 'user:alice' });
    expect(parsePrincipalArg('user:alice').id).toBe('user:alice');
    expect(parsePrincipalArg('web@storefront')).toMatchObject({ kind: 'serviceAccount', name: 'web', project: 'storefront', id: 'serviceAccount:web@storefront' });
    expect(parsePrincipalArg('serviceAccount:web@storefront').id).toBe('serviceAccount:web@storefront');
  });

  it('refuses what is not a principal with a usage error', () => {
    for (const bad of ['Alice', 'a', 'web@', '@storefront', 'group:x', 'user:web@storefront', '../x']) {
      expect(usage(() => parsePrincipalArg(bad)), bad).toBe(ExitCode.USAGE);
    }
  });

  it('maps a principal to the path of its keys', () => {
    expect(keysPath(parsePrincipalArg('alice'))).toBe('/v1/users/alice/keys');
    expect(keysPath(parsePrincipalArg('web@storefront'))).toBe('/v1/projects/storefront/serviceAccounts/web/keys');
  });
});

describe('cli kit: option parsers', () => {
  it('reads durations', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('30m')).toBe(1800);
    expect(durationSeconds('2d')).toBe(172_800);
    expect(durationSeconds('1.5h')).toBeUndefined();
    expect(apiDuration('1h')).toBe('3600s');
    expect(() => apiDuration('soon')).toThrow(/3600s/);
  });

  it('reads --since as a duration back from now or an RFC 3339 time', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(sinceTime('1h', now)).toBe('2026-11-27T11:00:00.000Z');
    expect(sinceTime('2026-11-01T00:00:00+01:00', now)).toBe('2026-10-31T23:00:00.000Z');
    expect(() => sinceTime('yesterday', now)).toThrow(/RFC 3339/);
    expect(() => sinceTime('2026', now)).toThrow();
  });

  it('reads positive integers only', () => {
    expect(positiveInt('30')).toBe(30);
    for (const bad of ['0', '-1', '1.5', 'ten', '']) expect(() => positiveInt(bad)).toThrow();
  });

  it('builds the audit filter from the flags given', () => {
    expect(auditFilter({})).toBeUndefined();
    expect(auditFilter({ since: '2026-01-01T00:00:00.000Z', principal: 'user:admin', result: 'denied' })).toBe(
      'time>="2026-01-01T00:00:00.000Z" AND principal="user:admin" AND result="denied"',
    );
  });
});

describe('cli kit: secrets', () => {
  it('keeps a key id and hides its secret, and hides registered secrets wholesale', () => {
    expect(redactKeys(`bad key rk_abcdef12_${'s'.repeat(43)} here`)).toBe('bad key rk_abcdef12_******** here');
    registerSecret('not-shaped-like-a-key');
    expect(redactKeys('got not-shaped-like-a-key')).toBe('got ********');
  });
});

describe('cli kit: profiles and context', () => {
  it('puts the config under XDG_CONFIG_HOME, or ~/.config when it is unset or relative', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/x/cfg' })).toBe('/x/cfg/rouge/config.json');
    expect(configPath({ XDG_CONFIG_HOME: 'relative', HOME: '/home/u' })).toMatch(/\.config\/rouge\/config\.json$/);
  });

  it('saves profiles 0600, keeps the others, and reads a missing file as empty', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rouge-kit-')), 'rouge', 'config.json');
    expect(readConfig(path)).toEqual({ profiles: {} });
    saveProfile(path, 'default', { url: 'http://a', key: 'k1' });
    saveProfile(path, 'prod', { url: 'http://b', key: 'k2', project: 'p' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readConfig(path).profiles).toEqual({ default: { url: 'http://a', key: 'k1' }, prod: { url: 'http://b', key: 'k2', project: 'p' } });
  });

  it('says how to fix a config file that is not JSON', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rouge-kit-')), 'config.json');
    writeFileSync(path, '{oops', { mode: 0o600 });
    expect(() => readConfig(path)).toThrow(/not valid JSON/);
    expect(readFileSync(path, 'utf8')).toBe('{oops');
  });

  it('takes flags over environment over the profile', () => {
    const xdg = mkdtempSync(join(tmpdir(), 'rouge-kit-'));
    saveProfile(join(xdg, 'rouge', 'config.json'), 'default', { url: 'http://profile:1', key: 'rk_profile', project: 'from-profile' });
    const env = { XDG_CONFIG_HOME: xdg };
    expect(resolveContext({}, env)).toMatchObject({ project: 'from-profile', profileName: 'default' });
    expect(resolveContext({}, env).client.url).toBe('http://profile:1');
    expect(resolveContext({}, { ...env, ROUGE_URL: 'http://env:2/', ROUGE_PROJECT: 'from-env' })).toMatchObject({ project: 'from-env' });
    expect(resolveContext({}, { ...env, ROUGE_URL: 'http://env:2/' }).client.url).toBe('http://env:2');
    expect(resolveContext({ url: 'http://flag:3', project: 'from-flag' }, { ...env, ROUGE_URL: 'http://env:2' }).client.url).toBe('http://flag:3');
    expect(resolveContext({ project: 'from-flag' }, { ...env, ROUGE_PROJECT: 'from-env' }).project).toBe('from-flag');
  });

  it('refuses URLs that are not http or https', () => {
    expect(usage(() => normalizeUrl('localhost:8080'))).toBe(ExitCode.USAGE);
    expect(usage(() => normalizeUrl('ftp://x'))).toBe(ExitCode.USAGE);
    expect(normalizeUrl('https://rouge.example.com/')).toBe('https://rouge.example.com');
  });
});
