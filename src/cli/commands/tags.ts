import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printJson, printTable, say } from '../kit/output.js';
import { fileBody } from '../kit/multipart.js';
import { bar, byteProgress } from '../kit/progress.js';
import { rawRequest } from '../kit/raw.js';
import { formatOperationError, operationId, timeoutMs, waitForOperation, type Operation } from '../kit/wait.js';
import { itemId, projectPath } from './catalog.js';
import { registerClassifierCommands } from './tags-classifier.js';

/*
 * Image tagging (src/tagging): runs that analyse catalogue images against the
 * channels' image rules and tag them, each run's per-item results, an item's
 * tags, and image uploads. The shapes are the API's (src/tagging/schemas.ts),
 * repeated here for their fields only.
 */

/** GET /v1/projects/{p}/tagging/runs/{run}. */
interface RunView {
  name: string;
  runId: string;
  state: string;
  done: boolean;
  progress?: Record<string, unknown>;
  counts: { ok: number; errors: number };
  createTime: string;
  updateTime: string;
  endTime?: string;
}

/** One item's result in a run. */
interface RunResult {
  itemId: string;
  status: 'ok' | 'error' | string;
  imageHash?: string;
  checks: Array<{ name: string; passed: boolean; detail: string }>;
  tags: Array<{ name: string; value: string; confidence?: number }>;
  error?: { code: string; message: string };
  time: string;
}

interface ItemTag {
  name: string;
  value: string;
  source: string;
  confidence?: number;
  runId: string;
}

/** POST …/catalog/items/{id}/image. */
interface UploadView {
  itemId: string;
  imageHash: string;
  bytes: number;
  contentType: string;
}

// The server's rules (src/tagging/schemas.ts and routes.ts), repeated so a typo is a usage error before any request.
const RUN_ID = /^[A-Za-z0-9-]{1,64}$/;
const RUN_NAME = /^projects\/([^/]+)\/(?:tagging\/runs|operations)\/([^/]+)$/;
const MAX_UPLOAD = 20 * 1024 * 1024;
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

const runsPath = (project: string) => `${projectPath(project)}/tagging/runs`;
const itemPath = (project: string, id: string) => `${projectPath(project)}/catalog/items/${seg(id)}`;

/** `--items a,b --items c` -> ['a', 'b', 'c']: catalogue item ids, each checked. */
function itemList(text: string, prev: string[] | undefined): string[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of list) if (!/^[A-Za-z0-9._~-]{1,128}$/.test(id) || id === '.' || id === '..') throw new InvalidArgumentError(`${JSON.stringify(id)} is not a catalogue item id (letters, digits and ._~-, up to 128).`);
  return [...new Set([...(prev ?? []), ...list])];
}

/**
 * A run as typed: its id (the id of the Operation that started it), or its
 * full name `projects/p/tagging/runs/ID` (or `projects/p/operations/ID`),
 * whose project wins over the profile's.
 */
function parseRun(text: string, flagProject: string | undefined): { project: string | undefined; run: string } {
  const m = RUN_NAME.exec(text);
  const run = m ? m[2]! : text;
  const hint = 'pass the run id that rouge tags run printed (the id of its operation), such as 01JD3M8X0QK1V6ZP2B7T9YF4RC';
  if (!RUN_ID.test(run)) throw usageError(`${JSON.stringify(text)} is not a tagging run`, hint);
  if (m && flagProject !== undefined && flagProject !== m[1]) throw usageError(`${text} is in project ${m[1]}, not ${flagProject}`, 'drop --project, or pass just the run id');
  return { project: m?.[1], run };
}

/** The content type of an image file, from its extension; a usage error for any other. */
export function imageContentType(file: string): string {
  const type = IMAGE_TYPES[extname(file).toLowerCase()];
  if (type) return type;
  throw usageError(`cannot tell the image type of ${file} from its name`, 'upload a .png, .jpg, .jpeg or .webp file');
}

