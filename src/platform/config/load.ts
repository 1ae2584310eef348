import { readFileSync } from 'node:fs';
import { ALL_ROLES, ConfigError, SETTINGS, type Config } from './settings.js';
import { productionProblems } from './production.js';

/** Where configuration comes from; each source overrides the one after it. */
export interface ConfigSources {
  /** Parsed CLI flags, keyed by config key (as commander gives them). */
  flags?: Partial<Record<keyof Config, unknown>> & { config?: string };
  /** The environment; defaults to none, so tests never read the developer's shell by accident. */
  env?: Record<string, string | undefined>;
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object of settings`);
  }
  const known = new Set(SETTINGS.map((s) => s.key as string));
  for (const k of Object.keys(parsed)) {
    if (!known.has(k)) throw new ConfigError(`config file ${path}: unknown setting "${k}"; known settings are ${[...known].join(', ')}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Builds the one typed configuration from flags, then the environment, then an
 * optional JSON file (`--config` or `ROUGE_CONFIG`), then defaults, and
 * validates it. Every error names the setting and where its bad value came from.
 *
 * @example
 * const config = loadConfig({ flags: { port: '9090' }, env: process.env });
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const filePath = (flags.config as string | undefined) ?? env.ROUGE_CONFIG;
  const file = filePath ? readFile(filePath) : {};

  const raw: Partial<Record<keyof Config, { value: unknown; from: string }>> = {};
  for (const s of SETTINGS) {
    const envName = s.env.find((name) => env[name] !== undefined && env[name] !== '');
    if (flags[s.key] !== undefined) raw[s.key] = { value: flags[s.key], from: s.flag };
    else if (envName) raw[s.key] = { value: env[envName], from: envName };
    else if (file[s.key] !== undefined) raw[s.key] = { value: file[s.key], from: `${filePath} (${s.key})` };
  }
  // NODE_ENV=production is the ecosystem's switch; honour it as well as --production.
  if (raw.production === undefined && env.NODE_ENV === 'production') raw.production = { value: true, from: 'NODE_ENV' };

  const parseOne = <K extends keyof Config>(key: K): Config[K] | undefined => {
    const s = SETTINGS.find((x) => x.key === key)!;
    const given = raw[key];
    if (!given) return undefined;
    try {
      return s.parse(given.value) as Config[K];
    } catch (e) {
      const shown = s.secret ? '(hidden)' : s.key === 'databaseUrl' || s.key === 'redisUrl' ? redactUrl(String(given.value)) : JSON.stringify(given.value);
      throw new ConfigError(`invalid setting ${s.key} from ${given.from}=${shown}: ${(e as Error).message}`);
    }
  };

  const production = parseOne('production') ?? false;
  const config = {} as Record<string, unknown>;
  for (const s of SETTINGS) {
    const v = parseOne(s.key);
    config[s.key] = v === undefined ? s.defaultValue(production) : v;
  }
  const result = config as unknown as Config;
  if (result.singleProcess) {
    if (raw.roles && result.roles.length !== ALL_ROLES.length) {
      throw new ConfigError(`invalid settings singleProcess/roles: --single-process runs every role, but ${raw.roles.from} asks for ${result.roles.join(',')}; drop one of them`);
    }
    result.roles = [...ALL_ROLES];
  }
  if ((result.tlsCert === undefined) !== (result.tlsKey === undefined)) {
    throw new ConfigError('invalid settings tlsCert/tlsKey: set both --tls-cert and --tls-key, or neither');
  }
  if (result.production) {
    const problems = productionProblems(result);
    if (problems.length > 0) {
      throw new ConfigError(`refusing to start in production mode:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }
  return result;
}

/** Hides the password in a connection URL before it is printed or logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
