import { InvalidArgumentError, Option, type Command } from 'commander';
import { ApiError } from '../kit/client.js';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext, type Context } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, printTable, say, shortTime } from '../kit/output.js';
import { positiveInt } from '../kit/parsers.js';
import { rawRequest } from '../kit/raw.js';
import type { AdsSettings, AdvertiserView, AuctionResult, CampaignView } from '../../ads/index.js';
import { registerAdsReportCommand } from './ads-report.js';
import { formatPrice, projectPath } from './catalog.js';

// The server's rules (src/ads/schemas.ts), repeated so a typo is a usage error before any request.
const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const ITEM_ID = /^(?!\.{1,2}$)[A-Za-z0-9._~-]{1,128}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const AUCTION_TYPES = ['second_price', 'first_price'];
const PACING = ['even', 'asap'];
const MINOR = 'integer minor units of the currency (150 is 1.50 EUR)';

type Money = CampaignView['bid'];
type SettingsView = AdsSettings & { name: string; updateTime?: string };

/** An advertiser or campaign id given as an argument; a usage error unless the server could accept it. */
function resourceName(kind: 'advertiser' | 'campaign', text: string): string {
  if (!NAME.test(text)) throw usageError(`${JSON.stringify(text)} is not ${kind === 'advertiser' ? 'an advertiser' : 'a campaign'} name`, 'names are lower-case letters, digits and hyphens, starting with a letter, at most 63 characters');
  return text;
}
/** The same rule for --advertiser and --name, as commander's usage error naming the option. */
function nameOption(text: string): string {
  if (!NAME.test(text)) throw new InvalidArgumentError('use lower-case letters, digits and hyphens, starting with a letter, at most 63 characters.');
  return text;
}
/** An amount in minor units: a whole number from 1 (the server checks the upper bounds). */
function minorUnits(text: string): number {
  if (!/^\d{1,11}$/.test(text.trim()) || Number(text) < 1) throw new InvalidArgumentError('give a whole number of minor units, 1 or more, such as 150 for 1.50 EUR.');
  return Number(text);
}
/**
 * `--total-budget none` on update removes the total budget. "none" stays a
 * string here: commander turns a parser's null into "".
 */
function minorUnitsOrNone(text: string): number | 'none' {
  return text === 'none' ? 'none' : minorUnits(text);
}
function currencyCode(text: string): string {
  const code = text.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new InvalidArgumentError('use an ISO 4217 code such as EUR, USD or INR.');
  return code;
}
/** An RFC 3339 time (or a date, meaning its midnight UTC), sent as UTC. */
function time(text: string): string {
  const t = /^\d{4}-\d{2}-\d{2}(T|$)/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(t)) throw new InvalidArgumentError('use an RFC 3339 time such as 2026-12-01T09:00:00Z, or a date such as 2026-12-01.');
  return new Date(t).toISOString();
}
function timeOrNone(text: string): string {
  return text === 'none' ? 'none' : time(text);
}
/** `--products a,b --products c` -> ['a', 'b', 'c']: catalogue item ids. */
function itemIds(text: string, prev: string[] | undefined): string[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of list) if (!ITEM_ID.test(id)) throw new InvalidArgumentError(`${JSON.stringify(id)} is not a catalogue item id (letters, digits and ._~-, up to 128).`);
  return [...(prev ?? []), ...list];
}
/** `--candidates a,b=0.8`: ids, each with an optional relevance in (0, 1]. */
function candidates(text: string, prev: Array<{ id: string; quality?: number }> | undefined): Array<{ id: string; quality?: number }> {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean).map((c) => {
    const at = c.indexOf('=');
    const id = at < 0 ? c : c.slice(0, at);
    const q = at < 0 ? undefined : Number(c.slice(at + 1));
    if (!ITEM_ID.test(id) || (q !== undefined && !(q > 0 && q <= 1))) throw new InvalidArgumentError('use item ids, each optionally with its relevance from 0 (excluded) to 1, such as lip-1,lip-2=0.8.');
    return { id, ...(q !== undefined ? { quality: q } : {}) };
  });
  return [...(prev ?? []), ...list];
}
function idempotencyKey(text: string): string {
  if (!IDEMPOTENCY_KEY.test(text)) throw new InvalidArgumentError('use 1 to 255 printable ASCII characters without spaces.');
  return text;
}

