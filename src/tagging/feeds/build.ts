import type { CatalogFace } from '../../catalog/index.js';
import { readPage } from '../../platform/index.js';
import type { Check } from '../analyze.js';
import type { TaggingStore } from '../store.js';
import { toRow, type Feed, type Finding } from './fields.js';
import { head, line, tail, type Format } from './formats.js';

/** Items read per page: the feed is written as it is read, never held whole. */
const PAGE = 500;
/** Merchant Center ignores a custom label past 1,000 distinct values. */
export const MAX_LABEL_VALUES = 1000;
/** When sources disagree on a tag, a person's word beats a model's, which beats an analyzer's. */
const SOURCE_RANK: Record<string, number> = { review: 3, model: 2, analyzer: 1 };

export interface FeedReport {
  items: number;
  included: number;
  excluded: Finding[];
  changed: Finding[];
}

/**
 * A feed's lines, read page by page from the catalogue with each page's tags
 * and latest image checks: memory stays flat whatever the catalogue's size.
 * `report` collects what was left out and what was changed to fit. A label
 * that reaches 1,000 distinct values is left empty on items bringing a new
 * value, and each is reported.
 */
export async function* buildFeed(d: { catalog: CatalogFace; store: TaggingStore }, project: string, feed: Feed, format: Format, report: FeedReport, meta: { title: string; link: string }): AsyncGenerator<string> {
  const labels = await d.store.labels(project);
  const seen = labels.map(() => new Set<string>());
  yield head(format, meta.title, meta.link);
  let pageToken: string | undefined;
  do {
    const page = await d.catalog.items.list(project, undefined, readPage({ pageSize: PAGE, pageToken }));
    pageToken = page.nextPageToken;
    const ids = page.items.map((i) => i.id);
    const [tags, checks] = await Promise.all([d.store.tagsOf(project, ids), d.store.latestChecks(project, ids)]);
    const best = new Map<string, { value: string; rank: number }>();
    for (const t of tags) {
      const key = `${t.item}\u0000${t.name}`;
      const rank = SOURCE_RANK[t.source] ?? 0;
      if ((best.get(key)?.rank ?? -1) < rank) best.set(key, { value: t.value, rank });
    }
    let chunk = '';
    for (const item of page.items) {
      report.items++;
      const values = labels.map((name, i) => {
        if (!name) return undefined;
        const v = best.get(`${item.id}\u0000${name}`)?.value;
        if (v === undefined) return undefined;
        if (!seen[i]!.has(v) && seen[i]!.size >= MAX_LABEL_VALUES) {
          report.changed.push({ itemId: item.id, field: `custom_label_${i}`, rule: 'label_values', message: `left empty: ${name} already has ${MAX_LABEL_VALUES} distinct values in this feed, the channels' limit` });
          return undefined;
        }
        seen[i]!.add(v);
        return v;
      });
      const parsed = checks.get(item.id);
      const tagged = (name: string) => best.get(`${item.id}\u0000${name}`)?.value;
      const gpc = tagged('google_product_category');
      const productType = tagged('product_type');
      const r = toRow(feed, item, parsed ? (JSON.parse(parsed) as Check[]) : undefined, values, { ...(gpc ? { googleProductCategory: gpc } : {}), ...(productType ? { productType } : {}) });
      report.changed.push(...r.changed);
      if (!r.row) {
        report.excluded.push(...r.excluded);
        continue;
      }
      const declared = r.row.color;
      const family = best.get(`${item.id}\u0000colour_family`)?.value;
      if (declared && family && !declared.toLowerCase().includes(family)) {
        report.changed.push({ itemId: item.id, field: 'color', rule: 'colour_mismatch', message: `declared "${declared.slice(0, 40)}", the image looks ${family}: kept as declared; check the image shows this shade` });
      }
      report.included++;
      chunk += line(format, r.row);
    }
    if (chunk) yield chunk;
  } while (pageToken);
  yield tail(format);
}
