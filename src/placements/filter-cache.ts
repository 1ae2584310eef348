import { compileFilter, type ItemPredicate } from './rules.js';

/** How many distinct request filters stay compiled. */
const SIZE = 1000;

/**
 * Request filters compiled once per distinct text: storefronts send the same
 * few (`availability = "in_stock"`, a brand page's brand) thousands of times.
 * Insertion-ordered eviction keeps it bounded; a refused filter is not kept.
 */
export class FilterCache {
  private readonly compiled = new Map<string, ItemPredicate | undefined>();

  get(text: string | undefined): ItemPredicate | undefined {
    if (text === undefined || text.trim() === '') return undefined;
    if (this.compiled.has(text)) return this.compiled.get(text);
    const f = compileFilter(text);
    if (this.compiled.size >= SIZE) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(text, f);
    return f;
  }
}
