/** What the demo generator is asked for; every field but `baseUrl` has a default. */
export interface DemoOptions {
  /** Same seed, same catalogue and events (default 1). */
  seed?: number;
  /** Catalogue size (default 600). */
  items?: number;
  /** Shoppers, signed in or not (default 2000). */
  users?: number;
  /** Approximate total of events (default 40,000). */
  events?: number;
  /** Where Rouge serves the demo, e.g. `http://localhost:8080`: the prefix of each item's `link` and `imageLink`. */
  baseUrl: string;
  /** Events fall in the 30 days before this time, in ms (default `Date.now()`). */
  now?: number;
}

export interface DemoMoney {
  /** Integer minor units: paise for INR. */
  amount: number;
  currency: 'INR';
}

/** One catalogue item, in the shape `PUT .../catalog/items/{id}` and item imports accept. */
export interface DemoItem {
  id: string;
  title: string;
  description: string;
  brand: string;
  categoryPath: string[];
  price: DemoMoney;
  availability: 'in_stock' | 'out_of_stock';
  link: string;
  imageLink: string;
  condition: 'new';
  attributes: Record<string, string | number | boolean>;
}

/** One user event, in the shape `userEvents:write` accepts. */
export interface DemoEvent {
  eventId: string;
  type: 'view' | 'add_to_cart' | 'purchase' | 'search';
  userId?: string;
  sessionId: string;
  itemIds?: string[];
  query?: string;
  eventTime: string;
  value?: DemoMoney;
  lineItems?: Array<{ id: string; quantity: number; price: DemoMoney }>;
}

/** The defaults applied once, so every part of the generator reads the same numbers. */
export interface ResolvedOptions {
  seed: number;
  items: number;
  users: number;
  events: number;
  baseUrl: string;
  now: number;
}

/** Fills in the defaults and refuses sizes that cannot make a demo. */
export function resolveOptions(options: DemoOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    seed: options.seed ?? 1,
    items: options.items ?? 600,
    users: options.users ?? 2000,
    events: options.events ?? 40_000,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    now: options.now ?? Date.now(),
  };
  for (const key of ['items', 'users', 'events'] as const) {
    if (!Number.isInteger(r[key]) || r[key] < 0) throw new RangeError(`demo ${key} must be a whole number >= 0, got ${r[key]}`);
  }
  if (!Number.isInteger(r.seed)) throw new RangeError(`demo seed must be an integer, got ${r.seed}`);
  if (!/^https?:\/\/\S+$/.test(r.baseUrl)) throw new RangeError(`demo baseUrl must be an http or https URL, got ${JSON.stringify(options.baseUrl)}`);
  return r;
}
