import type { CatalogFace } from '../catalog/index.js';
import * as errors from './errors.js';
import { variantOfRecommendationId, wilson, type Experiment } from './experiment.js';

/** One variant's numbers over the window. */
export interface VariantReport {
  name: string;
  users: number;
  impressions: number;
  clicks: number;
  ctr: number;
  ctrInterval: [number, number];
  addToCarts: number;
  addToCartRate: number;
  conversions: number;
  conversionRate: number;
  conversionRateInterval: [number, number];
  revenue: { amount: number; currency: string };
}

export interface ExperimentReport {
  variants: VariantReport[];
  from: string;
  to: string;
  notes: string[];
}

const DAY_MS = 86_400_000;

interface Tally {
  units: Set<string>;
  converted: Set<string>;
  impressions: number;
  clicks: number;
  addToCarts: number;
  conversions: number;
  revenue: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/**
 * An experiment's numbers per variant, from the events in [from, to) that
 * carry one of its recommendation ids (the id names the variant). Rates over
 * impressions (click-through, add-to-cart), and the conversion rate over
 * users (a unit that bought at least once, of the units seen), each with
 * Wilson's 95% interval; revenue sums the purchases' values in the currency
 * most of them use. Variants with no events are listed with zeros.
 */
export async function experimentReport(catalog: CatalogFace, project: string, recommender: string, experiment: Experiment | undefined, window: { from?: string; to?: string }, now = Date.now()): Promise<ExperimentReport> {
  if (!experiment) throw errors.EXPERIMENT_MISSING({ recommender: `projects/${project}/recommenders/${recommender}` });
  // Normalised to UTC with milliseconds, as event times are stored, so the window compares as text.
  const to = new Date(window.to ?? now).toISOString();
  const from = new Date(window.from ?? Date.parse(to) - 7 * DAY_MS).toISOString();
  if (!(from < to)) throw errors.REPORT_WINDOW_INVALID({ from: window.from ?? from, to: window.to ?? to });
  const tallies = new Map<string, Tally>();
  const tally = (name: string) => {
    let t = tallies.get(name);
    if (!t) tallies.set(name, (t = { units: new Set(), converted: new Set(), impressions: 0, clicks: 0, addToCarts: 0, conversions: 0, revenue: 0 }));
    return t;
  };
  for (const v of experiment.variants) tally(v.name);
  const currencies = new Map<string, number>();
  const purchases: Array<{ variant: string; amount: number; currency: string }> = [];
  for await (const e of catalog.events.attributed(project, `.${recommender}.`, from, to)) {
    const named = variantOfRecommendationId(e.recommendationId);
    if (!named || named.recommender !== recommender) continue;
    const t = tally(named.variant);
    t.units.add(e.unit);
    if (e.type === 'impression') t.impressions++;
    else if (e.type === 'click') t.clicks++;
    else if (e.type === 'add_to_cart') t.addToCarts++;
    else if (e.type === 'purchase') {
      t.conversions++;
      t.converted.add(e.unit);
      if (e.value) {
        purchases.push({ variant: named.variant, ...e.value });
        currencies.set(e.value.currency, (currencies.get(e.value.currency) ?? 0) + 1);
      }
    }
  }
  const notes: string[] = [];
  const currency = [...currencies].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  let skipped = 0;
  for (const p of purchases) {
    if (p.currency === currency) tallies.get(p.variant)!.revenue += p.amount;
    else skipped++;
  }
  if (skipped > 0) notes.push(`${skipped} purchases in currencies other than ${currency} are left out of revenue`);
  if ([...tallies.values()].every((t) => t.units.size === 0)) notes.push('no events in this window carry a recommendation id of this experiment; send recommendationId back on impression, click, add_to_cart and purchase events');
  return {
    variants: [...tallies].map(([name, t]) => ({
      name, users: t.units.size, impressions: t.impressions, clicks: t.clicks, ctr: ratio(t.clicks, t.impressions), ctrInterval: wilson(Math.min(t.clicks, t.impressions), t.impressions),
      addToCarts: t.addToCarts, addToCartRate: ratio(t.addToCarts, t.impressions), conversions: t.conversions,
      conversionRate: ratio(t.converted.size, t.units.size), conversionRateInterval: wilson(t.converted.size, t.units.size),
      revenue: { amount: Math.round(t.revenue * 100) / 100, currency },
    })),
    from, to, notes,
  };
}
