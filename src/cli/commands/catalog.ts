import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, printJson, printTable, say, shortTime } from '../kit/output.js';
import { formatPairs } from '../kit/pairs.js';
import { fileBody } from '../kit/multipart.js';
import { positiveInt } from '../kit/parsers.js';
import { byteProgress } from '../kit/progress.js';
import { rawRequest } from '../kit/raw.js';
import { formatOperationError, operationId, timeoutMs, waitForOperation, type Operation } from '../kit/wait.js';

/** A catalog item as the API returns it: the catalog module's own type, imported for its shape only. */
export type { Item } from '../../catalog/index.js';
import type { Item } from '../../catalog/index.js';

interface CategoryNode {
  name: string;
  path: string[];
  itemCount: number;
  children: CategoryNode[];
}

interface SearchResult {
  categories: Array<{ path: string[]; score: number; matchedItems: number }>;
  items: Item[];
  totalSize: number;
  matched: boolean;
  message?: string;
  nextPageToken?: string;
}

/** An import's Operation response (src/catalog/imports.ts, ImportResult). */
export interface ImportReport {
  inserted?: number;
  updated?: number;
  written?: number;
  duplicates?: number;
  rejected: number;
  rejections: Array<{ line: number; reason: string; field?: string; message: string }>;
  rejectionsTruncated?: boolean;
}

// The catalog's own rule (src/catalog/schemas.ts, ITEM_ID_PATTERN), repeated so a typo is a usage error before any request.
const ITEM_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/** An item id as typed; a usage error unless the API could accept it. */
export function itemId(text: string): string {
  if (!ITEM_ID.test(text)) throw usageError(`${JSON.stringify(text)} is not an item id`, 'item ids are letters, digits and . _ ~ -, 1 to 128 characters, such as SKU-123');
  return text;
}

export const projectPath = (project: string) => `/v1/projects/${seg(project)}`;
const itemsPath = (project: string) => `${projectPath(project)}/catalog/items`;

/** 1999 EUR -> "19.99 EUR": minor units shown with the currency's own number of decimals. */
export function formatPrice(price: { amount: number; currency: string } | undefined): string {
  if (!price) return '-';
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: price.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code (the server checks them, so this is a newer ICU list): two decimals.
  }
  const sign = price.amount < 0 ? '-' : '';
  const abs = Math.abs(price.amount);
  const whole = Math.floor(abs / 10 ** digits);
  const frac = digits > 0 ? `.${String(abs % 10 ** digits).padStart(digits, '0')}` : '';
  return `${sign}${whole}${frac} ${price.currency}`;
}

const category = (path: string[]) => path.join(' > ');

function itemFields(i: Item): Array<[string, string | undefined]> {
  return [
    ['name', i.name],
    ['id', i.id],
    ['title', i.title],
    ['brand', i.brand || undefined],
    ['category', category(i.categoryPath)],
    ['price', i.price ? formatPrice(i.price) : undefined],
    ['availability', i.availability],
    ['condition', i.condition],
    ['gtin', i.gtin],
    ['link', i.link],
    ['imageLink', i.imageLink],
    ['attributes', formatPairs(i.attributes) || undefined],
    ['description', i.description || undefined],
    ['createTime', shortTime(i.createTime)],
    ['updateTime', shortTime(i.updateTime)],
  ];
}

const ITEM_HEADERS = ['ID', 'TITLE', 'BRAND', 'CATEGORY', 'PRICE', 'AVAILABILITY'];
const itemRow = (i: Item) => [i.id, i.title, i.brand || '-', category(i.categoryPath), formatPrice(i.price), i.availability];

