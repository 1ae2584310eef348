import { minorDigits, type Item } from '../../catalog/index.js';
import type { Check } from '../analyze.js';

export type Feed = 'google' | 'meta';
export const FEEDS: readonly Feed[] = ['google', 'meta'];

/** The columns, in the order of Merchant Center's product data specification (Meta takes the same names). */
export const COLUMNS = [
  'id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'availability', 'price', 'sale_price', 'brand', 'gtin', 'mpn',
  'identifier_exists', 'condition', 'google_product_category', 'product_type', 'item_group_id', 'color',
  'custom_label_0', 'custom_label_1', 'custom_label_2', 'custom_label_3', 'custom_label_4',
] as const;
export type Column = (typeof COLUMNS)[number];
export type Row = Partial<Record<Column, string>>;

/** Why an item is left out of a feed, or what was changed in it to fit. */
export interface Finding {
  itemId: string;
  field: string;
  rule: string;
  message: string;
}

export const MAX_TITLE = 150;
export const MAX_DESCRIPTION = 5000;
export const MAX_LABEL = 100;

const AVAILABILITY: Record<Feed, Record<string, string>> = {
  google: { in_stock: 'in_stock', out_of_stock: 'out_of_stock', preorder: 'preorder', discontinued: 'out_of_stock' },
  meta: { in_stock: 'in stock', out_of_stock: 'out of stock', preorder: 'available for order', discontinued: 'discontinued' },
};

/** `149900` INR as `1499.00 INR`: minor units in the currency's own digits. */
export function formatPrice(amount: number, currency: string): string {
  const digits = minorDigits(currency) ?? 2;
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
}

/** Text without HTML tags or entities, whitespace collapsed: the channels want plain text. */
export function plainText(html: string): string {
  return html.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim();
}

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * One item as a feed row, or why it is left out. Required fields missing, a
 * price of 0, no image, or an image that failed one of the channel's rules
 * (the latest analysis) exclude it; a title over 150 characters is cut and
 * HTML in a description is removed, both reported. Item attributes carry
 * what the catalogue has no field for: `mpn`, `itemGroupId` (shades of one
 * product), `color`, `salePrice` (minor units), `googleProductCategory`,
 * `additionalImageLinks` (comma-separated).
 */
export function toRow(feed: Feed, item: Item, imageChecks: readonly Check[] | undefined, labels: readonly (string | undefined)[], classified: { googleProductCategory?: string; productType?: string } = {}): { row?: Row; excluded: Finding[]; changed: Finding[] } {
  const excluded: Finding[] = [];
  const changed: Finding[] = [];
  const out = (field: string, rule: string, message: string) => excluded.push({ itemId: item.id, field, rule, message });
  const a = item.attributes;
  let title = item.title.trim();
  if (title.length > MAX_TITLE) {
    changed.push({ itemId: item.id, field: 'title', rule: 'max_length', message: `cut from ${title.length} to ${MAX_TITLE} characters` });
    title = title.slice(0, MAX_TITLE);
  }
  let description = item.description ?? '';
  if (/<[a-z/!][^>]*>/i.test(description)) {
    changed.push({ itemId: item.id, field: 'description', rule: 'no_html', message: 'HTML tags removed' });
  }
  description = plainText(description).slice(0, MAX_DESCRIPTION);
  if (!description) out('description', 'required', 'no description; both channels need one (up to 5,000 characters of plain text)');
  if (!title) out('title', 'required', 'no title');
  if (!item.link) out('link', 'required', 'no link to the product page');
  if (!item.imageLink) out('image_link', 'required', 'no image');
  if (!item.price) out('price', 'required', 'no price');
  else if (item.price.amount <= 0) out('price', 'positive', 'a price of 0 is not accepted');
  const gtin = item.gtin;
  const mpn = text(a.mpn);
  if (!item.brand && !gtin && !mpn) out('brand', 'required', feed === 'meta' ? 'needs a brand, a gtin or an mpn' : 'needs a brand');
  for (const c of imageChecks ?? []) {
    if (!c.passed && c.name.startsWith(`${feed}.`) && c.name !== 'meta.recommended_size') out('image_link', c.name, `the image fails ${c.name}: ${c.detail}`);
    if (!c.passed && (c.name === 'safe_content' || c.name === 'single_frame')) out('image_link', c.name, `the image fails ${c.name}: ${c.detail}`);
  }
  if (excluded.length > 0) return { excluded, changed };
  const sale = typeof a.salePrice === 'number' && item.price && a.salePrice > 0 && a.salePrice < item.price.amount ? formatPrice(a.salePrice, item.price.currency) : undefined;
  const row: Row = {
    id: item.id, title, description, link: item.link!, image_link: item.imageLink!,
    ...(text(a.additionalImageLinks) ? { additional_image_link: text(a.additionalImageLinks)! } : {}),
    availability: AVAILABILITY[feed][item.availability] ?? AVAILABILITY[feed].in_stock!,
    price: formatPrice(item.price!.amount, item.price!.currency), ...(sale ? { sale_price: sale } : {}),
    ...(item.brand ? { brand: item.brand } : {}), ...(gtin ? { gtin } : {}), ...(mpn ? { mpn } : {}),
    ...(!gtin && !mpn ? { identifier_exists: 'no' } : {}),
    condition: item.condition || 'new',
    // The merchant's own values win; the product-type tagger's (reviewed or auto-accepted) fill the gaps.
    ...((text(a.googleProductCategory) ?? classified.googleProductCategory) ? { google_product_category: (text(a.googleProductCategory) ?? classified.googleProductCategory)! } : {}),
    ...(item.categoryPath.length > 0 ? { product_type: item.categoryPath.join(' > ') } : classified.productType ? { product_type: classified.productType } : {}),
    ...(text(a.itemGroupId) ? { item_group_id: text(a.itemGroupId)! } : {}),
    ...(text(a.color) ?? text(a.shade) ? { color: (text(a.color) ?? text(a.shade))!.slice(0, 100) } : {}),
  };
  labels.forEach((value, i) => {
    if (value) row[`custom_label_${i}` as Column] = value.slice(0, MAX_LABEL);
  });
  return { row, excluded, changed };
}
