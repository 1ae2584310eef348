import { Type } from 'typebox';
import { PlatformErrors as E } from '../errors/index.js';

/** Query parameters every list route accepts (Google AIP-158). */
export const PageQuery = {
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'items per page, 1 to 1000 (default 50)' })),
  pageToken: Type.Optional(Type.String({ maxLength: 2048, description: 'nextPageToken from the previous page' })),
};

export const DEFAULT_PAGE_SIZE = 50;

/** A page request decoded from the query: how many, and the key after which to start. */
export interface PageRequest {
  pageSize: number;
  after: string[] | undefined;
}

/**
 * Decodes `pageSize` and `pageToken`. Tokens are opaque to clients (base64url of
 * the last row's sort key) and checked on the way in: a token that does not
 * decode is INVALID_PAGE_TOKEN, never a silently empty page.
 */
export function readPage(query: { pageSize?: number; pageToken?: string }): PageRequest {
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!query.pageToken) return { pageSize, after: undefined };
  try {
    const decoded = JSON.parse(Buffer.from(query.pageToken, 'base64url').toString('utf8')) as { k?: unknown };
    if (!Array.isArray(decoded.k) || decoded.k.length === 0 || !decoded.k.every((x) => typeof x === 'string')) throw new Error('bad');
    return { pageSize, after: decoded.k as string[] };
  } catch {
    throw E.INVALID_PAGE_TOKEN();
  }
}

/**
 * Cuts a page from rows fetched with `limit(pageSize + 1)`: when the extra row
 * exists, there is a next page, and its token is the key of the last row kept.
 */
export function cutPage<T>(rows: T[], pageSize: number, keyOf: (row: T) => string[]): { items: T[]; nextPageToken?: string } {
  if (rows.length <= pageSize) return { items: rows };
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1]!;
  return { items, nextPageToken: Buffer.from(JSON.stringify({ k: keyOf(last) }), 'utf8').toString('base64url') };
}