/** Reads a small JSON file (one item, one batch of events); a usage error if it is missing or not JSON. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw usageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, `pass the path of a JSON file holding ${what}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw usageError(`${file} is not JSON: ${(e as Error).message}`, `the file must hold ${what}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Imports: a file streamed up as the request body, then its Operation followed to the end.

export type ImportFormat = 'jsonl' | 'csv';
export const MEDIA_TYPES: Record<ImportFormat, string> = { jsonl: 'application/x-ndjson', csv: 'text/csv' };

/** The format of a file to import, from --format or else its extension. */
export function importFormat(file: string, given: string | undefined, allowed: ImportFormat[]): ImportFormat {
  const names = allowed.map((f) => (f === 'jsonl' ? '.jsonl or .ndjson' : '.csv')).join(', or ');
  if (given !== undefined) {
    if (!(allowed as string[]).includes(given)) throw usageError(`--format ${given} is not one of ${allowed.join(', ')}`, `pass --format ${allowed.join(' or --format ')}`);
    return given as ImportFormat;
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv' && allowed.includes('csv')) return 'csv';
  throw usageError(`cannot tell the format of ${file} from its name`, `name it ${names}, or pass --format ${allowed.join('|')}`);
}

/** The size of a regular file; a usage error otherwise. */
async function fileSize(file: string, what: string): Promise<number> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw usageError(`${file} is not a file`, `pass the path of ${what}`);
    return s.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw usageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, `pass the path of ${what}`);
  }
}

export interface ImportFlags extends GlobalFlags {
  format?: string;
  wait: boolean;
  timeout?: number;
  idempotencyKey?: string;
  showRejected: number;
}

const idOf = (op: Operation) => operationId(op.name);

const lines = (n: number) => (n === 1 ? 'line' : 'lines');

/** Prints an import's report: the counts, then the first rejected lines with their reasons. */
export function printImportReport(file: string, op: Operation, show: number): void {
  const r = op.response as ImportReport;
  const id = idOf(op);
  const counts = r.written !== undefined
    ? `${r.written} written, ${r.duplicates ?? 0} duplicates (already stored), ${r.rejected} rejected`
    : `${r.inserted ?? 0} inserted, ${r.updated ?? 0} updated, ${r.rejected} rejected`;
  say(`Imported ${basename(file)}: ${counts} (operation ${id}).`);
  if (r.rejected === 0) return;
  const listed = r.rejections.slice(0, show);
  if (listed.length > 0) {
    say('');
    printTable(['LINE', 'REASON', 'FIELD', 'MESSAGE'], listed.map((x) => [String(x.line), x.reason, x.field ?? '-', x.message]), '');
  }
  const unlisted = r.rejected - listed.length;
  if (unlisted > 0) {
    note(
      r.rejectionsTruncated && r.rejections.length <= show
        ? `${unlisted} more rejected ${lines(unlisted)}, not listed: the server keeps the first ${r.rejections.length}.`
        : `${unlisted} more rejected ${lines(unlisted)}: raise --show-rejected, or see them all with rouge operations get ${id} --json.`,
    );
  }
}

/**
 * Streams `file` to an `:import` route, then follows the Operation (unless
 * --no-wait) and prints the report. A finished import with rejected lines is
 * a success (exit 0); an Operation that failed is exit 1.
 */
export async function runImport(file: string, opts: ImportFlags, route: (project: string) => string, allowed: ImportFormat[], label: string): Promise<void> {
  const format = importFormat(file, opts.format, allowed);
  const size = await fileSize(file, `the ${allowed.join(' or ').toUpperCase()} file to import`);
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  const progress = byteProgress({ active: `uploading ${basename(file)}`, past: 'Uploaded', total: size });
  let started: Operation;
  try {
    const res = await rawRequest(ctx.client, 'POST', route(project), {
      headers: {
        'content-type': MEDIA_TYPES[format],
        accept: 'application/json',
        ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
      },
      body: fileBody(file, size, (n) => progress.advance(n), 'import it again once nothing writes to it'),
      contentLength: size,
    });
    started = (await res.json()) as Operation;
    progress.done();
  } catch (e) {
    progress.fail();
    throw e;
  }
  const id = idOf(started);
  if (!opts.wait) {
    emit(ctx.json, started, () => say(`Importing ${basename(file)}: operation ${id}. Follow it with rouge operations wait ${id}.`));
    return;
  }
  const op = await waitForOperation(ctx.client, started.name, { started, label, timeoutMs: opts.timeout });
  if (ctx.json) printJson(op);
  if (op.error) {
    throw new CliError(`the ${label} of ${basename(file)} (operation ${id}) ended ${op.metadata.state}: ${formatOperationError(op.error)}`, ExitCode.API_ERROR);
  }
  if (!ctx.json) printImportReport(file, op, opts.showRejected);
}

