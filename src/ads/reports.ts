import type { ProjectService } from '../platform/index.js';
import { dayPosition } from './budget-day.js';
import * as errors from './errors.js';
import type { AdsSettings } from './settings.js';
import type { AdsStore } from './store.js';

const DAY_MS = 86_400_000;
/** Click statuses that are not traffic at all (as opposed to a real click that was simply not billed again). */
export const INVALID_CLICKS = new Set(['forged', 'expired', 'no_impression', 'burst']);

type Money = { amount: number; currency: string };

/** One line of a report: a day, an hour or a campaign, or the totals. */
export interface ReportLine {
  day?: string;
  /** The local hour in the project's time zone, `2026-12-06T14` (with groupBy=hour). */
  hour?: string;
  campaignId?: string;
  impressions: number;
  clicks: number;
  invalidClicks: number;
  ctr: number;
  spend: Money;
  orders: number;
  revenue: Money;
  haloOrders: number;
  haloRevenue: Money;
  /** Direct revenue over spend; null without spend. */
  roas: number | null;
  /** Direct and halo revenue over spend. */
  roasWithHalo: number | null;
}

export interface Report {
  advertiser: string;
  /** With ?campaign=: the one campaign reported on. */
  campaign?: string;
  from: string;
  to: string;
  groupBy: GroupBy;
  currency: string;
  rows: ReportLine[];
  totals: ReportLine;
}

interface Acc {
  impressions: number;
  clicks: number;
  invalidClicks: number;
  spend: number;
  orders: Set<string>;
  revenue: number;
  haloOrders: Set<string>;
  haloRevenue: number;
}
const acc = (): Acc => ({ impressions: 0, clicks: 0, invalidClicks: 0, spend: 0, orders: new Set(), revenue: 0, haloOrders: new Set(), haloRevenue: 0 });

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** An hourly report's longest window: a week is 168 rows, enough to see pacing day by day. */
const MAX_HOURLY_DAYS = 7;

export type GroupBy = 'day' | 'hour' | 'campaign';

/** The local hour of a moment in the project's time zone, `2026-12-06T14`: the budget day and the hour its clock shows. */
function localHour(timeZone: string, at: number): string {
  const p = dayPosition(timeZone, at);
  // fraction is the local clock's seconds over 86,400, so this is the hour on the wall clock, DST days included.
  return `${p.day}T${String(Math.min(23, Math.floor(p.fraction * 24))).padStart(2, '0')}`;
}

/**
 * An advertiser's numbers per budget day or per campaign over a window of
 * days in the project's time zone: impressions, clicks (and invalid ones)
 * from the interactions; spend, attributed orders and revenue (direct and
 * halo) from the ledger, so the totals are the ledger's sums exactly.
 */
export class Reports {
  constructor(private readonly store: AdsStore, private readonly projects: ProjectService, private readonly settings: (project: string) => Promise<AdsSettings>) {}

