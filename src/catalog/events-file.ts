import { RougeError, type BlobStore } from '../platform/index.js';
import { checkEvent, type UserEvent } from './events.js';
import type { Importer } from './imports.js';
import { jsonlRecords } from './sources.js';

/** What reading an events file met: its events, and how many lines were refused. */
export interface EventsFileCounts {
  lines: number;
  rejected: number;
}

/**
 * The events of a JSONL file in the project's import area (what
 * `userEvents:export` writes, or Retail UserEvents), validated as
 * `userEvents:write` validates them; a bad line is counted and skipped, not
 * fatal, as in an import. For readers that want a project's history without
 * storing it first (training on an export).
 */
export async function* readEventsFile(deps: { blobs: BlobStore; importer: Importer }, project: string, uri: string, counts: EventsFileCounts): AsyncGenerator<UserEvent> {
  const key = await deps.importer.resolveBlobUri(project, uri);
  const { body } = await deps.blobs.get(key);
  const now = Date.now();
  for await (const r of jsonlRecords(body)) {
    counts.lines++;
    if (r.error) {
      counts.rejected++;
      continue;
    }
    try {
      yield checkEvent(r.value, 'body', now);
    } catch (e) {
      if (!(e instanceof RougeError)) throw e;
      counts.rejected++;
    }
  }
}
