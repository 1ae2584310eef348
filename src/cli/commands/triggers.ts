import { InvalidArgumentError, Option, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printJson, printTable, say, shortTime } from '../kit/output.js';
import { projectPath } from './catalog.js';
import { paramPair, typed } from './pipelines.js';

/*
 * Triggers (src/pipelines/triggers): schedules, event filters and HTTP
 * functions that start pipelines; backfill; dead letters. Shapes are the
 * API's (src/pipelines/triggers/schemas.ts).
 */

interface TriggerView {
  triggerId: string;
  pipeline: string;
  kind: string;
  schedule?: string;
  timeZone?: string;
  nextFireTime?: string;
  eventFilter?: Record<string, string>;
  http?: { url: string };
  paused: boolean;
  signingSecret?: string;
}
interface DeliveryView {
  deliveryId: string;
  trigger: string;
  state: string;
  run: string;
  scheduledTime?: string;
  reason?: string;
  createTime: string;
}

const seconds = (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('give a whole number of seconds');
  return n;
};
const what = (t: TriggerView) =>
  t.kind === 'schedule' ? `${t.schedule} (${t.timeZone})` : t.kind === 'event' ? Object.entries(t.eventFilter ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') : t.http?.url ?? '';

/** `rouge triggers ...`. */
export function registerTriggerCommands(program: Command): void {
  const cmd = program.command('triggers').description('start pipelines on a schedule, on an event, or from an HTTP call; backfill; dead letters');
  const base = (project: string) => `${projectPath(project)}/triggers`;

  apiCommand(cmd, 'create <name>', 'create a trigger: one of --schedule, --event-type or --http')
    .requiredOption('--pipeline <name>', 'the pipeline it starts')
    .option('--schedule <cron>', 'five-field cron: minute hour day-of-month month day-of-week')
    .option('--time-zone <zone>', 'IANA time zone of the schedule (Etc/UTC)')
    .addOption(new Option('--overlap <policy>', 'a scheduled time while the last run goes on').choices(['forbid', 'allow', 'replace']))
    .option('--catch-up <seconds>', 'run schedule times missed while no worker ran, if no older than this', seconds)
    .option('--event-type <type>', 'start on CloudEvents of this type (e.g. rouge.model.version.created)')
    .option('--event-source <source>', 'and of this source')
    .option('--event-subject <subject>', 'and of this subject')
    .option('--http', 'an HTTP function: prints its URL and signing secret (once)')
    .option('--param <name=value>', 'a run parameter (repeatable); may hold ${{ schedule.date }} or ${{ event.data.<field> }}', paramPair)
    .option('--max-paused <seconds>', 'how long a firing waits for a paused pipeline before it is a dead letter (86400)', seconds)
    .option('--description <text>', 'what it is for')
    .addHelpText('after', `
Examples:
  rouge triggers create nightly --pipeline nightly-recs --schedule "0 2 * * *" --time-zone Asia/Kolkata --project demo
  rouge triggers create on-upload --pipeline evaluate-new --event-type rouge.model.version.created --project demo
  rouge triggers create etl-done --pipeline nightly-recs --http --project demo`)
    .action(async (name: string, opts: GlobalFlags & { pipeline: string; schedule?: string; timeZone?: string; overlap?: string; catchUp?: number; eventType?: string; eventSource?: string; eventSubject?: string; http?: boolean; param?: Record<string, string>; maxPaused?: number; description?: string }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const kinds = [opts.schedule && '--schedule', opts.eventType && '--event-type', opts.http && '--http'].filter(Boolean);
      if (kinds.length !== 1) throw usageError(`give exactly one of --schedule, --event-type or --http (got ${kinds.join(', ') || 'none'})`);
      if (!opts.eventType && (opts.eventSource || opts.eventSubject)) throw usageError('--event-source and --event-subject go with --event-type');
      const p = await ctx.client.request<{ spec: { parameters?: Record<string, { type: string }> } }>('GET', `${projectPath(project)}/pipelines/${seg(opts.pipeline)}`);
      const given = opts.param ?? {};
      // Templates are filled at each firing: they stay text here, the rest is typed as the pipeline declares.
      const templates = Object.fromEntries(Object.entries(given).filter(([, v]) => v.includes('${{')));
      const plain = typed(Object.fromEntries(Object.entries(given).filter(([, v]) => !v.includes('${{'))), p.spec.parameters ?? {});
      const body = {
        triggerId: name, pipeline: opts.pipeline,
        ...(opts.description ? { description: opts.description } : {}),
        ...(opts.schedule ? { schedule: opts.schedule } : {}), ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
        ...(opts.overlap ? { overlapPolicy: opts.overlap } : {}), ...(opts.catchUp !== undefined ? { catchUpWindowSeconds: opts.catchUp } : {}),
        ...(opts.eventType ? { eventFilter: { type: opts.eventType, ...(opts.eventSource ? { source: opts.eventSource } : {}), ...(opts.eventSubject ? { subject: opts.eventSubject } : {}) } } : {}),
        ...(opts.http ? { http: true } : {}),
        ...(Object.keys(given).length ? { parameters: { ...plain, ...templates } } : {}),
        ...(opts.maxPaused !== undefined ? { maxPausedSeconds: opts.maxPaused } : {}),
      };
      const t = await ctx.client.request<TriggerView>('POST', base(project), { body });
      emit(ctx.json, t, () => {
        say(`Created ${t.kind} trigger ${name} for pipeline ${opts.pipeline}${t.nextFireTime ? `; it next fires at ${t.nextFireTime}` : ''}.`);
        if (t.http) {
          say(`URL:            ${t.http.url}`);
          say(`Signing secret: ${t.signingSecret}`);
          note('The secret is shown only now: store it where the caller reads it (it cannot be read back; rotate it with rouge triggers rotate-secret).');
          note('Sign each call: header Rouge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; see docs/triggers.md.');
        }
      });
    });

  apiCommand(cmd, 'list', 'the project\'s triggers').option('--pipeline <name>', 'of one pipeline').action(async (opts: GlobalFlags & { pipeline?: string }) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(`${base(project)}${opts.pipeline ? `?pipeline=${seg(opts.pipeline)}` : ''}`, 'triggers');
    emit(ctx.json, body, () => printTable(['TRIGGER', 'KIND', 'PIPELINE', 'WHEN', 'NEXT', 'PAUSED'], (body.triggers as TriggerView[]).map((t) => [t.triggerId, t.kind, t.pipeline, what(t), shortTime(t.nextFireTime), t.paused ? 'yes' : 'no']), `No triggers in ${project}; create one with rouge triggers create.`));
  });
  apiCommand(cmd, 'get <name>', 'a trigger (a schedule with its next fire time)').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    printJson(await ctx.client.request('GET', `${base(requireProject(ctx))}/${seg(name)}`));
  });
  apiCommand(cmd, 'delete <name>', 'delete a trigger (its runs and deliveries stay)').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    await ctx.client.request('DELETE', `${base(requireProject(ctx))}/${seg(name)}`);
    emit(ctx.json, {}, () => say(`Deleted trigger ${name}.`));
  });
  for (const verb of ['pause', 'resume'] as const) {
    apiCommand(cmd, `${verb} <name>`, verb === 'pause' ? 'fire nothing until resumed' : 'fire again (a schedule from its next time after now)').action(async (name: string, opts: GlobalFlags) => {
      const ctx = resolveContext(opts);
      const t = await ctx.client.request<TriggerView>('POST', `${base(requireProject(ctx))}/${seg(name)}:${verb}`);
      emit(ctx.json, t, () => say(`Trigger ${name} ${verb === 'pause' ? 'paused' : `resumed${t.nextFireTime ? `; it next fires at ${t.nextFireTime}` : ''}`}.`));
    });
  }
  apiCommand(cmd, 'rotate-secret <name>', 'a new signing secret for an HTTP trigger (shown once; the old one stops working)').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const t = await ctx.client.request<TriggerView>('POST', `${base(requireProject(ctx))}/${seg(name)}:rotateSecret`);
    emit(ctx.json, t, () => {
      say(`Signing secret: ${t.signingSecret}`);
      note('Shown only now. The old secret no longer verifies.');
    });
  });
  apiCommand(cmd, 'invoke <name>', 'call an HTTP trigger with your key: starts a run with the parameters')
    .option('--param <name=value>', 'a parameter (repeatable), typed as the pipeline declares it', paramPair)
    .option('--idempotency-key <key>', 'the same key twice starts one run')
    .action(async (name: string, opts: GlobalFlags & { param?: Record<string, string>; idempotencyKey?: string }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const t = await ctx.client.request<TriggerView>('GET', `${base(project)}/${seg(name)}`);
      const p = await ctx.client.request<{ spec: { parameters?: Record<string, { type: string }> } }>('GET', `${projectPath(project)}/pipelines/${seg(t.pipeline)}`);
      const out = await ctx.client.request<{ runId: string; delivery: { state: string } }>('POST', `${base(project)}/${seg(name)}:invoke`, { body: typed(opts.param ?? {}, p.spec.parameters ?? {}), ...(opts.idempotencyKey ? { headers: { 'idempotency-key': opts.idempotencyKey } } : {}) });
      emit(ctx.json, out, () => say(`Run ${out.runId} ${out.delivery.state === 'DELIVERED' ? 'started' : `is ${out.delivery.state.toLowerCase()}`}. Follow it with rouge pipelines runs watch ${out.runId}.`));
    });
  apiCommand(cmd, 'backfill <name>', 'run a schedule\'s pipeline for each of its times in a date range (in the trigger\'s zone)')
    .requiredOption('--from <date>', 'first date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last date, YYYY-MM-DD (included)')
    .addOption(new Option('--only <which>', 'missing: times with no run; failed: times whose last run failed; all').choices(['missing', 'failed', 'all']).default('missing'))
    .addHelpText('after', '\nExample: rouge triggers backfill nightly --from 2026-11-01 --to 2026-11-30 --only missing --project demo')
    .action(async (name: string, opts: GlobalFlags & { from: string; to: string; only: string }) => {
      const ctx = resolveContext(opts);
      const r = await ctx.client.request<{ periods: number; runs: Array<{ scheduledTime: string; run: string }>; skipped: Array<{ scheduledTime: string; why: string }> }>('POST', `${base(requireProject(ctx))}/${seg(name)}:backfill`, { body: { from: opts.from, to: opts.to, only: opts.only } });
      emit(ctx.json, r, () => {
        say(`${r.periods} scheduled time(s) from ${opts.from} to ${opts.to}: ${r.runs.length} run(s) queued, ${r.skipped.length} left alone (--only ${opts.only}).`);
        if (r.runs.length) printTable(['SCHEDULED', 'RUN'], r.runs.map((x) => [x.scheduledTime, x.run.split('/').pop()!]), '');
        if (r.runs.length) note('They start as the pipeline\'s maxActiveRuns allows, oldest first: rouge pipelines runs list.');
      });
    });

  const dead = cmd.command('dead-letters').description('firings that could not start a run: list and replay');
  apiCommand(dead, 'list', 'dead letters, newest first').option('--trigger <name>', 'of one trigger').action(async (opts: GlobalFlags & { trigger?: string }) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request<{ deliveries: DeliveryView[] }>('GET', `${projectPath(project)}/triggerDeliveries?state=DEAD&pageSize=100${opts.trigger ? `&trigger=${seg(opts.trigger)}` : ''}`);
    emit(ctx.json, body, () => printTable(['DELIVERY', 'TRIGGER', 'CREATED', 'REASON'], body.deliveries.map((d) => [d.deliveryId, d.trigger.split('/').pop()!, shortTime(d.createTime), d.reason ?? '']), 'No dead letters.'));
  });
  apiCommand(dead, 'replay <deliveryId>', 'deliver a dead letter again (after fixing the pipeline or resuming it)').action(async (id: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const d = await ctx.client.request<DeliveryView>('POST', `${projectPath(requireProject(ctx))}/triggerDeliveries/${seg(id)}:replay`);
    emit(ctx.json, d, () => say(d.state === 'DELIVERED' ? `Replayed: run ${d.run.split('/').pop()} started.` : `Replayed; the delivery is ${d.state}${d.reason ? `: ${d.reason}` : ''}.`));
  });
}
