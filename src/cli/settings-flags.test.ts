import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config/index.js';
import { SETTINGS } from '../platform/config/settings.js';
import { addSettingFlags, settingFlags } from './settings-flags.js';

function parse(argv: string[]) {
  const cmd = addSettingFlags(new Command('serve').exitOverride());
  cmd.parse(argv, { from: 'user' });
  return loadConfig({ flags: settingFlags(cmd.opts()), env: {} });
}

describe('setting flags', () => {
  it('reach the setting even when commander names the option differently (--rate-limit -> rateLimitPerSecond)', () => {
    expect(parse(['--rate-limit', '0']).rateLimitPerSecond).toBe(0);
    expect(parse(['--fast-lane', 'false', '--port', '9999']).fastLane).toBe(false);
    expect(parse([]).rateLimitPerSecond).toBe(1000);
  });

  it('carry every setting that is given', () => {
    const cmd = addSettingFlags(new Command('serve').exitOverride());
    const argv = SETTINGS.filter((s) => !s.isSwitch).flatMap((s) => [s.flag, 'x']);
    cmd.parse(argv, { from: 'user' });
    expect(Object.keys(settingFlags(cmd.opts())).filter((k) => k !== 'config').sort()).toEqual(SETTINGS.filter((s) => !s.isSwitch).map((s) => s.key).sort());
  });
});