/** The size of an image file to upload; a usage error when it is missing, not a file, or larger than the server takes. */
async function imageSize(file: string): Promise<number> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw usageError(`${file} is not a file`, 'pass the path of a .png, .jpg, .jpeg or .webp image');
    size = s.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw usageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'pass the path of a .png, .jpg, .jpeg or .webp image');
  }
  if (size === 0) throw usageError(`${file} is empty`, 'pass the path of a .png, .jpg, .jpeg or .webp image');
  if (size > MAX_UPLOAD) throw usageError(`${file} is ${size} bytes; the server takes images of at most 20 MB`, 'resize or recompress it first');
  return size;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** `[########------------] 4/10 images, 1 error`: a run's progress as its job reports it. */
export function formatRunProgress(progress: Record<string, unknown> | undefined, withBar = true): string {
  const processed = num(progress?.processed);
  const total = num(progress?.total);
  if (processed === undefined || total === undefined) return '';
  const errors = num(progress?.errors) ?? 0;
  const counts = `${processed}/${total} images, ${plural(errors, 'error')}`;
  return withBar ? `${bar(total > 0 ? processed / total : 1, 20)} ${counts}` : counts;
}

/** `ID tagging run: RUNNING  [####----] 4/10 images, 1 error`: the status line shown while waiting. */
function runStatus(op: Operation): string {
  const progress = formatRunProgress(op.metadata.progress);
  return `${operationId(op.name)} tagging run: ${op.metadata.state}${progress ? `  ${progress}` : ''}`;
}

/** A result's failed checks, or its error: what the FAILED CHECKS column shows. */
function failures(r: RunResult): string {
  if (r.status === 'error') return r.error ? `${r.error.code}: ${r.error.message}` : 'error';
  return r.checks.filter((c) => !c.passed).map((c) => c.name).join(', ') || '-';
}

const failed = (r: RunResult) => r.status !== 'ok' || r.checks.some((c) => !c.passed);
const tagPairs = (tags: RunResult['tags']) => tags.map((t) => `${t.name}=${t.value}`).join(' ') || '-';