/** The options `catalog import` and `events import` share. */
export function importOptions(cmd: Command, formats: ImportFormat[]): Command {
  return cmd
    .addOption(new Option('--format <format>', 'the file\'s format (default: from its extension, .jsonl/.ndjson or .csv)').choices(formats))
    .option('--no-wait', 'print the Operation and return at once, without waiting for the import')
    .option('--timeout <duration>', 'stop waiting after this long, such as 90s or 10m (the import goes on)', timeoutMs)
    .option('--idempotency-key <key>', 'a key that makes a retried upload return the same Operation instead of importing twice')
    .option('--show-rejected <n>', 'list at most this many rejected lines', nonNegativeInt, 20);
}

function nonNegativeInt(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new InvalidArgumentError('it must be a whole number.');
  return Number(text);
}

// ---------------------------------------------------------------------------------------------

/** The category tree, depth first, as table rows with indented names. */
function treeRows(nodes: CategoryNode[], depth = 0): string[][] {
  return nodes.flatMap((n) => [[`${'  '.repeat(depth)}${n.name}`, String(n.itemCount)], ...treeRows(n.children, depth + 1)]);
}

/** `rouge catalog ...`: the product catalogue and its query-to-category search. */
export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description("import, read and search a project's product catalogue");

  importOptions(apiCommand(catalog, 'import <file>', 'import items from a JSONL (.jsonl, .ndjson) or CSV (.csv) file, as an Operation, and print its report'), ['jsonl', 'csv'])
    .addHelpText(
      'after',
      '\nThe file is streamed (never read into memory). A bad line never stops the rest: the report counts\n' +
        'inserted, updated and rejected lines and lists the first rejected ones with their reasons.\n' +
        'CSV: one column per field, price as "1999 EUR", categoryPath joined by " > ".\n' +
        'Example: rouge catalog import products.jsonl --project storefront',
    )
    .action((file: string, opts: ImportFlags) => runImport(file, opts, (p) => `${itemsPath(p)}:import`, ['jsonl', 'csv'], 'catalog import'));

  apiCommand(catalog, 'get <id>', 'show one item').action(async (id: string, opts: GlobalFlags) => {
    itemId(id);
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const item = await ctx.client.request<Item>('GET', `${itemsPath(project)}/${seg(id)}`);
    emit(ctx.json, item, () => printFields(itemFields(item)));
  });

  apiCommand(catalog, 'list', 'list items in id order')
    .option('--filter <expr>', 'field = "value" terms joined by AND, such as \'category = "Makeup > Lips" AND availability = "in_stock"\'')
    .option('--limit <n>', 'print at most this many items', positiveInt, 1000)
    .action(async (opts: GlobalFlags & { filter?: string; limit: number }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = await ctx.client.listAll(itemsPath(project), 'items', { filter: opts.filter }, opts.limit);
      emit(ctx.json, body, () => {
        printTable(ITEM_HEADERS, (body.items as Item[]).map(itemRow), opts.filter ? `No items in project ${project} match ${opts.filter}.` : `No items in project ${project}; add some with rouge catalog import <file>.`);
      });
      if (body.nextPageToken) note(`Showing the first ${opts.limit} items; more exist (raise --limit, or narrow with --filter).`);
    });

  apiCommand(catalog, 'put <file>', 'create or replace one item from a JSON file (its "id" names it, or --id)')
    .option('--id <id>', 'the item id (default: the file\'s "id" field)')
    .addHelpText('after', '\nExample: rouge catalog put sku-123.json   # {"id": "SKU-123", "title": "...", "categoryPath": ["Makeup", "Lips"], "price": {"amount": 1999, "currency": "EUR"}}')
    .action(async (file: string, opts: GlobalFlags & { id?: string }) => {
      const body = await readJsonFile(file, 'one item, a JSON object');
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw usageError(`${file} does not hold a JSON object`, 'put takes one item; import many with rouge catalog import <file.jsonl>');
      const inFile = (body as { id?: unknown }).id;
      const id = opts.id ?? (typeof inFile === 'string' ? inFile : undefined);
      if (id === undefined) throw usageError(`${file} has no "id"`, 'add an "id" field to the item, or pass --id');
      itemId(id);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const item = await ctx.client.request<Item>('PUT', `${itemsPath(project)}/${seg(id)}`, { body });
      emit(ctx.json, item, () => {
        say(`Saved item ${item.id}.`);
        printFields(itemFields(item));
      });
    });

  apiCommand(catalog, 'delete <id>', 'delete one item').action(async (id: string, opts: GlobalFlags) => {
    itemId(id);
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request('DELETE', `${itemsPath(project)}/${seg(id)}`);
    emit(ctx.json, body, () => say(`Deleted item ${id}.`));
  });

  apiCommand(catalog, 'categories', 'show the category tree with item counts (a parent counts its descendants\' items)').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request<{ categories: CategoryNode[]; totalItems: number }>('GET', `${projectPath(project)}/catalog/categories`);
    emit(ctx.json, body, () => {
      printTable(['CATEGORY', 'ITEMS'], treeRows(body.categories), `No categories in project ${project}: the catalogue is empty.`);
      if (body.categories.length > 0) say(`${body.totalItems} items in all.`);
    });
  });

  apiCommand(catalog, 'search <query>', 'the categories a shopper\'s query means, with scores, and the items inside them')
    .option('--page-size <n>', 'items per page, 1 to 200 (default 20)', positiveInt)
    .option('--page-token <token>', 'the next page, from a previous search')
    .option('--filter <filter>', 'keep matched items that pass it (docs/filters.md): availability = "in_stock" AND price.amount < 50000')
    .addHelpText('after', '\nExample: rouge catalog search "lipstik" --page-size 5 --filter \'availability = "in_stock"\'')
    .action(async (query: string, opts: GlobalFlags & { pageSize?: number; pageToken?: string; filter?: string }) => {
      if (query.trim() === '') throw usageError('the query is empty', 'pass what a shopper would type, such as rouge catalog search "red lipstick"');
      if (opts.pageSize !== undefined && opts.pageSize > 200) throw usageError(`--page-size ${opts.pageSize} is more than 200`, 'pass --page-size 200 or less');
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const r = await ctx.client.request<SearchResult>('GET', `${projectPath(project)}/catalog:search`, { query: { query, pageSize: opts.pageSize, pageToken: opts.pageToken, filter: opts.filter } });
      emit(ctx.json, r, () => {
        if (!r.matched || r.categories.length === 0) {
          note(`Nothing matched ${JSON.stringify(query)}: ${r.message ?? 'no category of the catalogue matches the query.'}`);
          return;
        }
        printTable(['CATEGORY', 'SCORE', 'MATCHED ITEMS'], r.categories.map((c) => [category(c.path), c.score.toFixed(3), String(c.matchedItems)]), '');
        say('');
        printTable(ITEM_HEADERS, r.items.map(itemRow), 'No items on this page.');
        if (r.nextPageToken) note(`${r.totalSize} items in all; next page: rouge catalog search ${JSON.stringify(query)} --page-token ${r.nextPageToken}`);
      });
    });

  const synonyms = catalog.command('synonyms').description('the synonym groups search treats as one word or phrase ("lip colour" = "lipstick")');
  apiCommand(synonyms, 'get', 'print the synonym groups, one group a line').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request<{ synonyms: string[][] }>('GET', `${projectPath(project)}/catalog/synonyms`);
    emit(ctx.json, body, () => {
      if (body.synonyms.length === 0) note(`No synonyms in project ${project}; set them with rouge catalog synonyms set <file>.`);
      for (const group of body.synonyms) say(group.join(', '));
    });
  });
  apiCommand(synonyms, 'set <file>', 'replace the synonym groups from a file: one group a line, phrases separated by commas ("-" reads standard input)')
    .addHelpText('after', '\nExample file:\n  lipstick, lip colour, lip color\n  kajal, kohl, eye pencil')
    .action(async (file: string, opts: GlobalFlags) => {
      const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw usageError(`cannot read ${file}: ${e.code ?? e.message}`, 'pass a text file with one synonym group a line');
      });
      const groups = text.split(/\r?\n/).map((line) => line.split(',').map((p) => p.trim()).filter(Boolean)).filter((g) => g.length > 0);
      for (const [i, g] of groups.entries()) {
        if (g.length < 2) throw usageError(`line ${i + 1} holds one phrase (${JSON.stringify(g[0])}); a group needs two or more, separated by commas`, 'write lipstick, lip colour');
      }
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = await ctx.client.request<{ synonyms: string[][] }>('PUT', `${projectPath(project)}/catalog/synonyms`, { body: { synonyms: groups } });
      emit(ctx.json, body, () => say(`Set ${body.synonyms.length} synonym group${body.synonyms.length === 1 ? '' : 's'} in project ${project}.`));
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
