import type { CatalogFace, UserEvent } from '../catalog/index.js';
import { nowIso, type ProjectService } from '../platform/index.js';
import { dayPosition } from './budget-day.js';
import type { AdsSettings } from './settings.js';
import type { AdsDb, AdsStore } from './store.js';
import type { LedgerRow } from './tables.js';

const DAY_MS = 86_400_000;

/** A charged click a purchase may credit: its ledger row and what it was on. */
export interface ChargedClick {
  id: string;
  campaign: string;
  advertiser: string;
  item: string;
  resolvedBidId: string;
  eventTime: string;
  /** The advertiser's brand, for halo attribution. */
  brand: string;
}

export interface AttributionDeps {
  store: AdsStore;
  catalog: CatalogFace;
  projects: ProjectService;
  settings: (project: string) => Promise<AdsSettings>;
}

/** Who a purchase's clicks may have come from: the user, and the session it was made in. */
export function visitorsOf(e: Pick<UserEvent, 'userId' | 'sessionId'>): string[] {
  const out: string[] = [];
  if (e.userId !== undefined) out.push(e.userId);
  if (e.sessionId !== undefined) out.push(`session:${e.sessionId}`);
  return out;
}

/**
 * Credits a purchase's line items to the sponsored clicks that earned them,
 * last click wins (Topsort, Amazon): the visitor's latest charged click on
 * the same product within the project's window is a direct attribution; with
 * none, their latest charged click on a product of the same brand is a halo
 * attribution, reported apart. A click after the purchase never counts, nor
 * one outside the window. Each attribution is a ledger row carrying the line's
 * revenue, keyed by the purchase and line so a resent purchase counts once;
 * a refund line (negative quantity) writes the reverse of the latest
 * attribution of that product to the visitor, never more than is left of it.
 * Lines in another currency than the project's ads currency are not credited.
 */
export class Attribution {
  constructor(private readonly d: AttributionDeps) {}

  async purchase(project: string, e: UserEvent, db: AdsDb): Promise<number> {
    const settings = await this.d.settings(project);
    // Revenue in another currency than the ads' cannot be added to theirs.
    const lines = (e.lineItems ?? []).map((l, i) => ({ ...l, i })).filter((l) => !l.price || l.price.currency === settings.currency);
    const visitors = visitorsOf(e);
    if (lines.length === 0 || visitors.length === 0) return 0;
    const at = Date.parse(e.eventTime);
    const { timeZone } = await this.d.projects.get(project);
    const day = dayPosition(timeZone, at).day;
    const base = (line: { id: string; i: number }) => ({ project, day, time: nowIso(), event_id: e.eventId, charge_key: `attr:${e.eventId}:${line.i}`, item: line.id, currency: settings.currency });
    let written = 0;
    // Refunds first, and whenever they come: a refund reverses an attribution however old it is.
    for (const line of lines.filter((l) => l.quantity < 0)) {
      const original = await this.latestAttribution(project, visitors, line.id, db);
      if (!original) continue;
      // A refund takes back at most what is left of the credit after earlier refunds of it.
      const left = Number(original.amount) + (await this.refunded(project, original.id, db));
      const amount = -Math.min(Math.abs((line.price?.amount ?? 0) * line.quantity), left);
      if (amount >= 0) continue;
      if (await this.d.store.insertCharge({ ...base(line), id: crypto.randomUUID(), kind: original.kind, campaign: original.campaign, advertiser: original.advertiser, amount, resolved_bid_id: original.resolved_bid_id, source: original.id }, db)) written++;
    }
    const bought = lines.filter((l) => l.quantity > 0);
    if (bought.length === 0) return written;
    const clicks = await this.clicksBefore(project, visitors, at, settings.attributionWindowDays, db);
    if (clicks.length === 0) return written;
    const brands = new Map((await this.d.catalog.items.getMany(project, [...new Set(bought.map((l) => l.id))])).map((i) => [i.id, i.brand]));
    for (const line of bought) {
      const revenue = (line.price?.amount ?? 0) * line.quantity;
      const direct = clicks.find((c) => c.item === line.id);
      const brand = brands.get(line.id);
      const halo = direct ? undefined : clicks.find((c) => brand !== undefined && c.brand === brand);
      const click = direct ?? halo;
      if (!click) continue;
      const row: LedgerRow = { ...base(line), id: crypto.randomUUID(), kind: direct ? 'attribution' : 'halo', campaign: click.campaign, advertiser: click.advertiser, amount: revenue, resolved_bid_id: click.resolvedBidId, source: click.id };
      if (await this.d.store.insertCharge(row, db)) written++;
    }
    return written;
  }

  /** The visitor's charged clicks in the window before `at`, latest first. */
  private async clicksBefore(project: string, visitors: string[], at: number, windowDays: number, db: AdsDb): Promise<ChargedClick[]> {
    const rows = await db.selectFrom('ads_interactions as i')
      .innerJoin('ads_ledger as l', (j) => j.onRef('l.project', '=', 'i.project').onRef('l.event_id', '=', 'i.event_id'))
      .innerJoin('advertisers as a', (j) => j.onRef('a.project', '=', 'l.project').onRef('a.id', '=', 'l.advertiser'))
      .select(['l.id', 'l.campaign', 'l.advertiser', 'l.item', 'l.resolved_bid_id', 'i.event_time', 'a.brand'])
      .where('i.project', '=', project).where('i.unit', 'in', visitors).where('i.type', '=', 'click').where('i.charged', '>', 0).where('l.kind', '=', 'click')
      .where('i.event_time', '>=', new Date(at - windowDays * DAY_MS).toISOString()).where('i.event_time', '<=', new Date(at).toISOString())
      .orderBy('i.event_time', 'desc').limit(200).execute();
    return rows.map((r) => ({ id: r.id, campaign: r.campaign, advertiser: r.advertiser, item: r.item, resolvedBidId: r.resolved_bid_id, eventTime: r.event_time, brand: r.brand }));
  }

  /** What refunds have taken back from an attribution so far (a negative sum). */
  private async refunded(project: string, attribution: string, db: AdsDb): Promise<number> {
    const r = await db.selectFrom('ads_ledger').select((eb) => eb.fn.sum<number | string | null>('amount').as('n')).where('project', '=', project).where('source', '=', attribution).where('amount', '<', 0).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** The latest positive attribution of a product to the visitor, for a refund to reverse. */
  private async latestAttribution(project: string, visitors: string[], item: string, db: AdsDb): Promise<LedgerRow | undefined> {
    return db.selectFrom('ads_ledger as l')
      .innerJoin('ads_ledger as c', (j) => j.onRef('c.project', '=', 'l.project').onRef('c.id', '=', 'l.source'))
      .innerJoin('ads_interactions as i', (j) => j.onRef('i.project', '=', 'c.project').onRef('i.event_id', '=', 'c.event_id'))
      .selectAll('l')
      .where('l.project', '=', project).where('l.item', '=', item).where('l.kind', 'in', ['attribution', 'halo']).where('l.amount', '>', 0).where('i.unit', 'in', visitors)
      .orderBy('l.time', 'desc').limit(1).executeTakeFirst();
  }
}
