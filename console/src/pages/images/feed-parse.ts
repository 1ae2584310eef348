/**
 * Feed files read as they stream in: the first rows are kept for the
 * preview, the rest only counted, so a feed of 100,000 products costs the
 * memory of a few rows. The formats are the ones src/tagging/feeds/formats.ts
 * writes: TSV (no quoting: tabs and line breaks become spaces), CSV (quoted
 * cells, quotes doubled, line breaks allowed inside quotes) and RSS 2.0 with
 * the attributes in the g: namespace.
 */
export interface FeedRows {
  columns: string[];
  rows: string[][];
  /** Products in the file (rows after the header, or <item>s). */
  total: number;
}

export type FeedFormat = 'tsv' | 'csv' | 'xml';

/** Merchant Center's column order (src/tagging/feeds/fields.ts): the XML names only the attributes an item has. */
export const FEED_COLUMNS = [
  'id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'availability', 'price', 'sale_price', 'brand', 'gtin', 'mpn',
  'identifier_exists', 'condition', 'google_product_category', 'product_type', 'item_group_id', 'color',
  'custom_label_0', 'custom_label_1', 'custom_label_2', 'custom_label_3', 'custom_label_4',
];

/** A parser fed text in chunks. */
export interface FeedParser {
  push(text: string): void;
  end(): void;
  result(): FeedRows;
}

/** TSV or CSV, as records; the first is the header. */
class Delimited implements FeedParser {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  /** A quote seen inside quotes: the end of the cell, or the first of a doubled one (decided by the next character, maybe in the next chunk). */
  private quoteSeen = false;
  private columns: string[] | undefined;
  private readonly rows: string[][] = [];
  private total = 0;

  constructor(private readonly sep: string, private readonly quoting: boolean, private readonly keep: number) {}

  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (ch === '"') { this.field += '"'; continue; }
          this.inQuotes = false;
        } else if (ch === '"') { this.quoteSeen = true; continue; } else { this.field += ch; continue; }
      }
      if (ch === '"' && this.quoting && this.field === '') this.inQuotes = true;
      else if (ch === this.sep) { this.record.push(this.field); this.field = ''; }
      else if (ch === '\n') this.endRecord();
      else if (ch !== '\r') this.field += ch;
    }
  }

  end(): void {
    if (this.quoteSeen) { this.quoteSeen = false; this.inQuotes = false; }
    if (this.field !== '' || this.record.length > 0) this.endRecord();
  }

  private endRecord(): void {
    this.record.push(this.field);
    const rec = this.record;
    this.field = '';
    this.record = [];
    if (rec.length === 1 && rec[0] === '') return;
    if (!this.columns) { this.columns = rec; return; }
    this.total++;
    if (this.rows.length < this.keep) this.rows.push(rec);
  }

  result(): FeedRows {
    return { columns: this.columns ?? [], rows: this.rows, total: this.total };
  }
}

/** RSS: each <item> of the first few parsed as XML, the rest only counted. */
class Rss implements FeedParser {
  private buf = '';
  private readonly items: Array<Record<string, string>> = [];
  private total = 0;

  constructor(private readonly keep: number) {}

  push(text: string): void {
    this.buf += text;
    for (;;) {
      const end = this.buf.indexOf('</item>');
      if (end < 0) break;
      const start = this.buf.lastIndexOf('<item>', end);
      this.total++;
      if (this.items.length < this.keep && start >= 0) this.items.push(this.parse(this.buf.slice(start, end + 7)));
      this.buf = this.buf.slice(end + 7);
    }
    // Between items only whitespace and the channel's head: keep a tail long enough for a split tag.
    const open = this.buf.lastIndexOf('<item>');
    if (open < 0 && this.buf.length > 16) this.buf = this.buf.slice(-16);
  }

  private parse(xml: string): Record<string, string> {
    const doc = new DOMParser().parseFromString(`<r xmlns:g="http://base.google.com/ns/1.0">${xml}</r>`, 'application/xml');
    const out: Record<string, string> = {};
    const item = doc.documentElement.firstElementChild;
    for (const el of Array.from(item?.children ?? [])) out[el.localName] = el.textContent ?? '';
    return out;
  }

  end(): void {}

  result(): FeedRows {
    const present = FEED_COLUMNS.filter((c) => this.items.some((i) => i[c] !== undefined));
    return { columns: present, rows: this.items.map((i) => present.map((c) => i[c] ?? '')), total: this.total };
  }
}

/** A parser for the format, keeping the first `keep` rows. */
export function feedParser(format: FeedFormat, keep: number): FeedParser {
  if (format === 'xml') return new Rss(keep);
  return format === 'tsv' ? new Delimited('\t', false, keep) : new Delimited(',', true, keep);
}
