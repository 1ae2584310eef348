import type { Static } from 'typebox';
import { parseJson } from '../platform/index.js';
import * as errors from './errors.js';
import { isCurrency } from './money.js';
import type { ImportedItem, PatchItemBody } from './schemas.js';
import type { ItemRow } from './tables.js';

/** The separator of a category path in CSV columns, filters and the category tree. */
export const CATEGORY_SEPARATOR = ' > ';

export type ItemInput = Static<typeof ImportedItem>;
export type ItemPatch = Static<typeof PatchItemBody>;

/** A catalog item as the API shows it (BRIEF section 2). */
export interface Item {
  name: string;
  id: string;
  title: string;
  description: string;
  brand: string;
  categoryPath: string[];
  price?: { amount: number; currency: string };
  availability: string;
  link?: string;
  imageLink?: string;
  condition: string;
  gtin?: string;
  attributes: Record<string, unknown>;
  createTime: string;
  updateTime: string;
}


/** Throws CURRENCY_UNKNOWN (with the field) unless the code is an ISO 4217 currency. */
export function checkCurrency(currency: string, field: string): void {
  if (!isCurrency(currency)) throw errors.CURRENCY_UNKNOWN({ currency }, { fieldViolations: [{ field, description: 'not an ISO 4217 currency code' }] });
}

/** The checks a schema cannot express; schema validation has run already. */
export function checkItem(input: ItemInput, context: string): void {
  if (input.price) checkCurrency(input.price.currency, `${context}price.currency`);
}

/** The row of a validated item; `createTime` is kept by the upsert when the item exists. */
export function toItemRow(project: string, input: ItemInput, now: string): ItemRow {
  return {
    project,
    id: input.id,
    title: input.title,
    description: input.description ?? '',
    brand: input.brand ?? '',
    category_path: JSON.stringify(input.categoryPath),
    category: input.categoryPath.join(CATEGORY_SEPARATOR),
    price_amount: input.price?.amount ?? null,
    price_currency: input.price?.currency ?? null,
    availability: input.availability ?? 'in_stock',
    link: input.link ?? null,
    image_link: input.imageLink ?? null,
    condition: input.condition ?? 'new',
    gtin: input.gtin ?? null,
    attributes: JSON.stringify(input.attributes ?? {}),
    create_time: now,
    update_time: now,
  };
}

export function toItem(r: ItemRow): Item {
  return {
    name: `projects/${r.project}/catalog/items/${r.id}`,
    id: r.id,
    title: r.title,
    description: r.description,
    brand: r.brand,
    categoryPath: parseJson<string[]>(r.category_path, []),
    ...(r.price_amount !== null && r.price_currency !== null ? { price: { amount: Number(r.price_amount), currency: r.price_currency } } : {}),
    availability: r.availability,
    ...(r.link ? { link: r.link } : {}),
    ...(r.image_link ? { imageLink: r.image_link } : {}),
    condition: r.condition,
    ...(r.gtin ? { gtin: r.gtin } : {}),
    attributes: parseJson(r.attributes, {}),
    createTime: r.create_time,
    updateTime: r.update_time,
  };
}
