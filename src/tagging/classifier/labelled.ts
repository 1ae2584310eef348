import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { VisionPool } from '../vision/pool.js';
import type { Example } from './tagger.js';

/** A labelled image named by a CSV: its path (resolved) and label, and the line it came from. */
export interface LabelledFile {
  path: string;
  label: string;
  line: number;
}

/** A CSV of labelled images that cannot be used: the message says which line or column to fix. */
export class LabelsError extends Error {}

/**
 * The rows of a labels CSV (a header line, then one image per line): the
 * image column holds a path relative to the CSV file, or absolute. Rows with
 * an empty label are left out (not yet labelled); a row without a path, or a
 * missing column, is an error.
 */
export async function readLabelsCsv(file: string, columns: { image: string; label: string }): Promise<LabelledFile[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new LabelsError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (e) {
    throw new LabelsError(`${file} is not a CSV file: ${(e as Error).message}`);
  }
  if (rows.length === 0) throw new LabelsError(`${file} has no rows below its header`);
  const header = Object.keys(rows[0]!);
  for (const c of [columns.image, columns.label]) {
    if (!header.includes(c)) throw new LabelsError(`${file} has no column "${c}" (it has ${header.join(', ')}); name the columns with --image-column and --label-column`);
  }
  const base = dirname(resolve(file));
  const out: LabelledFile[] = [];
  rows.forEach((r, i) => {
    const p = r[columns.image] ?? '';
    const label = r[columns.label] ?? '';
    if (!p) throw new LabelsError(`${file} line ${i + 2}: the ${columns.image} column is empty`);
    if (label) out.push({ path: isAbsolute(p) ? p : resolve(base, p), label, line: i + 2 });
  });
  return out;
}

/**
 * Embeddings of local labelled images through the vision pool (both cores),
 * each keyed by its content's SHA-256 so the same image under two names is
 * one example. `onProgress` is told after each image.
 */
export async function embedFiles(pool: VisionPool, files: readonly LabelledFile[], onProgress?: (done: number, total: number) => void): Promise<Example[]> {
  const out = new Array<Example>(files.length);
  let next = 0;
  let done = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < files.length) {
      const i = next++;
      const f = files[i]!;
      let bytes: Buffer;
      try {
        bytes = await readFile(f.path);
      } catch (e) {
        throw new LabelsError(`line ${f.line}: cannot read ${f.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      const seen = await pool.see(bytes).catch((e: Error) => {
        throw new LabelsError(`line ${f.line}: ${f.path} is not an image that can be read (${e.message})`);
      });
      out[i] = { key: createHash('sha256').update(bytes).digest('hex'), label: f.label, embeddings: seen.embeddings };
      onProgress?.(++done, files.length);
    }
  }));
  return out;
}
