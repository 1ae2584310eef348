import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { apiCommand } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, say } from '../kit/output.js';
import { sinceTime } from '../kit/parsers.js';
import { rawRequest } from '../kit/raw.js';
import { importOptions, projectPath, readJsonFile, runImport, type ImportFlags } from './catalog.js';

/** The most events `userEvents:write` takes in one batch. */
const MAX_BATCH = 1000;

/** `rouge events write <file.json>`: one all-or-nothing batch. */
async function write(file: string, opts: GlobalFlags): Promise<void> {
  const body = await readJsonFile(file, 'a batch of events: {"events": [...]} or a JSON array');
  const events = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { events?: unknown }).events) ? (body as { events: unknown[] }).events : undefined;
  if (!events) throw usageError(`${file} holds neither {"events": [...]} nor a JSON array of events`, 'write a batch as {"events": [{"eventId": "e-1", "type": "view", ...}]}');
  if (events.length === 0) throw usageError(`${file} holds no events`, 'a batch holds 1 to 1,000 events');
  if (events.length > MAX_BATCH) throw usageError(`${file} holds ${events.length} events; a batch holds at most ${MAX_BATCH}`, 'import a larger history as JSONL with rouge events import <file.jsonl>');
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  const r = await ctx.client.request<{ written: number; duplicates: number }>('POST', `${projectPath(project)}/userEvents:write`, { body: { events } });
  emit(ctx.json, r, () => say(`Wrote ${r.written} events${r.duplicates ? `; ${r.duplicates} were already stored (same eventId) and were skipped` : ''}.`));
}

/**
 * `rouge events export [--since 1h] [-o file]`: streams the stored events as
 * JSONL to stdout, or into a temporary file beside the target renamed into
 * place once the whole stream arrived (a broken export leaves no file).
 */
async function exportEvents(opts: GlobalFlags & { since?: string; output?: string }): Promise<void> {
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  const res = await rawRequest(ctx.client, 'GET', `${projectPath(project)}/userEvents:export`, { query: { since: opts.since }, headers: { accept: 'application/x-ndjson' } });
  let lines = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      for (const b of chunk) if (b === 0x0a) lines++;
      cb(null, chunk);
    },
  });
  if (opts.output === undefined) {
    try {
      await pipeline(res.body, counter, process.stdout);
    } catch (e) {
      // The reader went away (`| head`): not an error of ours.
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
      throw new CliError(`the export broke off after ${lines} events: ${(e as Error).message}`, ExitCode.API_ERROR, ['run it again']);
    }
    note(`Exported ${lines} events${opts.since ? ` since ${opts.since}` : ''}.`);
    return;
  }
  const target = opts.output;
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
  const onSignal = () => {
    void rm(temp, { force: true }).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    await pipeline(res.body, counter, createWriteStream(temp, { flags: 'wx', mode: 0o644 }));
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.syscall) throw new CliError(`cannot write ${target}: ${err.code ?? err.message}`, ExitCode.API_ERROR);
    throw new CliError(`the export broke off after ${lines} events: ${err.message}; ${target} was not written`, ExitCode.API_ERROR, ['run it again']);
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  emit(ctx.json, { file: target, events: lines, ...(opts.since ? { since: opts.since } : {}) }, () => say(`Exported ${lines} events to ${target}.`));
}

/** `rouge events ...`: shoppers' behaviour (user events). */
export function registerEventCommands(program: Command): void {
  const events = program.command('events').description("write, import and export a project's user events (what shoppers do)");

  importOptions(apiCommand(events, 'import <file>', 'import event history from a JSONL file (one event per line), as an Operation, and print its report'), ['jsonl'])
    .addHelpText('after', '\nEvents already stored (same eventId) are counted as duplicates, so an import can be run again safely.\nExample: rouge events import history.jsonl --project storefront')
    .action((file: string, opts: ImportFlags) => runImport(file, opts, (p) => `${projectPath(p)}/userEvents:import`, ['jsonl'], 'events import'));

  apiCommand(events, 'write <file>', 'write one batch of up to 1,000 events from a JSON file, all or nothing')
    .addHelpText('after', '\nThe file holds {"events": [...]} or a JSON array. Resending a batch is safe: events are stored once per eventId.\nExample: rouge events write batch.json')
    .action(write);

  apiCommand(events, 'export', 'stream stored events as JSONL (one per line, oldest first) to stdout or a file')
    .option('--since <time>', 'only events at or after this time: an RFC 3339 time, or a duration back from now such as 1h or 7d', (text: string) => sinceTime(text))
    .option('-o, --output <file>', 'write to this file instead of stdout (written whole, or not at all)')
    .addHelpText('after', '\nExample: rouge events export --since 24h -o events.jsonl')
    .action(exportEvents);
}
