import { describe, expect, it } from 'vitest';
import { checkEvent } from '../catalog/events.js';
import { generateCatalog } from './catalog.js';
import { generateEvents } from './events.js';
import type { DemoEvent } from './types.js';

const baseUrl = 'http://localhost:8080';
const now = Date.parse('2026-12-01T12:00:00Z');
const options = { baseUrl, now, events: 20_000, users: 800 };
const items = generateCatalog(options);
const events = [...generateEvents(items, options)];

describe('generateEvents', () => {
  it('makes the same events, ids included, from the same seed, and others from another seed', () => {
    expect([...generateEvents(items, options)]).toEqual(events);
    const other = generateEvents(generateCatalog({ ...options, seed: 2 }), { ...options, seed: 2 }).next().value as DemoEvent;
    expect(other.eventId).not.toBe(events[0]?.eventId);
  });

  it('makes about the number of events asked for', () => {
    expect(events.length).toBeGreaterThan(18_000);
    expect(events.length).toBeLessThan(22_000);
  });

  it('makes events that userEvents:write accepts, with unique ids', () => {
    for (const [i, e] of events.entries()) checkEvent(e, `events[${i}]`, now);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('orders events oldest first within the 30 days before now, none in the future', () => {
    const times = events.map((e) => Date.parse(e.eventTime));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
    expect(times[0]).toBeGreaterThanOrEqual(now - 30 * 86_400_000);
    expect(times[times.length - 1]).toBeLessThan(now);
  });

  it('gives purchases line items at catalogue prices and a value that is their sum', () => {
    const price = new Map(items.map((i) => [i.id, i.price.amount]));
    const purchases = events.filter((e) => e.type === 'purchase');
    expect(purchases.length).toBeGreaterThan(200);
    for (const p of purchases) {
      const lines = p.lineItems ?? [];
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l.price.amount).toBe(price.get(l.id));
      expect(p.value).toEqual({ amount: lines.reduce((s, l) => s + l.quantity * l.price.amount, 0), currency: 'INR' });
      expect(p.itemIds).toEqual(lines.map((l) => l.id));
    }
  });

  it('buys only what the session put in its cart, and adds only what it viewed', () => {
    const seen = new Map<string, { viewed: Set<string>; carted: Set<string> }>();
    for (const e of events) {
      const s = seen.get(e.sessionId) ?? { viewed: new Set(), carted: new Set() };
      seen.set(e.sessionId, s);
      const ids = e.itemIds ?? [];
      if (e.type === 'view') ids.forEach((id) => s.viewed.add(id));
      if (e.type === 'add_to_cart') ids.forEach((id) => (expect(s.viewed.has(id)).toBe(true), s.carted.add(id)));
      if (e.type === 'purchase') ids.forEach((id) => expect(s.carted.has(id)).toBe(true));
    }
  });

  it('never adds an out-of-stock item to a cart', () => {
    const out = new Set(items.filter((i) => i.availability === 'out_of_stock').map((i) => i.id));
    expect(events.some((e) => e.type === 'view' && out.has(e.itemIds?.[0] as string))).toBe(true);
    expect(events.some((e) => e.type === 'add_to_cart' && out.has(e.itemIds?.[0] as string))).toBe(false);
  });

  it('keeps one visitor per session, signing in about 40% of users under a stable userId', () => {
    const visitor = new Map<string, string | undefined>();
    for (const e of events) {
      if (visitor.has(e.sessionId)) expect(e.userId).toBe(visitor.get(e.sessionId));
      else visitor.set(e.sessionId, e.userId);
    }
    const signedIn = [...visitor.values()].filter(Boolean).length / visitor.size;
    expect(signedIn).toBeGreaterThan(0.25);
    expect(signedIn).toBeLessThan(0.55);
    const sessionsPerUser = [...visitor.values()].filter(Boolean).length / new Set([...visitor.values()].filter(Boolean)).size;
    expect(sessionsPerUser).toBeGreaterThan(2);
  });

  it('streams: the first events of a ten-million-event request come without simulating the rest', () => {
    const big = generateEvents(generateCatalog({ baseUrl, items: 5000 }), { baseUrl, now, items: 5000, users: 50_000, events: 10_000_000 });
    const first: DemoEvent[] = [];
    for (const e of big) if (first.push(e) >= 1000) break;
    expect(first).toHaveLength(1000);
    expect(Date.parse(first[999]?.eventTime as string)).toBeLessThan(now - 29 * 86_400_000);
  });

  it('makes nothing for an empty catalogue or zero events', () => {
    expect([...generateEvents([], options)]).toEqual([]);
    expect([...generateEvents(items, { ...options, events: 0 })]).toEqual([]);
  });
});
