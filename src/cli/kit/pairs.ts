import { InvalidArgumentError } from 'commander';

/*
 * Parsers for repeatable options (commander's collect pattern): each
 * occurrence adds to what the earlier ones built. A bad value is commander's
 * usage error (exit 2) naming the option, before any request is sent.
 */

/** `--alias a --alias b` -> ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function split(text: string, example: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`use key=value, such as ${example}.`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

/** `--label team=recs --label tier=gold` -> {team: 'recs', tier: 'gold'}; the server checks the characters. */
export function labelPair(text: string, previous: Record<string, string> | undefined): Record<string, string> {
  const [k, v] = split(text, 'team=recs');
  if (!k) throw new InvalidArgumentError('use key=value, such as team=recs.');
  return { ...previous, [k]: v };
}

/** `--metric auc=0.81` -> {auc: 0.81}; the value must be a finite number. */
export function metricPair(text: string, previous: Record<string, number> | undefined): Record<string, number> {
  const at = text.indexOf('=');
  const k = at > 0 ? text.slice(0, at).trim() : '';
  const v = at > 0 ? text.slice(at + 1).trim() : '';
  const n = Number(v);
  if (!k || v === '' || !Number.isFinite(n)) throw new InvalidArgumentError('use key=number, such as auc=0.81.');
  return { ...previous, [k]: n };
}

/** `{auc: 0.81, loss: 0.3}` -> "auc=0.81 loss=0.3"; "" when empty. */
export function formatPairs(pairs: Record<string, unknown> | undefined): string {
  return Object.entries(pairs ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v)}`)
    .join(' ');
}
