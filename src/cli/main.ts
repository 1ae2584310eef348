#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { VERSION } from '../platform/version.js';
import { registerApiCommands } from './commands/index.js';
import { ExitCode, reportError } from './kit/exit.js';
import { redactKeys } from './kit/redact.js';
import { addSettingFlags, settingFlags } from './settings-flags.js';

const program = new Command();
program
  .name('rouge')
  .description('Rouge: a data-science platform for commerce')
  .version(VERSION)
  // Throw instead of exiting, so every failure leaves through one exit-code mapping below.
  .exitOverride()
  // Commander's own usage errors read like ours (`rouge: <problem>`) and, as they may quote a mistyped key, are redacted too.
  .configureOutput({ outputError: (text, write) => write(redactKeys(text.replace(/^error: /, 'rouge: '))) })
  .showHelpAfterError('(run the command with --help for usage)');

// serve and migrate load the whole server; importing it only when asked keeps API commands quick to start.
addSettingFlags(
  program
    .command('serve')
    .description('run the Rouge server (roles api, inference and worker by default)'),
).action(async (opts: Record<string, unknown>) => {
  const { serve } = await import('./serve.js');
  await serve(settingFlags(opts));
});

addSettingFlags(program.command('migrate').description('apply pending database migrations and exit')).action(
  async (opts: Record<string, unknown>) => {
    const { migrate } = await import('./migrate.js');
    await migrate(settingFlags(opts));
  },
);

program
  .command('routes')
  .description('print which role serves each API path, from the modules\' declarations (runs locally, no server)')
  .option('--json', 'print {"routes": [{method, path, regex, role, exposure}]} for a reverse proxy or the Helm chart')
  .option('--nginx', 'print an nginx configuration with a public and an internal server')
  .action(async (opts: { json?: boolean; nginx?: boolean }) => {
    const { printRoutes } = await import('./routes.js');
    await printRoutes(opts);
  });

program
  .command('recs')
  .description('recommendation engine tools that run locally, without a server')
  .command('evaluate')
  .description('train on a "user item item ..." file by leave-one-out and print full-ranking and sampled metrics')
  .requiredOption('--dataset <file>', 'one user per line: user_id item_id item_id ... in time order (X_item2attributes.json beside it is read as content)')
  .option('--json', 'print one line: {"full": {...}, "sampled": {...}, "users": N, "seconds": S}')
  .option('--baseline <name>', 'evaluate a baseline instead of the model: popularity or itemknn')
  .action(async (opts: { dataset: string; json?: boolean; baseline?: string }) => {
    const { recsEvaluate } = await import('./recs-evaluate.js');
    await recsEvaluate(opts);
  });

registerApiCommands(program);

// `rouge projects list | head` closes the pipe early; that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    // Commander has printed its message already; help and --version are successes.
    const ok = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0;
    process.exitCode = ok ? ExitCode.OK : ExitCode.USAGE;
    return;
  }
  // exitCode rather than exit(): let stdout drain when it is a pipe.
  process.exitCode = reportError(e);
});