const settingsPath = (project: string) => `${projectPath(project)}/adsSettings`;
const advertisersPath = (project: string) => `${projectPath(project)}/advertisers`;
const advertiserPath = (project: string, advertiser: string) => `${advertisersPath(project)}/${seg(advertiser)}`;
const campaignsPath = (project: string, advertiser: string) => `${advertiserPath(project, advertiser)}/campaigns`;
const campaignPath = (project: string, advertiser: string, campaign: string) => `${campaignsPath(project, advertiser)}/${seg(campaign)}`;

/** A creating POST; with a key, sent with Idempotency-Key so a retry returns the first answer instead of creating twice. */
async function create<T>(ctx: Context, path: string, body: unknown, key: string | undefined): Promise<T> {
  if (key === undefined) return ctx.client.request<T>('POST', path, { body });
  // ApiClient sends no extra headers; the raw request does, with the same key and error mapping.
  const bytes = Buffer.from(JSON.stringify(body));
  const raw = await rawRequest(ctx.client, 'POST', path, {
    headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': key },
    body: new Blob([bytes]).stream(),
    contentLength: bytes.length,
    signal: AbortSignal.timeout(60_000),
  });
  return raw.json<T>();
}

/**
 * The currency amounts are sent in: --currency, else the project's ads
 * currency (every amount must be in it). An advertiser's own key cannot read
 * the settings; it is told to pass --currency.
 */
async function currencyOf(ctx: Context, project: string, given: string | undefined): Promise<string> {
  if (given) return given;
  try {
    return (await ctx.client.request<SettingsView>('GET', settingsPath(project))).currency;
  } catch (e) {
    if (e instanceof ApiError && e.httpStatus === 403) {
      throw new CliError(`cannot read the project's ads currency: ${e.message}`, ExitCode.AUTH, ['pass --currency <code> (the currency the project\'s ads run in) to skip this lookup']);
    }
    throw e;
  }
}

const money = (amount: number, currency: string): Money => ({ amount, currency });

function settingsFields(s: SettingsView): Array<[string, string | undefined]> {
  return [
    ['name', s.name], ['currency', s.currency], ['reservePrice', formatPrice(money(s.reservePrice, s.currency))], ['auctionType', s.auctionType],
    ['attributionWindow', `${s.attributionWindowDays} days`], ['updateTime', s.updateTime ? shortTime(s.updateTime) : '(defaults: never set)'],
  ];
}

function advertiserFields(a: AdvertiserView): Array<[string, string | undefined]> {
  return [['name', a.name], ['advertiserId', a.advertiserId], ['displayName', a.displayName], ['brand', a.brand], ['createTime', shortTime(a.createTime)], ['updateTime', shortTime(a.updateTime)]];
}

const statusOf = (c: CampaignView) => (c.statusReason ? `${c.status} (${c.statusReason})` : c.status);

function campaignFields(c: CampaignView): Array<[string, string | undefined]> {
  const bids = Object.entries(c.productBids);
  return [
    ['name', c.name], ['campaignId', c.campaignId], ['displayName', c.displayName], ['status', statusOf(c)],
    ['products', `${c.products.length}: ${c.products.join(', ')}`], ['bid', formatPrice(c.bid)],
    ['productBids', bids.length ? bids.map(([id, m]) => `${id} ${formatPrice(m)}`).join(', ') : undefined],
    ['dailyBudget', formatPrice(c.dailyBudget)], ['totalBudget', c.totalBudget ? formatPrice(c.totalBudget) : 'none'], ['pacing', c.pacing],
    ['startTime', shortTime(c.startTime)], ['endTime', c.endTime ? shortTime(c.endTime) : 'none'],
    ['spendToday', formatPrice(c.spend.today)], ['spendTotal', formatPrice(c.spend.total)],
    ['createTime', shortTime(c.createTime)], ['updateTime', shortTime(c.updateTime)],
  ];
}

