import { InvalidArgumentError, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import { addGlobalOptions, type GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, printJson, printTable, say, shortTime } from '../kit/output.js';
import { positiveInt } from '../kit/parsers.js';
import { formatOperationError, operationId, timeoutMs, waitForOperation, type Operation } from '../kit/wait.js';
import type { RecommenderView, RecommendResult } from '../../placements/index.js';
import { formatPrice } from './catalog.js';

// The server's lists (src/placements/schemas.ts), repeated so a typo is a usage error before any request.
const KINDS = ['search', 'similar', 'for-you', 'trending', 'popular', 'bought-together'];
const FIELDS = ['title', 'price', 'imageLink', 'categoryPath', 'brand', 'link'];
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

function recommenderName(text: string): string {
  if (!NAME.test(text)) throw usageError(`${JSON.stringify(text)} is not a recommender name`, 'names are lower-case letters, digits and hyphens, starting with a letter, at most 63 characters');
  return text;
}
function kind(text: string): string {
  if (!KINDS.includes(text)) throw new InvalidArgumentError(`use one of ${KINDS.join(', ')}.`);
  return text;
}
function fieldList(text: string): string[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of list) if (!FIELDS.includes(f)) throw new InvalidArgumentError(`${f} is not an item field; use some of ${FIELDS.join(', ')}.`);
  return list;
}
function rulesJson(text: string): Record<string, unknown> {
  const v = jsonObject(text);
  if (v) return v;
  throw new InvalidArgumentError('use a JSON object, such as \'{"maxPerBrand": 2, "excludePurchased": true}\'.');
}
function experimentJson(text: string): Record<string, unknown> {
  const v = jsonObject(text);
  if (v && Array.isArray(v.variants)) return v;
  throw new InvalidArgumentError('use a JSON object such as \'{"unit": "userId", "variants": [{"name": "control", "weight": 50}, {"name": "rerank", "weight": 50, "rerank": {"endpoint": "ranker"}}]}\'.');
}
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const interval = (i: [number, number]) => `${percent(i[0])}-${percent(i[1])}`;

