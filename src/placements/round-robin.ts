import type { ItemMapping } from './loaded-models.js';

/**
 * The given categories' items (every category's when none) that pass `ok`,
 * most popular first, the categories taking turns so one does not crowd out
 * the others; -1 once every list is walked.
 */
export function roundRobin(map: ItemMapping, categories: Set<string>, ok: (i: number) => boolean): () => number {
  const lists = (categories.size > 0 ? [...categories].map((c) => map.byCategory.get(c)) : [...map.byCategory.values()])
    .filter((l): l is Int32Array => l !== undefined && l.length > 0);
  const pos = new Array<number>(lists.length).fill(0);
  let l = 0;
  let open = lists.length;
  return () => {
    while (open > 0) {
      const k = l;
      l = (l + 1) % lists.length;
      const list = lists[k]!;
      if (pos[k]! >= list.length) continue;
      while (pos[k]! < list.length) {
        const i = list[pos[k]!++]!;
        if (pos[k] === list.length) open--;
        if (ok(i)) return i;
      }
    }
    return -1;
  };
}