/** `rouge tags run|report|show|upload`: catalogue images checked and tagged. */
export function registerTagCommands(program: Command): void {
  const tags = program.command('tags').description('check catalogue images against the channels\' image rules and tag them (colour, background, blur, duplicates, product type), and review what the model is unsure of');
  registerClassifierCommands(tags);

  apiCommand(tags, 'run', 'analyse the images of all items, of some, or of those a filter keeps: an Operation, followed until it ends')
    .option('--all', 'every item of the catalogue')
    .option('--items <ids>', 'these items, comma-separated (repeatable)', itemList)
    .option('--filter <expr>', 'the items a catalogue filter keeps, such as \'category = "Makeup > Lips"\'')
    .option('--no-wait', 'print the run id and return at once')
    .option('--timeout <duration>', 'stop waiting after this long, such as 10m (the run goes on)', timeoutMs)
    .addHelpText('after', '\nExample: rouge tags run --all --project storefront, then rouge tags report <runId> --failed')
    .action(async (opts: GlobalFlags & { all?: boolean; items?: string[]; filter?: string; wait: boolean; timeout?: number }) => {
      const given = [opts.all, opts.items, opts.filter].filter((x) => x !== undefined).length;
      if (given !== 1) throw usageError('give exactly one of --all, --items or --filter', 'such as rouge tags run --all, rouge tags run --items SKU-1,SKU-2 or rouge tags run --filter \'brand = "Aurelia"\'');
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = opts.items ? { itemIds: opts.items } : opts.filter !== undefined ? { filter: opts.filter } : {};
      const started = await ctx.client.request<Operation>('POST', runsPath(project), { body });
      const id = operationId(started.name);
      if (!opts.wait) {
        emit(ctx.json, started, () => say(`Tagging run ${id} started. Follow it with rouge operations wait ${id}; then rouge tags report ${id}.`));
        return;
      }
      const op = await waitForOperation(ctx.client, started.name, {
        started,
        label: 'tagging run',
        timeoutMs: opts.timeout,
        status: runStatus,
        interruptNote: (run) => `the tagging run goes on (rouge operations wait ${run}, then rouge tags report ${run}; or cancel it with rouge operations cancel ${run})`,
      });
      const run = await ctx.client.request<RunView>('GET', `${runsPath(project)}/${seg(id)}`);
      if (ctx.json) printJson(run);
      if (op.error) {
        throw new CliError(`tagging run ${id} ended ${op.metadata.state}: ${formatOperationError(op.error)}`, ExitCode.API_ERROR, [
          `what it analysed before is in rouge tags report ${id}`,
        ]);
      }
      if (ctx.json) return;
      const { ok, errors } = run.counts;
      say(`Tagging run ${id} ${run.state}: ${ok} ok, ${plural(errors, 'error')} (${plural(ok + errors, 'item')}).`);
      say(`See each image's checks and tags with rouge tags report ${id} (add --failed for only the failures).`);
    });

  apiCommand(tags, 'report <runId>', 'a run\'s result per image: its failed checks (or why it could not be analysed) and its tags')
    .option('--failed', 'only images that could not be analysed or failed a check')
    .action(async (text: string, opts: GlobalFlags & { failed?: boolean }) => {
      const parsed = parseRun(text, opts.project);
      const ctx = resolveContext(opts);
      const project = parsed.project ?? requireProject(ctx);
      const path = `${runsPath(project)}/${seg(parsed.run)}`;
      const run = await ctx.client.request<RunView>('GET', path);
      const all = (await ctx.client.listAll<RunResult>(`${path}/results`, 'results')).results as RunResult[];
      const results = opts.failed ? all.filter(failed) : all;
      if (ctx.json) return printJson(results);
      printTable(
        ['ITEM', 'STATUS', 'FAILED CHECKS', 'TAGS'],
        results.map((r) => [r.itemId, r.status, failures(r), tagPairs(r.tags)]),
        opts.failed ? `No image of run ${parsed.run} failed${all.length ? ` (of ${plural(all.length, 'result')})` : ''}.` : `Run ${parsed.run} has no results yet.`,
      );
      const errors = all.filter((r) => r.status !== 'ok').length;
      const checks = all.filter((r) => r.status === 'ok' && failed(r)).length;
      note(`Run ${parsed.run} ${run.state}: ${plural(all.length, 'image')}, ${all.length - errors} ok (${checks} with a failed check), ${plural(errors, 'error')}.`);
      if (!run.done) note(`The run is not over: ${formatRunProgress(run.progress, false) || 'starting'}; run this again once it ends (rouge operations wait ${parsed.run}).`);
    });

  apiCommand(tags, 'show <itemId>', 'an item\'s tags: from the image analyzers, a model or a reviewer').action(async (id: string, opts: GlobalFlags) => {
    itemId(id);
    const ctx = resolveContext(opts);
    const body = await ctx.client.request<{ tags: ItemTag[] }>('GET', `${itemPath(requireProject(ctx), id)}/tags`);
    emit(ctx.json, body, () => {
      printTable(
        ['NAME', 'VALUE', 'SOURCE', 'CONFIDENCE', 'RUN'],
        body.tags.map((t) => [t.name, t.value, t.source, t.confidence === undefined ? '-' : t.confidence.toFixed(2), t.runId]),
        `Item ${id} has no tags yet; analyse its image with rouge tags run --items ${id}.`,
      );
    });
  });

  apiCommand(tags, 'upload <itemId> <file>', 'upload an item\'s image (.png, .jpg, .jpeg or .webp, at most 20 MB): runs analyse it instead of fetching its imageLink')
    .addHelpText('after', '\nExample: rouge tags upload SKU-123 packshot.png --project storefront')
    .action(async (id: string, file: string, opts: GlobalFlags) => {
      const contentType = imageContentType(file);
      itemId(id);
      const size = await imageSize(file);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const progress = byteProgress({ active: `uploading ${basename(file)}`, past: 'Uploaded', total: size });
      let r: UploadView;
      try {
        const res = await rawRequest(ctx.client, 'POST', `${itemPath(project, id)}/image`, {
          headers: { 'content-type': contentType, accept: 'application/json' },
          body: fileBody(file, size, (n) => progress.advance(n), 'upload it again once nothing writes to it'),
          contentLength: size,
        });
        r = await res.json<UploadView>();
        progress.done();
      } catch (e) {
        progress.fail();
        throw e;
      }
      emit(ctx.json, r, () => {
        say(`Uploaded ${basename(file)} as the image of item ${r.itemId} (${r.contentType}, ${r.bytes} bytes, sha256 ${r.imageHash.slice(0, 12)}).`);
        say(`Runs now analyse it instead of the item's imageLink: rouge tags run --items ${r.itemId}`);
      });
    });
}
