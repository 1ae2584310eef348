/**
 * Human output: aligned tables for lists, `key: value` lines for one resource.
 * Data goes to stdout, remarks about it (an empty list, a warning) to stderr,
 * so a pipe only ever sees data.
 */

/**
 * Neutralises control characters in server-provided text, so a display name
 * cannot move the cursor or recolour the terminal; tabs and newlines become
 * spaces so a row stays one line.
 */
export function sanitize(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' || c === '\t' || c === '\r' ? ' ' : '?'));
}

/** An RFC 3339 time without its milliseconds, or "-" when absent. */
export function shortTime(iso: string | undefined): string {
  return iso ? iso.replace(/\.\d+Z$/, 'Z') : '-';
}

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function formatTable(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows].map((r) => r.map((c) => sanitize(c)));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** `label: value` lines with the values aligned; undefined values are left out. */
export function formatFields(fields: Array<[string, string | undefined]>): string {
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const width = Math.max(0, ...shown.map(([k]) => k.length)) + 1;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)} ${sanitize(v)}`).join('\n') + '\n';
}

/** Prints a body as the API sent it, pretty-printed. */
export function printJson(body: unknown): void {
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
}

/** Prints a table, or says on stderr that there is nothing to list. */
export function printTable(headers: string[], rows: string[][], empty: string): void {
  if (rows.length === 0) note(empty);
  else process.stdout.write(formatTable(headers, rows));
}

/** Prints one resource as aligned `label: value` lines. */
export function printFields(fields: Array<[string, string | undefined]>): void {
  process.stdout.write(formatFields(fields));
}

/** A line of human output on stdout. */
export function say(line: string): void {
  process.stdout.write(`${sanitize(line)}\n`);
}

/** A remark on stderr: not data, so pipes and --json output never carry it. */
export function note(line: string): void {
  process.stderr.write(`${sanitize(line)}\n`);
}

/** Prints the API body under --json, or runs the human printer. */
export function emit(json: boolean, body: unknown, human: () => void): void {
  if (json) printJson(body);
  else human();
}