  async advertiser(project: string, advertiser: string, q: { from?: string; to?: string; groupBy?: GroupBy; campaign?: string }): Promise<Report> {
    const [{ timeZone }, settings] = await Promise.all([this.projects.get(project), this.settings(project)]);
    const today = dayPosition(timeZone, Date.now()).day;
    const to = q.to ?? today;
    const from = q.from ?? shiftDay(to, -6);
    for (const [name, d] of [['from', from], ['to', to]] as const) if (!DATE.test(d) || Number.isNaN(Date.parse(d))) throw errors.REPORT_INVALID({ why: `${name} ${JSON.stringify(d)} is not a date such as 2026-12-01` });
    if (from > to) throw errors.REPORT_INVALID({ why: `from ${from} is after to ${to}` });
    if ((Date.parse(to) - Date.parse(from)) / DAY_MS > 366) throw errors.REPORT_INVALID({ why: 'the window is longer than 366 days; ask for a year at a time' });
    const groupBy = q.groupBy ?? 'day';
    if (groupBy === 'hour' && (Date.parse(to) - Date.parse(from)) / DAY_MS >= MAX_HOURLY_DAYS) throw errors.REPORT_INVALID({ why: `groupBy=hour covers at most ${MAX_HOURLY_DAYS} days; ask for a shorter window, or group by day` });
    const groups = new Map<string, Acc>();
    const total = acc();
    const at = (key: string) => {
      let a = groups.get(key);
      if (!a) groups.set(key, (a = acc()));
      return a;
    };
    // Local days start up to 14 hours either side of UTC midnight: read a day more on each side and keep the window's.
    const since = new Date(Date.parse(from) - DAY_MS).toISOString();
    const until = new Date(Date.parse(to) + 2 * DAY_MS).toISOString();
    // With q.campaign, one campaign's numbers (a campaign's pacing by hour); else the advertiser's. The store filters.
    const keyOf = (day: string, at: number, campaign: string) => (groupBy === 'day' ? day : groupBy === 'hour' ? localHour(timeZone, at) : campaign);
    for (const r of await this.store.interactionCounts(project, advertiser, since, until, q.campaign)) {
      const day = dayPosition(timeZone, r.start).day;
      if (day < from || day > to) continue;
      const key = keyOf(day, r.start, r.campaign!);
      for (const a of [at(key), total]) {
        if (r.type === 'impression' && r.status === 'valid') a.impressions += r.n;
        else if (r.type === 'click' && r.status === 'valid' && r.charged) a.clicks += r.n;
        else if (r.type === 'click' && INVALID_CLICKS.has(r.status)) a.invalidClicks += r.n;
      }
    }
    for (const r of await this.store.clickSpend(project, advertiser, from, to, q.campaign)) {
      const key = keyOf(r.day, r.start, r.campaign);
      for (const a of [at(key), total]) a.spend += r.amount;
    }
    for (const r of await this.store.creditsOf(project, advertiser, from, to, q.campaign)) {
      const key = keyOf(r.day, Date.parse(r.time), r.campaign);
      const amount = Number(r.amount);
      for (const a of [at(key), total]) {
        if (r.kind === 'attribution') {
          a.revenue += amount;
          if (amount > 0) a.orders.add(r.event_id);
        } else if (r.kind === 'halo') {
          a.haloRevenue += amount;
          if (amount > 0) a.haloOrders.add(r.event_id);
        }
      }
    }
    const c = settings.currency;
    const rows = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, a]) => ({ ...(groupBy === 'campaign' ? { campaignId: key } : { [groupBy]: key }), ...line(a, c) }));
    return { advertiser: `projects/${project}/advertisers/${advertiser}`, ...(q.campaign !== undefined ? { campaign: q.campaign } : {}), from, to, groupBy, currency: c, rows, totals: line(total, c) };
  }
}

function line(a: Acc, currency: string): ReportLine {
  const ratio = (x: number, y: number) => (y > 0 ? Math.round((x / y) * 1e4) / 1e4 : null);
  return {
    impressions: a.impressions, clicks: a.clicks, invalidClicks: a.invalidClicks, ctr: ratio(a.clicks, a.impressions) ?? 0,
    spend: { amount: a.spend, currency }, orders: a.orders.size, revenue: { amount: a.revenue, currency },
    haloOrders: a.haloOrders.size, haloRevenue: { amount: a.haloRevenue, currency },
    roas: ratio(a.revenue, a.spend), roasWithHalo: ratio(a.revenue + a.haloRevenue, a.spend),
  };
}

function shiftDay(day: string, by: number): string {
  return new Date(Date.parse(day) + by * DAY_MS).toISOString().slice(0, 10);
}

/** The report as CSV, one line per row and a last `total` line; money in minor units. */
export function reportCsv(r: Report): string {
  const head = [r.groupBy, 'impressions', 'clicks', 'invalid_clicks', 'ctr', 'spend', 'orders', 'revenue', 'halo_orders', 'halo_revenue', 'roas', 'roas_with_halo', 'currency'];
  const cells = (key: string, l: ReportLine) => [key, l.impressions, l.clicks, l.invalidClicks, l.ctr, l.spend.amount, l.orders, l.revenue.amount, l.haloOrders, l.haloRevenue.amount, l.roas ?? '', l.roasWithHalo ?? '', r.currency];
  const lines = [head, ...r.rows.map((l) => cells(l.day ?? l.hour ?? l.campaignId ?? '', l)), cells('total', r.totals)];
  return `${lines.map((l) => l.map((v) => csvCell(String(v))).join(',')).join('\n')}\n`;
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
