import { VERSION } from '../../platform/version.js';
import { ApiClient } from './client.js';
import { CliError, ExitCode, usageError } from './exit.js';
import type { GlobalFlags } from './options.js';
import { checkProfileName, configPath, DEFAULT_PROFILE, readConfig, type Profile } from './profile.js';
import { registerSecret } from './redact.js';

/** Everything a command needs: a client, the project, and how to print. */
export interface Context {
  client: ApiClient;
  /** From --project, ROUGE_PROJECT or the profile; undefined when none says. */
  project: string | undefined;
  json: boolean;
  profileName: string;
}

export const USER_AGENT = `rouge-cli/${VERSION} node/${process.version}`;

// An empty variable counts as unset, as `ROUGE_PROJECT= rouge ...` means "no project".
const envOf = (env: NodeJS.ProcessEnv, name: string) => (env[name] === '' ? undefined : env[name]);

/**
 * Checks and normalises a server URL: http or https, no trailing slash. A
 * password in the URL is registered as a secret so no message shows it.
 */
export function normalizeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${JSON.stringify(text)} is not a URL`, 'use the server address, such as --url http://localhost:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${JSON.stringify(text)} is not an http:// or https:// URL`, 'use the server address, such as --url http://localhost:8080');
  }
  if (url.password) registerSecret(url.password);
  return url.href.replace(/\/+$/, '');
}

/** Throws unless the key can travel in an HTTP header; never quotes the key. */
export function checkKey(key: string): string {
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw usageError('the API key holds spaces or characters that cannot be sent', 'keys look like rk_<keyId>_<secret>; copy it again');
  }
  registerSecret(key);
  return key;
}

/** Which profile a command uses: --profile, else ROUGE_PROFILE, else "default". */
export function profileNameOf(flags: GlobalFlags, env: NodeJS.ProcessEnv): { name: string; explicit: boolean } {
  const given = flags.profile ?? envOf(env, 'ROUGE_PROFILE');
  return { name: checkProfileName(given ?? DEFAULT_PROFILE), explicit: given !== undefined };
}

/** The saved profile a command uses, if any; an explicitly named one must exist. */
export function loadProfile(flags: GlobalFlags, env: NodeJS.ProcessEnv): { name: string; profile: Profile | undefined } {
  const { name, explicit } = profileNameOf(flags, env);
  const path = configPath(env);
  const profile = readConfig(path).profiles[name];
  if (explicit && !profile) {
    throw usageError(`there is no profile "${name}" in ${path}`, `run rouge login --profile ${name} --url <server URL>`);
  }
  return { name, profile };
}

/**
 * Builds the context from flags, then environment, then the saved profile.
 * No URL is a usage error (exit 2); no key is an authentication error
 * (exit 3), as the server would answer without one.
 */
export function resolveContext(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Context {
  const { name, profile } = loadProfile(flags, env);
  const profileFlag = name === DEFAULT_PROFILE ? '' : ` --profile ${name}`;
  const urlText = flags.url ?? envOf(env, 'ROUGE_URL') ?? profile?.url;
  if (!urlText) {
    throw usageError('no Rouge URL configured', `run rouge login --url http://localhost:8080${profileFlag}, or pass --url or set ROUGE_URL`);
  }
  const url = normalizeUrl(urlText);
  const login = `rouge login --url ${url}${profileFlag}`;

  let key: string | undefined;
  let unauthenticatedHint: string;
  if (flags.key !== undefined) {
    key = flags.key;
    unauthenticatedHint = `the key given with --key was refused; pass a valid one, or drop --key to use the saved profile`;
  } else if (envOf(env, 'ROUGE_API_KEY') !== undefined) {
    key = envOf(env, 'ROUGE_API_KEY');
    unauthenticatedHint = `the key in ROUGE_API_KEY was refused; set it to a valid key, or unset it to use the saved profile`;
  } else {
    key = profile?.key;
    unauthenticatedHint = `run ${login} with a valid key`;
  }
  if (!key) throw new CliError('no API key configured', ExitCode.AUTH, [`run ${login} (it asks for the key), or set ROUGE_API_KEY`]);

  return {
    client: new ApiClient({
      url,
      key: checkKey(key),
      userAgent: USER_AGENT,
      unauthenticatedHint,
      deniedHint: 'if you need this, ask an admin for a binding (rouge bindings add), or use a key that has one (--profile or --key)',
    }),
    project: flags.project ?? envOf(env, 'ROUGE_PROJECT') ?? profile?.project,
    json: flags.json === true,
    profileName: name,
  };
}

/** The project a project-scoped command acts in; a usage error when none is configured. */
export function requireProject(ctx: Context): string {
  if (ctx.project) return ctx.project;
  throw usageError('this command needs a project', 'pass --project <project>, set ROUGE_PROJECT, or save one with rouge login --project <project>');
}
