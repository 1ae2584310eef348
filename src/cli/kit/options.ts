import { Option, type Command } from 'commander';

/** The options every API command takes; they override the profile. */
export interface GlobalFlags {
  project?: string;
  url?: string;
  key?: string;
  profile?: string;
  json?: boolean;
}

const GROUP = 'Global options:';

/**
 * Adds the global options to a command. They go on each leaf command rather
 * than on the program, so `rouge projects list --json` works; --help lists
 * them under their own heading, after the command's own options.
 */
export function addGlobalOptions(cmd: Command): Command {
  const opt = (flags: string, description: string) => new Option(flags, description).helpGroup(GROUP);
  return cmd
    .addOption(opt('--project <project>', "project to act in [env: ROUGE_PROJECT; default: the profile's project]"))
    .addOption(opt('--url <url>', "Rouge server URL [env: ROUGE_URL; default: the profile's URL]"))
    .addOption(opt('--key <key>', "API key [env: ROUGE_API_KEY; default: the profile's key]"))
    .addOption(opt('--profile <name>', 'saved profile to use [env: ROUGE_PROFILE; default: "default"]'))
    .addOption(opt('--json', "print the API's JSON response instead of a table"));
}
