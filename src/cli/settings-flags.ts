import { Option, type Command } from 'commander';
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

/**
 * Commander's parsed options keyed by config key. Commander names an option
 * after its flag (`--rate-limit` becomes `rateLimit`), which is not always the
 * setting's key (`rateLimitPerSecond`); without this a flag could be silently
 * ignored.
 */
export function settingFlags(opts: Record<string, unknown>): Record<string, unknown> {
  const flags: Record<string, unknown> = { config: opts.config };
  for (const s of SETTINGS) {
    const value = opts[new Option(s.flag).attributeName()];
    if (value !== undefined) flags[s.key] = value;
  }
  return flags;
}