interface ReportView {
  variants: Array<{ name: string; users: number; impressions: number; clicks: number; ctr: number; ctrInterval: [number, number]; addToCarts: number; addToCartRate: number; conversions: number; conversionRate: number; conversionRateInterval: [number, number]; revenue: { amount: number; currency: string } }>;
  from: string;
  to: string;
  notes: string[];
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').map((s) => s.trim()).filter(Boolean)];

const base = (project: string) => `/v1/projects/${seg(project)}/recommenders`;

function fieldsOf(r: RecommenderView): Array<[string, string | undefined]> {
  return [
    ['name', r.name], ['kind', r.kind], ['model', r.model], ['displayName', r.displayName],
    ['rules', Object.keys(r.rules).length ? JSON.stringify(r.rules) : undefined], ['fields', r.fields.join(', ') || undefined],
    ['rerank', r.rerank ? `${r.rerank.endpoint} (top ${r.rerank.topK}, ${r.rerank.budgetMs} ms)` : undefined],
    ['experiment', r.experiment ? `by ${r.experiment.unit}: ${r.experiment.variants.map((v) => `${v.name} ${v.weight}%`).join(', ')}` : undefined],
    ['createTime', shortTime(r.createTime)], ['updateTime', shortTime(r.updateTime)],
  ];
}

/** `rouge recommenders ...` and `rouge recs train`: placements on the storefront and the model behind them. */
export function registerRecommenderCommands(program: Command): void {
  const existing = program.commands.find((c) => c.name() === 'recs');
  const recs = existing ?? program.command('recs').description('train and evaluate recommendation models');
  const train = apiCommand(recs, 'train', 'train a recommendation model from the project\'s events (an Operation) and register it as a rouge-recs version')
    .option('--model <name>', 'the model to add the version to (default recs, created when missing)')
    .option('--alias <alias>', 'move this alias to the new version, such as champion (recommenders following it switch at once)')
    .option('--weight <type=weight>', 'weight of an event type (repeatable), such as purchase=8 (defaults: view 1, add_to_cart 3, purchase 5)', (v: string, prev: Record<string, number> | undefined) => {
      const [t, w] = v.split('=');
      const n = Number(w);
      if (!t || w === undefined || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('use <event type>=<weight from 0 to 100>, such as purchase=8.');
      return { ...prev, [t]: n };
    })
    .option('--no-wait', 'print the Operation and return at once')
    .option('--timeout <duration>', 'stop waiting after this long, such as 10m (training goes on)', timeoutMs)
    .action(async (opts: GlobalFlags & { model?: string; alias?: string; weight?: Record<string, number>; wait: boolean; timeout?: number }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = { ...(opts.model ? { model: opts.model } : {}), ...(opts.alias ? { alias: opts.alias } : {}), ...(opts.weight ? { eventWeights: opts.weight } : {}) };
      const started = await ctx.client.request<Operation>('POST', `/v1/projects/${seg(project)}/recs:train`, { body });
      if (!opts.wait) {
        emit(ctx.json, started, () => say(`Training: operation ${operationId(started.name)}. Follow it with rouge operations wait ${operationId(started.name)}.`));
        return;
      }
      const op = await waitForOperation(ctx.client, started.name, { timeoutMs: opts.timeout, interruptNote: (id) => `training goes on (rouge operations wait ${id})` });
      if (ctx.json) return printJson(op);
      if (op.error) throw new CliError(`training failed: ${formatOperationError(op.error)}`, ExitCode.API_ERROR);
      const r = op.response as { modelVersion: string; versionAliases: string[]; events: number; interactions: number; items: number; users: number; seconds: number; metrics: Record<string, number> };
      say(`Trained ${r.modelVersion} (${r.versionAliases.join(', ') || 'no alias'}) from ${r.events} events in ${r.seconds} s: ${r.items} items, ${r.users} shoppers.`);
      const m = Object.entries(r.metrics ?? {}).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(', ');
      if (m) say(`validation: ${m}`);
    });
  // `recs` came before the API commands (for `recs evaluate`, which runs locally): its API leaf needs the global options here.
  if (existing) addGlobalOptions(train);

  const cmd = program.command('recommenders').description('placements on the storefront (search, similar, for-you, trending, popular, bought-together) and their rules');

  apiCommand(cmd, 'create <recommender>', 'create a recommender of one kind that follows a model alias')
    .requiredOption('--kind <kind>', KINDS.join(', '), kind)
    .option('--model <model@alias>', 'the model and alias it follows (default recs@champion)')
    .option('--display-name <text>', 'human-readable name')
    .option('--rules <json>', 'business rules as JSON: excludeItemIds, excludePurchased, maxPerBrand, filter, boosts', rulesJson)
    .option('--fields <list>', `item fields returned by default, comma-separated: ${FIELDS.join(', ')}`, fieldList)
    .option('--rerank <endpoint>', 're-rank the best candidates with the model deployed on this endpoint (one FP32 input [-1, 7])')
    .option('--rerank-top-k <n>', 'how many candidates it re-orders (default 50)', positiveInt)
    .option('--rerank-budget-ms <n>', 'answer without re-ranking past this (default 20)', positiveInt)
    .option('--experiment <json>', 'an A/B test: {"unit": "userId", "variants": [{"name", "weight", "model"?, "rerank"?}]}', experimentJson)
    .action(async (name: string, opts: GlobalFlags & { kind: string; model?: string; displayName?: string; rules?: Record<string, unknown>; fields?: string[]; rerank?: string; rerankTopK?: number; rerankBudgetMs?: number; experiment?: Record<string, unknown> }) => {
      recommenderName(name);
      if (!opts.rerank && (opts.rerankTopK !== undefined || opts.rerankBudgetMs !== undefined)) throw usageError('--rerank-top-k and --rerank-budget-ms need --rerank <endpoint>');
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const rerank = opts.rerank ? { endpoint: opts.rerank, topK: opts.rerankTopK, budgetMs: opts.rerankBudgetMs } : undefined;
      const r = await ctx.client.request<RecommenderView>('POST', base(project), { body: { name, kind: opts.kind, model: opts.model, displayName: opts.displayName, rules: opts.rules, fields: opts.fields, rerank, experiment: opts.experiment } });
      emit(ctx.json, r, () => {
        say(`Created recommender ${r.recommenderId}. Try: rouge recommenders recommend ${r.recommenderId}${r.kind === 'search' ? ' --query lipstick' : r.kind === 'similar' || r.kind === 'bought-together' ? ' --item <id>' : r.kind === 'for-you' ? ' --user <id>' : ''}`);
        printFields(fieldsOf(r));
      });
    });

  apiCommand(cmd, 'list', 'list the recommenders of --project').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(base(project), 'recommenders');
    emit(ctx.json, body, () => {
      const rows = (body.recommenders as RecommenderView[]).map((r) => [r.recommenderId, r.kind, r.model, Object.keys(r.rules).join(', ') || '-', shortTime(r.updateTime)]);
      printTable(['RECOMMENDER', 'KIND', 'MODEL', 'RULES', 'UPDATED'], rows, `No recommenders in project ${project}; create one with rouge recommenders create <name> --kind similar.`);
    });
  });

