/**
 * Shared by the catalog and event-intake tests: polling helpers and the
 * generator of catalogues whose words are invented, so a relevance test
 * cannot pass on knowledge of real product types.
 */
import type { FastifyInstance } from 'fastify';
import { ALL_MIGRATIONS } from '../src/app.js';
import { catalogMigrations } from '../src/catalog/index.js';
import type { ModuleMigrations } from '../src/platform/index.js';
import { until } from './helpers/until.js';
import { seededRandom } from '../src/recs/random.js';

/** The app's migrations with every one of the catalog's, whichever of them app.ts lists. */
export const CATALOG_MIGRATIONS: ModuleMigrations[] = ALL_MIGRATIONS.map((m) => (m.module === 'catalog' ? { module: 'catalog', migrations: catalogMigrations } : m));

export { until };

/** Polls an Operation until it is done and returns it. */
export async function finished(app: FastifyInstance, operationName: string, ms = 30_000): Promise<any> {
  return until(`${operationName} to finish`, async () => {
    const op = (await app.inject({ url: `/v1/${operationName}` })).json();
    return op.done ? op : undefined;
  }, ms);
}

export const reasonOf = (res: { json(): any }): string => res.json().error?.details?.[0]?.reason;
export const violationsOf = (res: { json(): any }): Array<{ field: string; description: string }> =>
  res.json().error.details.find((d: { '@type': string }) => d['@type'].endsWith('BadRequest'))?.fieldViolations ?? [];

/** A small deterministic PRNG (mulberry32), so generated catalogues are the same on every run: the engine's own. */
export const rng = seededRandom;

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

const ONSETS = ['b', 'bl', 'br', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'k', 'kl', 'm', 'n', 'p', 'pl', 'qu', 'sn', 'st', 't', 'tr', 'v', 'z', 'zw'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'oo', 'ai', 'ei'];
const CODAS = ['b', 'd', 'g', 'k', 'l', 'm', 'n', 'p', 'rt', 'sk', 'x', 'z', 'mp', 'nd'];

/** Invented words of 6 to 10 letters, at least 3 edits apart from one another (so one typo never turns one into another). */
export function inventedWords(count: number, random: () => number, avoid: string[] = []): string[] {
  const out: string[] = [];
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
  while (out.length < count) {
    const w = pick(ONSETS) + pick(VOWELS) + pick(CODAS) + pick(ONSETS) + pick(VOWELS) + pick(CODAS);
    if (w.length < 6 || w.length > 10) continue;
    if ([...out, ...avoid].some((o) => distance(o, w) < 3 || o.startsWith(w.slice(0, 4)) || w.startsWith(o.slice(0, 4)))) continue;
    out.push(w);
  }
  return out;
}

export interface GeneratedCatalogue {
  /** Leaf category word per category, e.g. "zworpand". */
  kinds: string[];
  departments: string[];
  brands: string[];
  adjectives: string[];
  items: Array<{ id: string; title: string; brand: string; categoryPath: string[]; description: string; price: { amount: number; currency: string } }>;
}

/**
 * A catalogue of invented product types: each leaf category is named by an
 * invented word that its items' titles carry (singular or plural, capitalised
 * or not), brands sell across categories, and descriptions mention other
 * categories' words ("goes well with any blorpex"), the trap that makes a
 * naive full-text search mix product types.
 */
export function generateCatalogue(seed: number, categories: number, itemsPerCategory: number): GeneratedCatalogue {
  const random = rng(seed);
  const all = inventedWords(categories + 6 + 8 + 8, random);
  const kinds = all.slice(0, categories);
  const departments = all.slice(categories, categories + 6);
  const brands = all.slice(categories + 6, categories + 14).map((b) => b[0]!.toUpperCase() + b.slice(1));
  const adjectives = all.slice(categories + 14);
  const items: GeneratedCatalogue['items'] = [];
  kinds.forEach((kind, k) => {
    const dept = departments[k % departments.length]!;
    const path = [cap(dept), cap(kind) + 's'];
    for (let i = 0; i < itemsPerCategory; i++) {
      const other = kinds[(k + 1 + Math.floor(random() * (kinds.length - 1))) % kinds.length]!;
      const brand = brands[Math.floor(random() * brands.length)]!;
      const adj = adjectives[Math.floor(random() * adjectives.length)]!;
      const noun = random() < 0.3 ? `${kind}s` : kind;
      items.push({
        id: `${kind}-${i}`,
        title: `${brand} ${adj} ${random() < 0.5 ? cap(noun) : noun}`,
        brand,
        categoryPath: path,
        description: `A ${adj} ${kind} from ${brand}. Goes well with any ${other}.`,
        price: { amount: 100 + Math.floor(random() * 9900), currency: 'EUR' },
      });
    }
  });
  return { kinds, departments, brands, adjectives, items };
}

function cap(w: string): string {
  return w[0]!.toUpperCase() + w.slice(1);
}

/** A JSONL body of items. */
export function jsonl(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('\n') + '\n';
}
