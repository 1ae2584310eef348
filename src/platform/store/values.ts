/**
 * Value conventions shared by both dialects: timestamps are ISO-8601 UTC text
 * with milliseconds (they sort and compare as text, and read back identically
 * from SQLite and PostgreSQL); JSON is text parsed in the data layer.
 */

/** The current time as stored: `2026-11-27T01:20:00.000Z`. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Parses a JSON text column, treating null as the given fallback. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(text) as T;
}
