import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, printJson, printTable, say, shortTime } from '../kit/output.js';
import { rawRequest } from '../kit/raw.js';
import { projectPath } from './catalog.js';

/*
 * Ad feeds (src/tagging/feeds): the files Merchant Center and Meta fetch, what
 * they leave out and change, the tags they carry in custom labels, and the
 * per-feed tokens the channels fetch with. The shapes are the API's
 * (src/tagging/feeds/routes.ts), repeated here for their fields only.
 */

type Feed = 'google' | 'meta';
type Format = 'tsv' | 'xml' | 'csv';

/** Why an item is left out of a feed, or what was changed in it to fit. */
interface Finding {
  itemId: string;
  field: string;
  rule: string;
  message: string;
}

/** GET /v1/projects/{p}/feeds/{feed}/report. */
interface FeedReport {
  feed: string;
  items: number;
  included: number;
  excluded: Finding[];
  changed: Finding[];
}

/** GET|PATCH /v1/projects/{p}/feedSettings. */
interface FeedSettings {
  name: string;
  customLabels: Array<string | null>;
}

/** One token as listed. */
interface TokenView {
  name: string;
  tokenId: string;
  feed: string;
  createTime: string;
}

/** POST …/feeds/{feed}/tokens: the only answer that holds the password. */
interface CreatedToken extends TokenView {
  username: string;
  password: string;
  note: string;
}

// The server's rules (src/tagging/feeds/routes.ts, fields.ts, formats.ts), repeated so a typo is a usage error before any request.
const FEEDS: readonly Feed[] = ['google', 'meta'];
const FORMATS: Record<Feed, readonly Format[]> = { google: ['tsv', 'xml'], meta: ['csv'] };
const ACCEPT: Record<Format, string> = { tsv: 'text/tab-separated-values', xml: 'application/rss+xml', csv: 'text/csv' };
const TAG_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const TOKEN_ID = /^ft[a-z0-9]{10,40}$/;
const LABELS = 5;
/** The rules that mean a required field is missing or unusable; image rules are not among them. */
const REQUIRED_RULES = ['required', 'positive'];

const feedsPath = (project: string) => `${projectPath(project)}/feeds`;
const tokensPath = (project: string, feed: Feed) => `${feedsPath(project)}/${feed}/tokens`;
const settingsPath = (project: string) => `${projectPath(project)}/feedSettings`;

/** `google` or `meta`; a usage error for anything else. */
function feedArg(text: string): Feed {
  if ((FEEDS as readonly string[]).includes(text)) return text as Feed;
  throw usageError(`${JSON.stringify(text)} is not a feed`, 'use google (Merchant Center) or meta (Meta Commerce Manager)');
}

/** The format of a feed's export: the default, or the one given when the channel takes it. */
function formatFor(feed: Feed, given: Format | undefined): Format {
  const allowed = FORMATS[feed];
  if (given === undefined) return allowed[0]!;
  if (allowed.includes(given)) return given;
  const choices = allowed.map((f, i) => `--format ${f}${i === 0 ? ' (the default)' : ''}`).join(' or ');
  throw usageError(`the ${feed} feed is not served as ${given}`, `use ${choices}`);
}

/** A custom label's tag: a tag name, or "-" for none. */
function labelArg(text: string): string | null {
  if (text === '-') return null;
  if (TAG_NAME.test(text)) return text;
  throw usageError(`${JSON.stringify(text)} is not a tag name`, 'tag names are lower-case letters, digits and underscores, starting with a letter (colour_family, image_quality, background); "-" leaves a label empty');
}