  apiCommand(cmd, 'get <recommender>', 'show a recommender').action(async (name: string, opts: GlobalFlags) => {
    recommenderName(name);
    const ctx = resolveContext(opts);
    const r = await ctx.client.request<RecommenderView>('GET', `${base(requireProject(ctx))}/${seg(name)}`);
    emit(ctx.json, r, () => printFields(fieldsOf(r)));
  });

  apiCommand(cmd, 'delete <recommender>', 'delete a recommender').action(async (name: string, opts: GlobalFlags) => {
    recommenderName(name);
    const ctx = resolveContext(opts);
    const body = await ctx.client.request('DELETE', `${base(requireProject(ctx))}/${seg(name)}`);
    emit(ctx.json, body, () => say(`Deleted recommender ${name}.`));
  });

  apiCommand(cmd, 'recommend <recommender>', 'ask a recommender for items, as the storefront does')
    .option('--user <id>', 'the signed-in shopper')
    .option('--session <id>', 'the browser session')
    .option('--item <id>', 'a context item: the product on the page, the cart (repeatable or comma-separated)', collect)
    .option('--query <text>', 'what the shopper typed (search recommenders)')
    .option('--filter <expr>', 'only items that pass it, such as \'brand = "Aurelia"\'')
    .option('--limit <n>', '1 to 100 (default 10)', positiveInt)
    .option('--fields <list>', `item fields to show: ${FIELDS.join(', ')} (default title, brand, price)`, fieldList)
    .action(async (name: string, opts: GlobalFlags & { user?: string; session?: string; item?: string[]; query?: string; filter?: string; limit?: number; fields?: string[] }) => {
      recommenderName(name);
      const ctx = resolveContext(opts);
      const body = {
        userId: opts.user, sessionId: opts.session, itemIds: opts.item, query: opts.query, filter: opts.filter, limit: opts.limit,
        fields: opts.fields ?? (ctx.json ? undefined : ['title', 'brand', 'price']),
      };
      const r = await ctx.client.request<RecommendResult>('POST', `${base(requireProject(ctx))}/${seg(name)}:recommend`, { body });
      emit(ctx.json, r, () => {
        printTable(['ITEM', 'SCORE', 'REASON', 'TITLE', 'BRAND', 'PRICE'], r.items.map((i) => [i.id, i.score.toFixed(4), i.reason, String(i.title ?? ''), String(i.brand ?? ''), formatPrice(i.price as { amount: number; currency: string } | undefined)]), 'No items.');
        for (const n of r.notes) note(n);
        note(`${r.modelVersion}${r.variant ? `, variant ${r.variant}` : ''}${r.fallback ? ', with fallback items' : ''}${r.matched ? '' : ', context not matched'}; recommendationId ${r.recommendationId}`);
      });
    });

  apiCommand(cmd, 'report <recommender>', 'an experiment\'s numbers per variant, with 95% intervals (default: the last 7 days)')
    .option('--from <time>', 'start of the window (RFC 3339)')
    .option('--to <time>', 'end of the window, exclusive (RFC 3339; default now)')
    .action(async (name: string, opts: GlobalFlags & { from?: string; to?: string }) => {
      recommenderName(name);
      const ctx = resolveContext(opts);
      const r = await ctx.client.request<ReportView>('GET', `${base(requireProject(ctx))}/${seg(name)}/experiments/report`, { query: { from: opts.from, to: opts.to } });
      emit(ctx.json, r, () => {
        say(`Experiment of ${name}, ${shortTime(r.from)} to ${shortTime(r.to)}:`);
        printTable(
          ['VARIANT', 'USERS', 'IMPRESSIONS', 'CLICKS', 'CTR', 'CTR 95%', 'ADD-TO-CART', 'CONVERSIONS', 'CONV. RATE', 'CONV. 95%', 'REVENUE'],
          r.variants.map((v) => [v.name, String(v.users), String(v.impressions), String(v.clicks), percent(v.ctr), interval(v.ctrInterval), `${v.addToCarts} (${percent(v.addToCartRate)})`,
            String(v.conversions), percent(v.conversionRate), interval(v.conversionRateInterval), v.revenue.currency ? formatPrice(v.revenue) : '-']),
          'No variants.',
        );
        for (const n of r.notes) note(n);
      });
    });
}
