import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

function tmpFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rouge-config-')), 'rouge.json');
  writeFileSync(path, content);
  return path;
}

describe('loadConfig', () => {
  it('defaults to port 8080, ./.rouge, every role, embedded stores', () => {
    const c = loadConfig();
    expect(c).toMatchObject({ port: 8080, dataDir: './.rouge', roles: ['api', 'inference', 'worker'], production: false, databaseUrl: undefined, redisUrl: undefined, host: '127.0.0.1' });
  });

  it('takes flags over environment over file', () => {
    const file = tmpFile(JSON.stringify({ port: 7000, dataDir: '/from/file', logLevel: 'debug' }));
    const c = loadConfig({ flags: { config: file, port: '9000' }, env: { ROUGE_PORT: '8000', ROUGE_DATA_DIR: '/from/env' } });
    expect(c.port).toBe(9000);
    expect(c.dataDir).toBe('/from/env');
    expect(c.logLevel).toBe('debug');
  });

  it('reads DATABASE_URL, REDIS_URL and ROUGE_ROLES from the environment', () => {
    const c = loadConfig({ env: { DATABASE_URL: 'postgres://u@db:5432/rouge', REDIS_URL: 'redis://cache:6379', ROUGE_ROLES: 'inference, api' } });
    expect(c.databaseUrl).toBe('postgres://u@db:5432/rouge');
    expect(c.redisUrl).toBe('redis://cache:6379');
    expect(c.roles).toEqual(['api', 'inference']);
  });

  it('names the setting and its source when a value is bad', () => {
    expect(() => loadConfig({ env: { ROUGE_PORT: 'eighty' } })).toThrow(/invalid setting port from ROUGE_PORT="eighty": must be an integer from 0 to 65535/);
    expect(() => loadConfig({ flags: { roles: 'api,web' } })).toThrow(/invalid setting roles from --roles="api,web": unknown role "web"/);
    expect(() => loadConfig({ env: { DATABASE_URL: 'mysql://x' } })).toThrow(/databaseUrl from DATABASE_URL.*must be a postgres:\/\/ URL/);
  });

  it('never prints a database password in an error', () => {
    const err = (() => {
      try {
        loadConfig({ env: { DATABASE_URL: 'mysql://u:s3cret@h/db' } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).not.toContain('s3cret');
  });

  it('rejects an unknown key in the config file, listing the known ones', () => {
    const file = tmpFile(JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ flags: { config: file } })).toThrow(/unknown setting "prot"; known settings are port, host/);
  });

  it('rejects a config file that is not JSON', () => {
    const file = tmpFile('port = 8080');
    expect(() => loadConfig({ env: { ROUGE_CONFIG: file } })).toThrow(/is not valid JSON/);
  });

  it('requires both TLS files or neither', () => {
    expect(() => loadConfig({ flags: { tlsCert: '/c.pem' } })).toThrow(/set both --tls-cert and --tls-key/);
  });

  describe('production mode', () => {
    it('refuses the embedded store and a missing TLS or proxy setting, saying how to fix each', () => {
      let message = '';
      try {
        loadConfig({ flags: { production: true } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('refusing to start in production mode');
      expect(message).toContain('set DATABASE_URL');
      expect(message).toContain('--tls-cert and --tls-key, or --trust-proxy');
      expect(message).toContain('set ROUGE_KEY_PEPPER');
      expect(message).toContain('set ROUGE_BID_SIGNING_KEY');
      expect(message).toContain('set ROUGE_BOOTSTRAP_ADMIN_KEY');
    });

    const prodEnv = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@db/rouge',
      ROUGE_TRUST_PROXY: 'true',
      ROUGE_KEY_PEPPER: 'p'.repeat(40),
      ROUGE_BID_SIGNING_KEY: 'b'.repeat(40),
      ROUGE_BOOTSTRAP_ADMIN_KEY: `rk_admin01_${'s'.repeat(43)}`,
      ROUGE_BOOTSTRAP_ADMIN_KEY_EXPIRES: '90d',
    };

    it('refuses to start without a shared cache, naming REDIS_URL, unless the process runs alone', () => {
      expect(() => loadConfig({ env: prodEnv })).toThrow(/no shared cache: set REDIS_URL/);
      expect(() => loadConfig({ env: { ...prodEnv, ROUGE_ROLES: 'inference' } })).toThrow(/REDIS_URL/);
      const alone = loadConfig({ env: { ...prodEnv, ROUGE_SINGLE_PROCESS: 'true' } });
      expect(alone.singleProcess).toBe(true);
      expect(alone.roles).toEqual(['api', 'inference', 'worker']);
    });

    it('takes --single-process as every role, and refuses it with a narrower --roles', () => {
      expect(loadConfig({ flags: { singleProcess: true } }).roles).toEqual(['api', 'inference', 'worker']);
      expect(() => loadConfig({ flags: { singleProcess: true, roles: 'api' } })).toThrow(/--single-process runs every role, but --roles asks for api/);
    });

    it('requires the bootstrap admin key to expire, and reads the expiry as a duration', () => {
      const env = { ...prodEnv, REDIS_URL: 'redis://cache:6379' };
      const { ROUGE_BOOTSTRAP_ADMIN_KEY_EXPIRES: _drop, ...without } = env;
      expect(() => loadConfig({ env: without })).toThrow(/bootstrap admin key would never expire: set ROUGE_BOOTSTRAP_ADMIN_KEY_EXPIRES/);
      expect(loadConfig({ env }).bootstrapAdminKeyExpiresSeconds).toBe(90 * 86_400);
      expect(() => loadConfig({ env: { ...env, ROUGE_BOOTSTRAP_ADMIN_KEY_EXPIRES: 'soon' } })).toThrow(/must be a duration such as 90d/);
    });

    it('refuses --auth-disabled', () => {
      expect(() => loadConfig({ flags: { production: true, authDisabled: true } })).toThrow(/authentication is switched off/);
    });

    it('never echoes a secret setting in an error', () => {
      expect(() => loadConfig({ env: { ROUGE_BOOTSTRAP_ADMIN_KEY: 'rk_x_notAValidButSecretValue' } })).toThrow(/bootstrapAdminKey from ROUGE_BOOTSTRAP_ADMIN_KEY=\(hidden\)/);
    });

    it('is switched on by NODE_ENV=production', () => {
      expect(() => loadConfig({ env: { NODE_ENV: 'production' } })).toThrow(/refusing to start in production mode/);
    });

    it('starts with PostgreSQL behind a trusted proxy, binding every interface', () => {
      const c = loadConfig({
        env: {
          NODE_ENV: 'production',
          DATABASE_URL: 'postgres://u@db/rouge',
          ROUGE_TRUST_PROXY: '10.0.0.0/8',
          ROUGE_KEY_PEPPER: 'p'.repeat(40),
          ROUGE_BID_SIGNING_KEY: 'b'.repeat(40),
          ROUGE_BOOTSTRAP_ADMIN_KEY: `rk_admin01_${'s'.repeat(43)}`,
          ROUGE_BOOTSTRAP_ADMIN_KEY_EXPIRES: '90d',
          REDIS_URL: 'redis://cache:6379',
        },
      });
      expect(c.production).toBe(true);
      expect(c.trustProxy).toBe('10.0.0.0/8');
      expect(c.host).toBe('0.0.0.0');
    });
  });
});
