#!/usr/bin/env node
import { Command } from 'commander';
import { VERSION } from '../platform/index.js';
import { migrate } from './migrate.js';
import { serve } from './serve.js';
import { addSettingFlags } from './settings-flags.js';

const program = new Command();
program.name('rouge').description('Rouge: a data-science platform for commerce').version(VERSION);

addSettingFlags(
  program
    .command('serve')
    .description('run the Rouge server (roles api, inference and worker by default)'),
).action(async (opts: Record<string, unknown>) => {
  await serve(opts);
});

addSettingFlags(program.command('migrate').description('apply pending database migrations and exit')).action(
  async (opts: Record<string, unknown>) => {
    await migrate(opts);
  },
);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`rouge: ${(e as Error).message}\n`);
  process.exit(1);
});
