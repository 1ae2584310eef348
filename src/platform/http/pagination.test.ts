import { describe, expect, it } from 'vitest';
import { RougeError } from '../errors/index.js';
import { cutPage, readPage } from './pagination.js';

describe('pagination', () => {
  it('defaults to 50 items from the start', () => {
    expect(readPage({})).toEqual({ pageSize: 50, after: undefined });
  });

  it('round-trips the last key of a page through nextPageToken', () => {
    const rows = ['a', 'b', 'c'];
    const page = cutPage(rows, 2, (r) => [r]);
    expect(page.items).toEqual(['a', 'b']);
    expect(readPage({ pageSize: 2, pageToken: page.nextPageToken! })).toEqual({ pageSize: 2, after: ['b'] });
  });

  it('gives no token on the last page', () => {
    expect(cutPage(['a', 'b'], 2, (r) => [r])).toEqual({ items: ['a', 'b'] });
  });

  it('rejects a token it did not issue with INVALID_PAGE_TOKEN', () => {
    for (const pageToken of ['garbage', Buffer.from('{"k":[1]}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      const err = (() => { try { readPage({ pageToken }); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(RougeError);
      expect((err as RougeError).reason).toBe('INVALID_PAGE_TOKEN');
    }
  });
});