/** `rouge ads ...`: sponsored products' settings, advertisers, campaigns, auctions and reports. */
export function registerAdsCommands(program: Command): void {
  const ads = program.command('ads').description('sponsored products: the project\'s ads settings, advertisers (brands), their campaigns, auctions, and reports');

  // ---- settings ------------------------------------------------------------
  const settings = ads.command('settings').description('the project\'s ads settings: currency, reserve price, auction type, attribution window');

  apiCommand(settings, 'get', 'show the ads settings (defaults until set)').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const s = await ctx.client.request<SettingsView>('GET', settingsPath(requireProject(ctx)));
    emit(ctx.json, s, () => printFields(settingsFields(s)));
  });

  apiCommand(settings, 'set', 'change the given settings; the others stay as they are')
    .option('--currency <code>', 'the ISO 4217 currency every bid and budget is in, such as EUR (fixed once a campaign exists)', currencyCode)
    .option('--reserve-price <amount>', `the least a click costs, in ${MINOR}`, minorUnits)
    .addOption(new Option('--auction-type <type>', 'second_price: a winner pays what keeps its rank; first_price: its bid').choices(AUCTION_TYPES))
    .option('--attribution-window-days <n>', 'how long after a click a purchase is credited to it, 1 to 90 days', positiveInt)
    .action(async (opts: GlobalFlags & { currency?: string; reservePrice?: number; auctionType?: string; attributionWindowDays?: number }) => {
      const body = { currency: opts.currency, reservePrice: opts.reservePrice, auctionType: opts.auctionType, attributionWindowDays: opts.attributionWindowDays };
      const mask = Object.entries(body).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (mask.length === 0) throw usageError('nothing to set', 'pass at least one of --currency, --reserve-price, --auction-type, --attribution-window-days');
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const s = await ctx.client.request<SettingsView>('PATCH', settingsPath(project), { query: { updateMask: mask.join(',') }, body });
      emit(ctx.json, s, () => {
        say(`Updated the ads settings of project ${project}.`);
        printFields(settingsFields(s));
      });
    });

  // ---- advertisers ---------------------------------------------------------
  const advertisers = ads.command('advertisers').description('advertisers: brands whose catalogue products their campaigns promote');

  apiCommand(advertisers, 'create <advertiser>', 'create an advertiser for one catalogue brand')
    .requiredOption('--brand <brand>', 'the catalogue brand whose products it may promote, as items spell it (such as "Aurelia")')
    .option('--display-name <text>', 'human-readable name (default: the advertiser name)')
    .option('--idempotency-key <key>', 'a key that makes a retried create return the first answer instead of failing', idempotencyKey)
    .action(async (name: string, opts: GlobalFlags & { brand: string; displayName?: string; idempotencyKey?: string }) => {
      resourceName('advertiser', name);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const a = await create<AdvertiserView>(ctx, advertisersPath(project), { name, brand: opts.brand, displayName: opts.displayName }, opts.idempotencyKey);
      emit(ctx.json, a, () => {
        say(`Created advertiser ${a.advertiserId} (brand ${a.brand}). Next: rouge ads campaigns create --advertiser ${a.advertiserId} --products <ids> --bid <amount> --daily-budget <amount>`);
        printFields(advertiserFields(a));
      });
    });

  apiCommand(advertisers, 'list', 'list the advertisers of --project').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(advertisersPath(project), 'advertisers');
    emit(ctx.json, body, () => {
      const rows = (body.advertisers as AdvertiserView[]).map((a) => [a.advertiserId, a.brand, a.displayName, shortTime(a.updateTime)]);
      printTable(['ADVERTISER', 'BRAND', 'DISPLAY NAME', 'UPDATED'], rows, `No advertisers in project ${project}; create one with rouge ads advertisers create <name> --brand <brand>.`);
    });
  });

  apiCommand(advertisers, 'get <advertiser>', 'show an advertiser').action(async (name: string, opts: GlobalFlags) => {
    resourceName('advertiser', name);
    const ctx = resolveContext(opts);
    const a = await ctx.client.request<AdvertiserView>('GET', advertiserPath(requireProject(ctx), name));
    emit(ctx.json, a, () => printFields(advertiserFields(a)));
  });

  apiCommand(advertisers, 'update <advertiser>', 'rename an advertiser or change its brand (only an ads manager changes a brand)')
    .option('--display-name <text>', 'human-readable name')
    .option('--brand <brand>', 'the catalogue brand whose products it may promote')
    .action(async (name: string, opts: GlobalFlags & { displayName?: string; brand?: string }) => {
      resourceName('advertiser', name);
      const body = { displayName: opts.displayName, brand: opts.brand };
      const mask = Object.entries(body).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (mask.length === 0) throw usageError('nothing to update', 'pass --display-name or --brand');
      const ctx = resolveContext(opts);
      const a = await ctx.client.request<AdvertiserView>('PATCH', advertiserPath(requireProject(ctx), name), { query: { updateMask: mask.join(',') }, body });
      emit(ctx.json, a, () => {
        say(`Updated advertiser ${a.advertiserId}.`);
        printFields(advertiserFields(a));
      });
    });

  apiCommand(advertisers, 'delete <advertiser>', 'delete an advertiser (refused while it has campaigns)').action(async (name: string, opts: GlobalFlags) => {
    resourceName('advertiser', name);
    const ctx = resolveContext(opts);
    const body = await ctx.client.request('DELETE', advertiserPath(requireProject(ctx), name));
    emit(ctx.json, body, () => say(`Deleted advertiser ${name}.`));
  });

  // ---- campaigns -----------------------------------------------------------
  const campaigns = ads.command('campaigns').description('an advertiser\'s campaigns: the products promoted, the bid per click, the budgets');
  const advertiserOption = (cmd: Command) => cmd.requiredOption('--advertiser <advertiser>', 'the advertiser the campaign belongs to', nameOption);
  const currencyHelp = 'the currency of the amounts (default: the project\'s ads currency, read from its settings)';
  const moneyHelp = `Amounts (--bid, budgets) are ${MINOR}, in the project's ads currency.`;

  advertiserOption(apiCommand(campaigns, 'create', 'create a campaign: products of the advertiser\'s brand, a bid per click and a daily budget'))
    .option('--name <campaign>', 'the campaign id (default: one the server picks, c-<hex>)', nameOption)
    .requiredOption('--products <ids>', 'the catalogue products to promote, comma-separated (or repeated), all of the advertiser\'s brand', itemIds)
    .requiredOption('--bid <amount>', `the most a click may cost, in ${MINOR}`, minorUnits)
    .requiredOption('--daily-budget <amount>', `the most spent per day (the project's time zone), in ${MINOR}`, minorUnits)
    .option('--total-budget <amount>', `the most spent in all, in ${MINOR}; the campaign pauses once it is spent`, minorUnits)
    .option('--currency <code>', currencyHelp, currencyCode)
    .addOption(new Option('--pacing <pacing>', 'even (default): spread the daily budget over the day; asap: spend it as fast as auctions allow').choices(PACING))
    .option('--start <time>', 'when it starts, RFC 3339 (default: now)', time)
    .option('--end <time>', 'when it ends, RFC 3339 (default: runs until paused)', time)
    .option('--paused', 'create it paused (resume it with rouge ads campaigns resume)')
    .option('--display-name <text>', 'human-readable name (default: the campaign id)')
    .option('--idempotency-key <key>', 'a key that makes a retried create return the same campaign instead of creating a second one', idempotencyKey)
    .addHelpText('after', `\n${moneyHelp}\nExample: rouge ads campaigns create --advertiser aurelia --name lips --products aurelia-lip-1,aurelia-lip-2 --bid 80 --daily-budget 5000`)
    .action(async (opts: GlobalFlags & { advertiser: string; name?: string; products: string[]; bid: number; dailyBudget: number; totalBudget?: number; currency?: string; pacing?: string; start?: string; end?: string; paused?: boolean; displayName?: string; idempotencyKey?: string }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const currency = await currencyOf(ctx, project, opts.currency);
      const body = {
        name: opts.name, displayName: opts.displayName, products: opts.products, bid: money(opts.bid, currency), dailyBudget: money(opts.dailyBudget, currency),
        totalBudget: opts.totalBudget === undefined ? undefined : money(opts.totalBudget, currency), pacing: opts.pacing, startTime: opts.start, endTime: opts.end,
        status: opts.paused ? 'paused' : undefined,
      };
      const c = await create<CampaignView>(ctx, campaignsPath(project, opts.advertiser), body, opts.idempotencyKey);
      emit(ctx.json, c, () => {
        say(`Created campaign ${c.campaignId} for advertiser ${opts.advertiser} (${c.status}).`);
        printFields(campaignFields(c));
      });
    });

  advertiserOption(apiCommand(campaigns, 'list', 'list an advertiser\'s campaigns with their bids, budgets and spend')).action(async (opts: GlobalFlags & { advertiser: string }) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(campaignsPath(project, opts.advertiser), 'campaigns');
    emit(ctx.json, body, () => {
      const rows = (body.campaigns as CampaignView[]).map((c) => [
        c.campaignId, statusOf(c), formatPrice(c.bid), formatPrice(c.dailyBudget), formatPrice(c.spend.today), formatPrice(c.spend.total), String(c.products.length),
      ]);
      printTable(['CAMPAIGN', 'STATUS', 'BID', 'DAILY BUDGET', 'SPEND TODAY', 'TOTAL SPEND', 'PRODUCTS'], rows,
        `No campaigns for advertiser ${opts.advertiser}; create one with rouge ads campaigns create --advertiser ${opts.advertiser} --products <ids> --bid <amount> --daily-budget <amount>.`);
    });
  });

  advertiserOption(apiCommand(campaigns, 'get <campaign>', 'show a campaign with today\'s spend and all of it')).action(async (name: string, opts: GlobalFlags & { advertiser: string }) => {
    resourceName('campaign', name);
    const ctx = resolveContext(opts);
    const c = await ctx.client.request<CampaignView>('GET', campaignPath(requireProject(ctx), opts.advertiser, name));
    emit(ctx.json, c, () => printFields(campaignFields(c)));
  });

  advertiserOption(apiCommand(campaigns, 'update <campaign>', 'change a campaign\'s bid, budgets, products or end; the rest stays as it is'))
    .option('--bid <amount>', `the most a click may cost, in ${MINOR}`, minorUnits)
    .option('--daily-budget <amount>', `the most spent per day, in ${MINOR}`, minorUnits)
    .option('--total-budget <amount>', `the most spent in all, in ${MINOR}; "none" removes it`, minorUnitsOrNone)
    .option('--products <ids>', 'the products to promote, comma-separated (or repeated): replaces the list', itemIds)
    .option('--end <time>', 'when it ends, RFC 3339; "none" lets it run until paused', timeOrNone)
    .option('--currency <code>', currencyHelp, currencyCode)
    .addHelpText('after', `\n${moneyHelp}\nExample: rouge ads campaigns update lips --advertiser aurelia --bid 95 --end 2026-12-31T23:00:00Z`)
    .action(async (name: string, opts: GlobalFlags & { advertiser: string; bid?: number; dailyBudget?: number; totalBudget?: number | 'none'; products?: string[]; end?: string; currency?: string }) => {
      resourceName('campaign', name);
      const given = { bid: opts.bid, dailyBudget: opts.dailyBudget, totalBudget: opts.totalBudget, products: opts.products, endTime: opts.end };
      const mask = Object.entries(given).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (mask.length === 0) throw usageError('nothing to update', 'pass at least one of --bid, --daily-budget, --total-budget, --products, --end (pause and resume have commands of their own)');
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const amounts = opts.bid !== undefined || opts.dailyBudget !== undefined || typeof opts.totalBudget === 'number';
      const currency = amounts ? await currencyOf(ctx, project, opts.currency) : '';
      // "none" is JSON null: the API's way to remove a total budget or an end.
      const asMoney = (n: number | 'none' | undefined) => (n === 'none' ? null : n === undefined ? undefined : money(n, currency));
      const body = {
        products: opts.products, bid: asMoney(opts.bid), dailyBudget: asMoney(opts.dailyBudget), totalBudget: asMoney(opts.totalBudget),
        endTime: opts.end === 'none' ? null : opts.end,
      };
      const c = await ctx.client.request<CampaignView>('PATCH', campaignPath(project, opts.advertiser, name), { query: { updateMask: mask.join(',') }, body });
      emit(ctx.json, c, () => {
        say(`Updated campaign ${c.campaignId}.`);
        printFields(campaignFields(c));
      });
    });

  for (const [verb, status, description] of [['pause', 'paused', 'pause a campaign: it leaves every auction within a second'], ['resume', 'active', 'resume a paused campaign']] as const) {
    advertiserOption(apiCommand(campaigns, `${verb} <campaign>`, description)).action(async (name: string, opts: GlobalFlags & { advertiser: string }) => {
      resourceName('campaign', name);
      const ctx = resolveContext(opts);
      const c = await ctx.client.request<CampaignView>('PATCH', campaignPath(requireProject(ctx), opts.advertiser, name), { query: { updateMask: 'status' }, body: { status } });
      emit(ctx.json, c, () => say(`Campaign ${c.campaignId} of advertiser ${opts.advertiser} is ${statusOf(c)}.`));
    });
  }

  advertiserOption(apiCommand(campaigns, 'delete <campaign>', 'delete a campaign (its spend stays in the ledger)')).action(async (name: string, opts: GlobalFlags & { advertiser: string }) => {
    resourceName('campaign', name);
    const ctx = resolveContext(opts);
    const body = await ctx.client.request('DELETE', campaignPath(requireProject(ctx), opts.advertiser, name));
    emit(ctx.json, body, () => say(`Deleted campaign ${name} of advertiser ${opts.advertiser}.`));
  });

  // ---- auction -------------------------------------------------------------
  apiCommand(ads, 'auction', 'run an auction for sponsored slots, as a storefront does (one of --query, --item-ids, --candidates)')
    .option('--query <text>', 'what the shopper searched: ads stay inside the categories it matches')
    .option('--item-ids <ids>', 'the products on the page, comma-separated: ads stay inside their categories and never repeat them', itemIds)
    .option('--candidates <ids>', 'the products that may win, comma-separated, each optionally with a relevance in (0, 1]: lip-1,lip-2=0.8', candidates)
    .option('--slots <n>', 'how many sponsored products to return, 1 to 10', positiveInt, 3)
    .option('--debug', 'also show why each campaign won, lost or was ineligible (ads managers; amounts in minor units)')
    .action(async (opts: GlobalFlags & { query?: string; itemIds?: string[]; candidates?: Array<{ id: string; quality?: number }>; slots: number; debug?: boolean }) => {
      const given = [opts.query, opts.itemIds, opts.candidates].filter((x) => x !== undefined).length;
      if (given !== 1) throw usageError('give exactly one of --query, --item-ids or --candidates', 'what the page is about decides which products are relevant, such as rouge ads auction --query lipstick');
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = { slots: opts.slots, query: opts.query, itemIds: opts.itemIds, candidates: opts.candidates, debug: opts.debug };
      const r = await ctx.client.request<AuctionResult>('POST', `${projectPath(project)}/auctions`, { body });
      emit(ctx.json, r, () => {
        printTable(['RANK', 'PRODUCT', 'CAMPAIGN', 'CPC'], r.winners.map((w) => [String(w.rank), w.id, w.campaignId, formatPrice(w.cpc)]),
          `No sponsored product won${opts.debug ? '.' : '; run it with --debug to see why.'}`);
        if (!r.debug) return;
        if (r.winners.length > 0) say('');
        const n = (x: number | undefined) => (x === undefined ? '-' : String(x));
        printTable(['OUTCOME', 'CAMPAIGN', 'PRODUCT', 'BID', 'QUALITY', 'SCORE', 'CPC', 'REASON'],
          r.debug.entries.map((e) => [e.outcome, e.campaignId, e.itemId, String(e.bid), n(e.quality), n(e.score), n(e.cpc), e.reason]),
          'No campaign offers a product relevant to this page.');
        for (const line of r.debug.notes) note(line);
      });
    });

  // ---- report (ads-report.ts) ----------------------------------------------
  registerAdsReportCommand(ads, nameOption);
}