function tokenIdArg(text: string): string {
  if (TOKEN_ID.test(text)) return text;
  throw usageError(`${JSON.stringify(text)} is not a feed token id`, 'token ids look like ft0123456789abcdef; list them with rouge feeds tokens list <feed>');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const labelFields = (s: FeedSettings): Array<[string, string]> => s.customLabels.map((t, i) => [`custom_label_${i}`, t ?? '-']);
/** The items left out of a feed because a required field is missing or unusable (no title, a price of 0, ...). */
const requiredMissing = (r: FeedReport) => [...new Set(r.excluded.filter((f) => REQUIRED_RULES.includes(f.rule)).map((f) => f.itemId))];
const findingRows = (list: Finding[]) => list.map((f) => [f.itemId, f.field, f.rule, f.message]);

/**
 * `rouge feeds export <feed>`: the feed file as the server sends it, streamed
 * to stdout, then how many items the report leaves out, on stderr.
 */
async function exportFeed(feedText: string, opts: GlobalFlags & { format?: Format }): Promise<void> {
  const feed = feedArg(feedText);
  const format = formatFor(feed, opts.format);
  if (opts.json) throw usageError('--json does not apply to rouge feeds export: it prints the feed file as the channel fetches it', `for the report as JSON, run rouge feeds validate ${feed} --json`);
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  const res = await rawRequest(ctx.client, 'GET', `${feedsPath(project)}/${feed}.${format}`, { headers: { accept: ACCEPT[format] } });
  try {
    // end: false keeps stdout open; only the remark below follows, on stderr.
    await pipeline(res.body, process.stdout, { end: false });
  } catch (e) {
    // The reader went away (`| head`): not an error of ours.
    if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw new CliError(`the ${feed} feed broke off: ${(e as Error).message}`, ExitCode.API_ERROR, ['run it again']);
  }
  const r = await ctx.client.request<FeedReport>('GET', `${feedsPath(project)}/${feed}/report`);
  const left = r.items - r.included;
  note(left === 0
    ? `No item is left out of the ${feed} feed (${plural(r.items, 'item')}).`
    : `${left} of ${plural(r.items, 'item')} left out of the ${feed} feed; rouge feeds validate ${feed} lists them.`);
}

/**
 * `rouge feeds validate <feed>`: what the feed leaves out and what it changed
 * to fit; exit 1 when an item is left out for a required field.
 */
async function validateFeed(feedText: string, opts: GlobalFlags): Promise<void> {
  const feed = feedArg(feedText);
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  const r = await ctx.client.request<FeedReport>('GET', `${feedsPath(project)}/${feed}/report`);
  if (ctx.json) printJson(r);
  else {
    if (r.excluded.length > 0) {
      say(`Left out of the ${feed} feed:`);
      printTable(['ITEM', 'FIELD', 'RULE', 'MESSAGE'], findingRows(r.excluded), '');
    }
    if (r.changed.length > 0) {
      if (r.excluded.length > 0) say('');
      say(`Changed to fit the ${feed} feed:`);
      printTable(['ITEM', 'FIELD', 'RULE', 'MESSAGE'], findingRows(r.changed), '');
    }
    note(`The ${feed} feed of project ${project}: ${plural(r.items, 'item')}, ${r.included} included, ${r.items - r.included} excluded; ${plural(r.changed.length, 'change')}.`);
  }
  const missing = requiredMissing(r);
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', ...' : '');
    throw new CliError(`${plural(missing.length, 'item is', 'items are')} left out of the ${feed} feed for a missing or invalid required field (${shown})`, ExitCode.API_ERROR, [
      'fix them in the catalogue (rouge catalog get <id>, then rouge catalog put <file>); the feed is rebuilt when the catalogue changes',
    ]);
  }
}

