import type { Command } from 'commander';
import { ApiClient } from '../kit/client.js';
import { checkKey, normalizeUrl, profileNameOf, USER_AGENT } from '../kit/context.js';
import { usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, say } from '../kit/output.js';
import { configPath, readConfig, saveProfile } from '../kit/profile.js';
import { readSecret } from '../kit/prompt.js';
import { whoamiFields, type WhoAmI } from './whoami.js';

/**
 * Checks a key against a server with GET /v1/whoami, then saves the URL, key
 * and default project as a profile. A refused key is never saved.
 */
async function login(opts: GlobalFlags): Promise<void> {
  const env = process.env;
  const { name } = profileNameOf(opts, env);
  const path = configPath(env);
  // Logging in again to a saved profile (a new key) may leave the URL out.
  const urlText = opts.url ?? (env.ROUGE_URL || undefined) ?? readConfig(path).profiles[name]?.url;
  if (!urlText) throw usageError('rouge login needs the server URL', 'run rouge login --url http://localhost:8080');
  const url = normalizeUrl(urlText);
  let key = opts.key ?? (env.ROUGE_API_KEY || undefined);
  if (key === undefined) {
    key = await readSecret('API key: ');
    if (!key) throw usageError('no API key given', 'type it at the prompt, pipe it on stdin, or pass --key or set ROUGE_API_KEY');
  }
  const client = new ApiClient({
    url,
    key: checkKey(key),
    userAgent: USER_AGENT,
    unauthenticatedHint: 'the profile was not saved; check the key, or ask an admin for a new one (rouge keys create)',
    deniedHint: 'the profile was not saved',
  });
  const me = await client.request<WhoAmI>('GET', '/v1/whoami');
  saveProfile(path, name, { url, key, ...(opts.project ? { project: opts.project } : {}) });
  emit(opts.json === true, me, () => {
    say(`Logged in to ${url} as ${me.principal} (key ${me.keyId ?? 'unknown'}).`);
    printFields(whoamiFields(me, url, opts.project).filter(([k]) => k === 'projects' || k === 'default project'));
    say(`Saved profile "${name}" to ${path}.`);
  });
  if (opts.project && !me.orgAdmin && !me.projects.includes(opts.project)) {
    note(`rouge: warning: ${me.principal} has no binding in project ${opts.project}; commands there will be refused until a project admin adds one.`);
  }
}

/** `rouge login`. It has options of its own: it writes a profile rather than reading one. */
export function registerLoginCommand(program: Command): void {
  program
    .command('login')
    .description('check an API key against a server and save the URL, key and default project as a profile')
    .option('--url <url>', "Rouge server URL, such as http://localhost:8080 [env: ROUGE_URL; default: the profile's URL]")
    .option('--key <key>', 'API key [env: ROUGE_API_KEY; default: read from stdin]')
    .option('--project <project>', 'default project for later commands')
    .option('--profile <name>', 'profile to save [env: ROUGE_PROFILE; default: "default"]')
    .option('--json', "print the API's whoami response instead of a summary")
    .addHelpText(
      'after',
      '\nWithout --key or ROUGE_API_KEY the key is read from stdin: typed at a prompt without echo, or the first line of a pipe.\n' +
        'Profiles are saved in $XDG_CONFIG_HOME/rouge/config.json (default ~/.config/rouge/config.json), mode 0600.\n' +
        'Example: rouge login --url http://localhost:8080 --project storefront',
    )
    .action(login);
}
