import { COLUMNS, type Row } from './fields.js';

export type Format = 'tsv' | 'xml' | 'csv';

/** The feed files Rouge serves: a channel and the format it fetches. */
export const FILES = { 'google.tsv': { feed: 'google', format: 'tsv' }, 'google.xml': { feed: 'google', format: 'xml' }, 'meta.csv': { feed: 'meta', format: 'csv' } } as const;
export type FeedFile = keyof typeof FILES;

export const CONTENT_TYPES: Record<Format, string> = { tsv: 'text/tab-separated-values; charset=utf-8', xml: 'application/rss+xml; charset=utf-8', csv: 'text/csv; charset=utf-8' };

/** A TSV cell: tabs and line breaks would split the row, so they become spaces. */
const tsvCell = (v: string) => v.replace(/[\t\r\n]+/g, ' ');
/** A CSV cell, quoted when it holds a comma, a quote, a line break or edge whitespace (Meta's rules: quotes doubled). */
const csvCell = (v: string) => (/[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const xmlText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** The file's opening: a header row, or the RSS channel. */
export function head(format: Format, title: string, link: string): string {
  if (format === 'tsv') return `${COLUMNS.join('\t')}\n`;
  if (format === 'csv') return `${COLUMNS.join(',')}\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n<channel>\n<title>${xmlText(title)}</title>\n<link>${xmlText(link)}</link>\n<description>${xmlText(title)}</description>\n`;
}

/** One item in the file's format; every column in TSV and CSV (empty when absent), only the present ones in XML. */
export function line(format: Format, row: Row): string {
  if (format === 'tsv') return `${COLUMNS.map((c) => tsvCell(row[c] ?? '')).join('\t')}\n`;
  if (format === 'csv') return `${COLUMNS.map((c) => csvCell(row[c] ?? '')).join(',')}\n`;
  let out = '<item>\n';
  for (const c of COLUMNS) {
    const v = row[c];
    if (v !== undefined) out += `<g:${c}>${xmlText(v)}</g:${c}>\n`;
  }
  return `${out}</item>\n`;
}

export function tail(format: Format): string {
  return format === 'xml' ? '</channel>\n</rss>\n' : '';
}