/** `rouge feeds export|validate|labels|tokens`: the product feeds Merchant Center and Meta fetch. */
export function registerFeedCommands(program: Command): void {
  const feeds = program.command('feeds').description('the product feeds Merchant Center (google) and Meta (meta) fetch: export, validate, custom labels, fetch tokens');

  apiCommand(feeds, 'export <feed>', 'print a feed file as the channel fetches it (google: TSV or RSS; meta: CSV): only items that pass validation')
    .addOption(new Option('--format <format>', 'tsv or xml for google (default tsv), csv for meta').choices(['tsv', 'xml', 'csv']))
    .addHelpText('after', [
      '',
      'The file goes to stdout as the server sends it; how many items it leaves out goes to stderr.',
      'Example: rouge feeds export google --format xml --project storefront > google.xml',
    ].join('\n'))
    .action(exportFeed);

  apiCommand(feeds, 'validate <feed>', 'what a feed (google or meta) leaves out and why, and what it changed to fit; exit 1 when an item lacks a required field')
    .addHelpText('after', [
      '',
      'Items left out for a required field (rule required or positive) make it exit 1; items left out only',
      'for an image rule (rouge tags run) do not. --json prints the report as the API returns it.',
      'Example: rouge feeds validate google --project storefront',
    ].join('\n'))
    .action(validateFeed);

  // ---- labels --------------------------------------------------------------
  const labels = feeds.command('labels').description('which item tags the feeds carry in custom_label_0..4');

  apiCommand(labels, 'get', 'show the tag each custom label carries ("-" for none)').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const s = await ctx.client.request<FeedSettings>('GET', settingsPath(requireProject(ctx)));
    emit(ctx.json, s, () => printFields(labelFields(s)));
  });

  apiCommand(labels, 'set <tags...>', 'set the tags of custom_label_0..4 in order, up to 5 ("-" for none); labels not given are left empty')
    .addHelpText('after', '\nExample: rouge feeds labels set colour_family image_quality - background --project storefront')
    .action(async (tags: string[], opts: GlobalFlags) => {
      if (tags.length > LABELS) throw usageError(`${tags.length} tags given; a feed has ${LABELS} custom labels`, 'give at most 5 tags, in the order of custom_label_0..4 ("-" for none)');
      const customLabels = [...tags.map(labelArg), ...Array<null>(LABELS - tags.length).fill(null)];
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const s = await ctx.client.request<FeedSettings>('PATCH', settingsPath(project), { body: { customLabels } });
      emit(ctx.json, s, () => {
        say(`Updated the feed labels of project ${project}.`);
        printFields(labelFields(s));
      });
    });

  // ---- tokens --------------------------------------------------------------
  const tokens = feeds.command('tokens').description('tokens a channel fetches a feed with (HTTP Basic), one feed each');

  apiCommand(tokens, 'create <feed>', 'create a token for a feed (google or meta); its password is shown once')
    .addHelpText('after', '\nExample: rouge feeds tokens create google --project storefront')
    .action(async (feedText: string, opts: GlobalFlags) => {
      const feed = feedArg(feedText);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const t = await ctx.client.request<CreatedToken>('POST', tokensPath(project, feed));
      emit(ctx.json, t, () => {
        const [url, ...others] = FORMATS[feed].map((f) => `${ctx.client.url}${feedsPath(project)}/${feed}.${f}`);
        say(`Created token ${t.tokenId} for the ${feed} feed of project ${project}.`);
        printFields([['tokenId', t.tokenId], ['username', t.username], ['password', t.password], ['feedUrl', url]]);
        say('');
        say('Store the password now; it cannot be shown again (Rouge keeps only its hash).');
        say(feed === 'google'
          ? `In Merchant Center, add a scheduled fetch of the feedUrl${others.length ? ` (or ${others.join(', ')} for RSS)` : ''} with this username and password: it sends them with HTTP Basic.`
          : `In Meta Commerce Manager, add a scheduled feed from the feedUrl with this username and password: it sends them with HTTP Basic.`);
        say(`The channel fetches over the internet: if it reaches Rouge at another address than ${ctx.client.url}, use that one.`);
      });
    });

  apiCommand(tokens, 'list <feed>', 'list the tokens of a feed (google or meta), never their passwords').action(async (feedText: string, opts: GlobalFlags) => {
    const feed = feedArg(feedText);
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request<{ tokens: TokenView[] }>('GET', tokensPath(project, feed));
    emit(ctx.json, body, () => {
      printTable(['TOKEN', 'FEED', 'CREATED'], body.tokens.map((t) => [t.tokenId, t.feed, shortTime(t.createTime)]), `The ${feed} feed of project ${project} has no tokens; create one with rouge feeds tokens create ${feed}.`);
    });
  });

  apiCommand(tokens, 'delete <feed> <tokenId>', 'revoke a feed\'s token: the next fetch with it is refused').action(async (feedText: string, id: string, opts: GlobalFlags) => {
    const feed = feedArg(feedText);
    tokenIdArg(id);
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request('DELETE', `${tokensPath(project, feed)}/${seg(id)}`);
    emit(ctx.json, body, () => say(`Deleted token ${id} of the ${feed} feed: fetches with it are refused from now on.`));
  });
}
