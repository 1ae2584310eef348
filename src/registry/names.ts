import * as errors from './errors.js';

/** Vertex's alias format: it can never be mistaken for a version number. */
export const ALIAS = /^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$/;
export const MODEL_NAME_PATTERN = '^[a-z][a-z0-9-]{0,62}$';

/** Throws ALIAS_INVALID unless the alias is well formed. */
export function checkAlias(alias: string): void {
  if (!ALIAS.test(alias)) throw errors.ALIAS_INVALID({ alias });
}

/** A version reference: a number, or an alias. */
export type VersionRef = { version: number } | { alias: string };

/** Parses `3` or `champion` (a path segment or the part after `@`). */
export function parseVersionRef(text: string): VersionRef {
  if (/^[1-9][0-9]{0,9}$/.test(text)) return { version: Number(text) };
  checkAlias(text);
  return { alias: text };
}

/**
 * Parses a model reference as written in deploy calls and the CLI: `ctr`
 * (the default alias), `ctr@3` or `ctr@champion`.
 */
export function parseModelRef(text: string): { model: string; ref: VersionRef } {
  const at = text.indexOf('@');
  const model = at < 0 ? text : text.slice(0, at);
  if (!new RegExp(MODEL_NAME_PATTERN).test(model)) throw errors.MODEL_NOT_FOUND({ model: text });
  return { model, ref: at < 0 ? { alias: 'default' } : parseVersionRef(text.slice(at + 1)) };
}

const LABEL = /^[a-z0-9_-]{0,64}$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,63}$/;

/** Vertex's label rules: lower-case keys and values, at most 64 characters, at most 64 labels. */
export function checkLabels(labels: Record<string, string> | undefined): Record<string, string> {
  if (labels === undefined) return {};
  const entries = Object.entries(labels);
  if (entries.length > 64) throw errors.LABELS_INVALID({ why: `${entries.length} labels` });
  for (const [k, v] of entries) {
    if (!LABEL_KEY.test(k)) throw errors.LABELS_INVALID({ why: `key ${JSON.stringify(k)}` });
    if (typeof v !== 'string' || !LABEL.test(v)) throw errors.LABELS_INVALID({ why: `value ${JSON.stringify(v)} of ${k}` });
  }
  return labels;
}
