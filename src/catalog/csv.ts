import { parse, type Info } from 'csv-parse';
import type { Readable } from 'node:stream';
import * as errors from './errors.js';
import { CATEGORY_SEPARATOR } from './items.js';
import type { SourceRecord } from './sources.js';

const REQUIRED = ['id', 'title', 'categoryPath'];
const OPTIONAL = ['description', 'brand', 'price', 'availability', 'link', 'imageLink', 'condition', 'gtin', 'attributes'];

/** Refuses a header that lacks a required column, names an unknown one, or names one twice (CSV_HEADER_INVALID). */
export function checkCsvHeader(columns: string[]): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw errors.CSV_HEADER_INVALID({ why: `column ${JSON.stringify(c)} appears twice` });
    seen.add(c);
    if (!REQUIRED.includes(c) && !OPTIONAL.includes(c) && !/^attributes\.[^\s.]{1,128}$/.test(c)) {
      throw errors.CSV_HEADER_INVALID({ why: `column ${JSON.stringify(c)} is not an item field` });
    }
  }
  const missing = REQUIRED.filter((c) => !seen.has(c));
  if (missing.length > 0) throw errors.CSV_HEADER_INVALID({ why: `column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing` });
}

/** Reads just the header line of a CSV stream, then stops reading. */
export async function readCsvHeader(body: Readable): Promise<string[]> {
  const parser = body.pipe(parse({ bom: true, to_line: 1, relax_column_count: true }));
  try {
    for await (const record of parser) return (record as string[]).map((c) => c.trim());
    return [];
  } catch (e) {
    throw errors.CSV_HEADER_INVALID({ why: (e as Error).message });
  } finally {
    body.destroy();
  }
}

/**
 * Turns one CSV record into the JSON shape of an item: `price` as
 * "1999 EUR" (minor units and a currency), `categoryPath` joined by " > ",
 * `attributes` as a JSON object and `attributes.<key>` columns as strings.
 * Empty cells are absent fields. Throws LINE_MALFORMED for cells that cannot
 * be read; the item schema checks the rest.
 */
export function csvRecordToItem(record: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    const cell = raw.trim();
    if (cell === '') continue;
    if (column === 'categoryPath') out.categoryPath = cell.split(CATEGORY_SEPARATOR.trim()).map((s) => s.trim());
    else if (column === 'price') {
      const m = /^(-?\d+)\s+(\S+)$/.exec(cell);
      if (!m) throw errors.LINE_MALFORMED({ why: `price ${JSON.stringify(cell)} is not "amount currency" in minor units, such as "1999 EUR"` }, { fieldViolations: [{ field: 'price', description: 'not "amount currency"' }] });
      out.price = { amount: Number(m[1]), currency: m[2] };
    } else if (column === 'attributes') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(cell);
      } catch {
        throw errors.LINE_MALFORMED({ why: 'the attributes cell is not a JSON object' }, { fieldViolations: [{ field: 'attributes', description: 'not JSON' }] });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw errors.LINE_MALFORMED({ why: 'the attributes cell is not a JSON object' }, { fieldViolations: [{ field: 'attributes', description: 'not an object' }] });
      Object.assign(attributes, parsed);
    } else if (column.startsWith('attributes.')) attributes[column.slice('attributes.'.length)] = cell;
    else out[column] = cell;
  }
  if (Object.keys(attributes).length > 0) out.attributes = attributes;
  return out;
}

/**
 * CSV records with the line each starts on (a quoted newline makes a record
 * span lines). A record that cannot be parsed (a broken quote) or that has
 * more or fewer cells than the header comes out as an error for its line,
 * and reading goes on with the next record.
 */
export async function* csvRecords(body: Readable): AsyncGenerator<SourceRecord> {
  const skipped: Array<{ line: number; message: string }> = [];
  const parser = body.pipe(parse({
    bom: true, columns: (header: string[]) => header.map((c) => c.trim()), info: true, relax_column_count: true,
    skip_empty_lines: true, skip_records_with_error: true,
  }));
  parser.on('skip', (err: Error & { lines?: number }) => skipped.push({ line: err.lines ?? 0, message: err.message }));
  let prevEnd = 1;
  let prevEmpty = 0;
  const drain = function* (before: number): Generator<SourceRecord> {
    while (skipped.length > 0 && skipped[0]!.line < before) {
      const s = skipped.shift()!;
      prevEnd = s.line;
      yield { line: s.line, error: errors.LINE_MALFORMED({ why: `line ${s.line} is not valid CSV: ${s.message}` }) };
    }
  };
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: Info & { error?: { code: string }; columns: unknown[] } }>) {
    yield* drain(info.lines);
    const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
    prevEnd = info.lines;
    prevEmpty = info.empty_lines;
    if (info.error?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
      const cells = Object.keys(record).length;
      yield { line, error: errors.LINE_MALFORMED({ why: `line ${line} has ${cells} cells but the header names ${info.columns.length} columns` }) };
      continue;
    }
    try {
      yield { line, value: csvRecordToItem(record) };
    } catch (e) {
      yield { line, error: e as never };
    }
  }
  yield* drain(Number.MAX_SAFE_INTEGER);
}
