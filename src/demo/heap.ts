/**
 * A binary min-heap. The event merge holds only the sessions in progress
 * (a few dozen), so this stays tiny; a dependency would be more code than it.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly key: (item: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(a[parent] as T) <= this.key(item)) break;
      a[i] = a[parent] as T;
      i = parent;
    }
    a[i] = item;
  }

  /** Restores order after the top item's key grew (the session moved to its next event). */
  fixTop(): void {
    const a = this.items;
    const n = a.length;
    if (n === 0) return;
    const item = a[0] as T;
    const k = this.key(item);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.key(a[r] as T) < this.key(a[l] as T) ? r : l;
      if (this.key(a[c] as T) >= k) break;
      a[i] = a[c] as T;
      i = c;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      this.fixTop();
    }
    return top;
  }
}
