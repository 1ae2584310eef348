import type { Command } from 'commander';
import { SETTINGS } from '../platform/config/settings.js';

/**
 * Adds one flag per setting to a command, from the settings table, so
 * `rouge serve --help` always lists exactly what the configuration accepts.
 * Values stay raw strings here; loadConfig parses and validates them.
 */
export function addSettingFlags(cmd: Command): Command {
  cmd.option('--config <file>', 'JSON file of settings (also ROUGE_CONFIG)');
  for (const s of SETTINGS) {
    const envs = s.env.join(', ');
    if (s.isSwitch) cmd.option(s.flag, `${s.description} [env: ${envs}]`);
    else cmd.option(`${s.flag} <value>`, `${s.description} [env: ${envs}; default: ${s.defaultText}]`);
  }
  return cmd;
}
