import { readFile } from 'node:fs/promises';
import type { ItemContent, UserSequence, ValidationCase } from './types.js';

/** A leave-one-out split of a sequence data set, per the protocol in ../shared/data/README.md. */
export interface EvaluationSplit {
  /** s[:-2] per user: the only data statistics may come from. */
  train: UserSequence[];
  /** Query s[:-2], target s[-2]: for tuning. */
  validation: ValidationCase[];
  /** Query s[:-1], target s[-1], and every item of the user (for negative sampling). */
  test: { items: string[]; target: string; all: string[] }[];
  /** Every item of the data set, so the ranking covers items only seen as targets too. */
  items: string[];
}

/** Parses `user item item ...` lines (items oldest first) into the split; users with fewer than three items are skipped. */
export function splitSequences(text: string): EvaluationSplit {
  const split: EvaluationSplit = { train: [], validation: [], test: [], items: [] };
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 4) continue;
    const [user, ...s] = parts as [string, ...string[]];
    for (const i of s) if (!seen.has(i)) seen.add(i), split.items.push(i);
    const train = s.slice(0, -2);
    split.train.push({ user, items: train });
    split.validation.push({ items: train, target: s[s.length - 2]! });
    split.test.push({ items: s.slice(0, -1), target: s[s.length - 1]!, all: s });
  }
  return split;
}

/** The path of the attribute file the S3-Rec preprocessing writes beside `X.txt`: `X_item2attributes.json`. */
export function attributesPath(path: string): string {
  return path.replace(/\.txt$/, '') + '_item2attributes.json';
}

/**
 * Item content from an `{item: [attribute ids]}` file (brand and
 * sub-categories); every item of the data set gets an entry, empty when it
 * has no attributes, so all of them are ranked. An absent file means no tokens.
 */
export async function readAttributes(path: string, items: string[]): Promise<ItemContent[]> {
  let attrs: Record<string, unknown> = {};
  try {
    attrs = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return items.map((id) => {
    const a = attrs[id];
    return { id, tokens: Array.isArray(a) ? a.map((x) => `attr:${String(x)}`) : [] };
  });
}
