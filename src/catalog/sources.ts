import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { RougeError } from '../platform/index.js';
import * as errors from './errors.js';

/** One record of an import file: its line, and either its JSON value or why it could not be read. */
export interface SourceRecord {
  line: number;
  value?: unknown;
  error?: RougeError;
}

/** JSONL records: one JSON object per line; blank lines are skipped, a line that is not JSON is an error for that line only. */
export async function* jsonlRecords(body: Readable): AsyncGenerator<SourceRecord> {
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { line, error: errors.LINE_MALFORMED({ why: `line ${line} is not valid JSON (${(e as Error).message})` }) };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, error: errors.LINE_MALFORMED({ why: `line ${line} is not a JSON object` }) };
      continue;
    }
    yield { line, value };
  }
}
