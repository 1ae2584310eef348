/**
 * A shop for the recommendation tests: a generated catalogue of invented
 * product types (no real product words) and shopping sessions with a known
 * structure: shoppers browse within one category, and buyers of one
 * category's items also buy the next category's (complements).
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { finished, generateCatalogue, rng, type GeneratedCatalogue } from './catalog-helpers.js';

export const PROJECT = 'shop';
export const T0 = Date.UTC(2026, 10, 1);

export interface Shop {
  cat: GeneratedCatalogue;
  /** Items out of stock. */
  outOfStock: string[];
  /** Category index of a shopper's history: user u{i} browses kinds[i % kinds]. */
  userKind: (user: number) => number;
}

/** Writes the catalogue and the events; returns what the tests need to know about them. */
export async function stockShop(app: FastifyInstance, users = 120): Promise<Shop> {
  const cat = generateCatalogue(11, 6, 25);
  const random = rng(5);
  expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: PROJECT } })).statusCode).toBe(200);
  const outOfStock = cat.kinds.map((k) => `${k}-0`);
  for (const item of cat.items) {
    const availability = outOfStock.includes(item.id) ? 'out_of_stock' : 'in_stock';
    const res = await app.inject({ method: 'PUT', url: `/v1/projects/${PROJECT}/catalog/items/${item.id}`, payload: { ...item, availability } });
    expect(res.statusCode, res.body).toBe(200);
  }
  const n = cat.kinds.length;
  const userKind = (u: number) => u % n;
  const events: unknown[] = [];
  let t = T0;
  for (let u = 0; u < users; u++) {
    const k = userKind(u);
    const kind = cat.kinds[k]!;
    const next = cat.kinds[(k + 1) % n]!;
    // Popularity skew inside a category: low item numbers are seen far more often.
    const pick = (w: string) => `${w}-${Math.min(24, Math.floor(random() ** 2 * 25))}`;
    for (let s = 0; s < 6; s++) {
      const item = pick(kind);
      events.push({ eventId: `u${u}-v${s}`, type: 'view', userId: `u${u}`, sessionId: `s${u}`, itemIds: [item], eventTime: new Date((t += 1000)).toISOString() });
    }
    if (u % 2 === 0) {
      const a = pick(kind);
      const b = pick(next);
      events.push({ eventId: `u${u}-p`, type: 'purchase', userId: `u${u}`, sessionId: `s${u}`, itemIds: [a, b], eventTime: new Date((t += 1000)).toISOString(), value: { amount: 2000, currency: 'EUR' } });
    }
  }
  for (let i = 0; i < events.length; i += 1000) {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/userEvents:write`, payload: { events: events.slice(i, i + 1000) } });
    expect(res.statusCode, res.body).toBe(200);
  }
  return { cat, outOfStock, userKind };
}

/** Trains through the API and waits; returns the finished Operation's response. */
export async function train(app: FastifyInstance, body: Record<string, unknown> = { alias: 'champion' }): Promise<{ modelVersion: string; [k: string]: unknown }> {
  const res = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recs:train`, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  const op = await finished(app, res.json().name, 60_000);
  expect(op.error, JSON.stringify(op.error)).toBeUndefined();
  return op.response;
}
