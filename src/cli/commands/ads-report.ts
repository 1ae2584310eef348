import { InvalidArgumentError, Option, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printTable, say } from '../kit/output.js';
import { rawRequest } from '../kit/raw.js';
import type { Report, ReportLine } from '../../ads/reports.js';
import { formatPrice, projectPath } from './catalog.js';

// The server's rules (src/ads/reports.ts), repeated so a typo is a usage error before any request.
const GROUP_BY = ['day', 'hour', 'campaign'];
const DAY_MS = 86_400_000;
const MAX_WINDOW_DAYS = 366;

/** A budget day, YYYY-MM-DD, that exists in the calendar (2026-02-30 does not). */
function day(text: string): string {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== text) throw new InvalidArgumentError('use a date such as 2026-12-01 (a day in the project\'s time zone).');
  return text;
}

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const roas = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}x`);

function cells(key: string, l: ReportLine): string[] {
  return [
    key, String(l.impressions), String(l.clicks), String(l.invalidClicks), percent(l.ctr), formatPrice(l.spend), String(l.orders), formatPrice(l.revenue),
    String(l.haloOrders), formatPrice(l.haloRevenue), roas(l.roas),
  ];
}

/**
 * `rouge ads report --advertiser <a>`: the advertiser's numbers per day or
 * campaign with a TOTAL row; `--csv` prints the server's CSV as it came.
 * `advertiserName` is the parser `rouge ads` checks every --advertiser with.
 */
export function registerAdsReportCommand(ads: Command, advertiserName: (text: string) => string): void {
  apiCommand(ads, 'report', 'an advertiser\'s impressions, clicks, spend, attributed orders and revenue (direct and halo) and ROAS, per day or campaign')
    .requiredOption('--advertiser <advertiser>', 'the advertiser to report on', advertiserName)
    .option('--from <date>', 'the first day, such as 2026-12-01, in the project\'s time zone (default: 6 days before --to)', day)
    .option('--to <date>', 'the last day, included (default: today in the project\'s time zone)', day)
    .addOption(new Option('--group-by <group>', 'one row per day, per local hour (a window of at most 7 days) or per campaign (default: day)').choices(GROUP_BY))
    .addOption(new Option('--csv', 'print the server\'s CSV (money in minor units, a last "total" line) instead of a table').conflicts('json'))
    .addHelpText('after', [
      '',
      'Spend is what the charged clicks cost; orders and revenue are purchases credited to a click on the',
      'same product (direct) or on another product of the brand (halo). ROAS is direct revenue over spend.',
      'Example: rouge ads report --advertiser aurelia --from 2026-12-01 --to 2026-12-07 --group-by campaign',
    ].join('\n'))
    .action(async (opts: GlobalFlags & { advertiser: string; from?: string; to?: string; groupBy?: string; csv?: boolean }) => {
      if (opts.from !== undefined && opts.to !== undefined) {
        if (opts.from > opts.to) throw usageError(`--from ${opts.from} is after --to ${opts.to}`, 'give the first day with --from and the last with --to');
        if ((Date.parse(opts.to) - Date.parse(opts.from)) / DAY_MS > MAX_WINDOW_DAYS) {
          throw usageError(`${opts.from} to ${opts.to} is longer than ${MAX_WINDOW_DAYS} days`, 'ask for a year at a time');
        }
      }
      const ctx = resolveContext(opts);
      const path = `${projectPath(requireProject(ctx))}/advertisers/${seg(opts.advertiser)}/reports`;
      const query = { from: opts.from, to: opts.to, groupBy: opts.groupBy };
      if (opts.csv) {
        const res = await rawRequest(ctx.client, 'GET', path, { query: { ...query, format: 'csv' }, headers: { accept: 'text/csv' }, signal: AbortSignal.timeout(60_000) });
        process.stdout.write(await res.text());
        return;
      }
      const r = await ctx.client.request<Report>('GET', path, { query });
      emit(ctx.json, r, () => {
        if (r.rows.length === 0) {
          note(`No impressions, clicks or attributed orders for advertiser ${opts.advertiser} from ${r.from} to ${r.to}.`);
          return;
        }
        say(`Advertiser ${opts.advertiser}, ${r.from} to ${r.to}:`);
        const byCampaign = r.groupBy === 'campaign';
        printTable(
          [byCampaign ? 'CAMPAIGN' : r.groupBy === 'hour' ? 'HOUR' : 'DAY', 'IMPRESSIONS', 'CLICKS', 'INVALID', 'CTR', 'SPEND', 'ORDERS', 'REVENUE', 'HALO ORDERS', 'HALO REVENUE', 'ROAS'],
          [...r.rows.map((l) => cells((byCampaign ? l.campaignId : l.day ?? l.hour) ?? '-', l)), cells('TOTAL', r.totals)],
          '',
        );
      });
    });
}
