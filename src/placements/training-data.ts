import { searchTerms, type CatalogFace, type UserEvent } from '../catalog/index.js';
import { readPage } from '../platform/index.js';
import type { ItemContent, TrainInput, UserSequence } from '../recs/index.js';

/** Weights of event types when none are configured (Gorse's users asked for exactly this knob). */
export const DEFAULT_EVENT_WEIGHTS: Readonly<Record<string, number>> = {
  view: 1, click: 1, add_to_cart: 3, purchase: 5, search: 0, impression: 0, page_view: 0,
};

/**
 * Content features of a catalogue item: its title's terms as the catalogue's
 * search compares them (stemmed, so "lipsticks" meets "lipstick"; no
 * function words), its brand and every level of its category path.
 */
export function contentOf(item: { id: string; title: string; brand: string; categoryPath: string[] }): ItemContent {
  const tokens = searchTerms(item.title);
  if (item.brand) tokens.push(`brand:${item.brand.toLowerCase()}`);
  item.categoryPath.forEach((_, i) => tokens.push(`cat:${item.categoryPath.slice(0, i + 1).join('>').toLowerCase()}`));
  return { id: item.id, tokens };
}

export interface TrainingData extends TrainInput {
  events: number;
}

/**
 * A project's events (stored, or an export file's) and items as the engine's input: one sequence per
 * shopper in time order, each interaction weighted by its event type; the
 * anonymous events of a session that later signed in count for that user, as
 * the live history does; each purchase's items form a basket; every
 * catalogue item brings its content, so items with no events yet can still be
 * recommended by similarity.
 */
export async function readTrainingData(catalog: CatalogFace, project: string, source: AsyncIterable<UserEvent>, weights: Readonly<Record<string, number>>, onProgress: (events: number) => void): Promise<TrainingData> {
  const who: string[] = [];
  const sessions: Array<string | undefined> = [];
  const item: string[] = [];
  const time: number[] = [];
  const weight: number[] = [];
  const links = new Map<string, string>();
  const baskets: string[][] = [];
  let events = 0;
  for await (const e of source) {
    events++;
    if (events % 50_000 === 0) onProgress(events);
    if (e.userId !== undefined && e.sessionId !== undefined) links.set(e.sessionId, e.userId);
    // A refund (a purchase whose lines are all returned) is not a signal of interest.
    if (e.type === 'purchase' && e.lineItems?.length && e.lineItems.every((l) => l.quantity < 0)) continue;
    const w = weights[e.type] ?? 0;
    if (e.type === 'purchase') {
      const ids = e.lineItems?.map((l) => l.id) ?? e.itemIds ?? [];
      if (ids.length > 1) baskets.push(ids);
    }
    if (w <= 0) continue;
    const at = Date.parse(e.eventTime);
    for (const id of e.itemIds ?? []) {
      who.push(e.userId ?? '');
      sessions.push(e.sessionId);
      item.push(id);
      time.push(at);
      weight.push(w);
    }
  }
  const byShopper = new Map<string, UserSequence & { times: number[]; weights: number[] }>();
  for (let i = 0; i < item.length; i++) {
    const key = who[i] || links.get(sessions[i]!) || `session:${sessions[i]}`;
    let s = byShopper.get(key);
    if (!s) byShopper.set(key, (s = { user: key, items: [], times: [], weights: [] }));
    s.items.push(item[i]!);
    s.times.push(time[i]!);
    s.weights.push(weight[i]!);
  }
  const content: ItemContent[] = [];
  let pageToken: string | undefined;
  do {
    const page = await catalog.items.list(project, undefined, readPage({ pageSize: 1000, pageToken }));
    for (const it of page.items) content.push(contentOf(it));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { sequences: [...byShopper.values()], content, baskets, events };
}
