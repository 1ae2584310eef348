import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { usageError } from './exit.js';

/** One saved login: where Rouge is, the key to use, and the default project. */
export interface Profile {
  url: string;
  key: string;
  project?: string;
}

/** The CLI's config file: named profiles. */
export interface CliConfig {
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * Where profiles live: `$XDG_CONFIG_HOME/rouge/config.json`, or
 * `~/.config/rouge/config.json`. A relative XDG_CONFIG_HOME is ignored, as the
 * XDG spec requires, so the file never depends on the working directory.
 */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.config');
  return join(base, 'rouge', 'config.json');
}

/** Throws a usage error unless `name` is a profile name we can store. */
export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw usageError(`${JSON.stringify(name)} is not a profile name`, 'use letters, digits, ".", "_" or "-", such as "default" or "staging"');
  }
  return name;
}

function isProfile(p: unknown): p is Profile {
  const o = p as Partial<Profile> | null;
  return typeof o === 'object' && o !== null && typeof o.url === 'string' && typeof o.key === 'string' && (o.project === undefined || typeof o.project === 'string');
}

/**
 * Reads the config file; a missing file is an empty config. A file others can
 * read gets a warning, since it holds keys.
 */
export function readConfig(path: string): CliConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw usageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    process.stderr.write(`rouge: warning: ${path} holds API keys and other users can read it; run chmod 600 ${path}\n`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw usageError(`${path} is not valid JSON (${(e as Error).message})`, `fix it, or delete it and run rouge login again`);
  }
  const profiles = (parsed as { profiles?: unknown } | null)?.profiles;
  if (typeof profiles !== 'object' || profiles === null) {
    throw usageError(`${path} has no "profiles" object`, 'delete it and run rouge login again');
  }
  const out: Record<string, Profile> = {};
  for (const [name, p] of Object.entries(profiles)) if (isProfile(p)) out[name] = p;
  return { profiles: out };
}

/**
 * Saves one profile, keeping the others. The directory is made 0700 and the
 * file 0600, and the file is replaced by rename, so a crash never leaves a
 * half-written file and no other user ever sees the key.
 */
export function saveProfile(path: string, name: string, profile: Profile): void {
  const config = readConfig(path);
  config.profiles[name] = profile;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The umask can only narrow the mode above, but chmod makes 0600 exact.
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
