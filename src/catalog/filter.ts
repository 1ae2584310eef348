import * as errors from './errors.js';

/** A parsed list filter: equality on a few columns, `category` matching a whole subtree. */
export interface ItemFilter {
  availability?: string;
  brand?: string;
  condition?: string;
  category?: string;
}

const TERM = /^\s*(availability|brand|condition|category)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/;

/**
 * Parses the small filter language of `GET .../catalog/items` (after Google
 * Retail's `filter`): `field = "value"` terms joined by AND. A grammar of one
 * production does not earn a parser library.
 */
export function parseFilter(text: string | undefined): ItemFilter {
  const out: ItemFilter = {};
  if (!text || text.trim() === '') return out;
  for (const term of text.split(/\s+AND\s+/)) {
    const m = TERM.exec(term);
    if (!m) throw errors.FILTER_INVALID({ why: `cannot read ${JSON.stringify(term.trim())}` });
    const field = m[1] as keyof ItemFilter;
    if (out[field] !== undefined) throw errors.FILTER_INVALID({ why: `${field} appears twice` });
    out[field] = m[2]!.replace(/\\(.)/g, '$1');
  }
  return out;
}
