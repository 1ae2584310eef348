/**
 * A/B tests between a recommender's variants (issue #16): sticky assignment by
 * a hash of the unit, the variant named in the response and in the
 * recommendation id, and the report counted from the events that carry it back.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonOf } from './catalog-helpers.js';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';
import { PROJECT, stockShop, train, type Shop } from './recommendations-fixture.js';

type Rec = { items: Array<{ id: string }>; notes: string[]; variant?: string; recommendationId: string };
const EXPERIMENT = { unit: 'userId', variants: [{ name: 'control', weight: 50 }, { name: 'pinned', weight: 50, model: 'recs@1' }] };

describe.each(STORE_KINDS)('experiments on %s', (storeKind) => {
  let app: FastifyInstance;
  let shop: Shop;
  const create = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recommenders`, payload: body });
  const recommend = async (body: Record<string, unknown>): Promise<Rec> => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recommenders/ab:recommend`, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Rec;
  };
  const report = (query = '') => app.inject({ url: `/v1/projects/${PROJECT}/recommenders/ab/experiments/report${query}` });

  beforeAll(async () => {
    app = await buildTestApp(storeKind, {}, { workerPollMs: 10 });
    shop = await stockShop(app);
    await train(app);
    const res = await create({ name: 'ab', kind: 'for-you', experiment: EXPERIMENT });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().experiment).toEqual(EXPERIMENT);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('splits users between the variants, stickily, and names the variant in the response and its recommendation id', async () => {
    const seen = new Map<string, string>();
    for (let u = 0; u < 60; u++) {
      const r = await recommend({ userId: `u${u}`, limit: 3 });
      expect(r.recommendationId.endsWith(`.ab.${r.variant}`)).toBe(true);
      seen.set(`u${u}`, r.variant!);
    }
    const counts = [...seen.values()].reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>());
    expect([...counts.keys()].sort()).toEqual(['control', 'pinned']);
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(15);
    for (const u of ['u1', 'u2', 'u3']) expect((await recommend({ userId: u })).variant).toBe(seen.get(u));
    const anonymous = await recommend({ sessionId: 'no-user', itemIds: [`${shop.cat.kinds[0]}-1`] });
    expect(anonymous.variant).toBe('control');
    expect(anonymous.notes).toContain('no userId in the request: served the control variant control');
  });

  it('refuses a split that does not add up to 100, twice the same name, and a variant model that is not recs', async () => {
    const off = await create({ name: 'ab-off', kind: 'popular', experiment: { unit: 'userId', variants: [{ name: 'a', weight: 60 }, { name: 'b', weight: 30 }] } });
    expect(off.statusCode).toBe(400);
    expect(reasonOf(off)).toBe('EXPERIMENT_SPLIT_INVALID');
    expect(off.json().error.message).toContain('add up to 90');
    const twice = await create({ name: 'ab-twice', kind: 'popular', experiment: { unit: 'userId', variants: [{ name: 'a', weight: 50 }, { name: 'a', weight: 50 }] } });
    expect(reasonOf(twice)).toBe('EXPERIMENT_SPLIT_INVALID');
    const one = await create({ name: 'ab-one', kind: 'popular', experiment: { unit: 'userId', variants: [{ name: 'a', weight: 100 }] } });
    expect(one.statusCode).toBe(400);
    const noModel = await create({ name: 'ab-nomodel', kind: 'popular', experiment: { unit: 'userId', variants: [{ name: 'a', weight: 50 }, { name: 'b', weight: 50, model: 'nope@champion' }] } });
    expect(noModel.statusCode).toBe(404);
  });

  it('reports each variant\'s users, rates with 95% intervals and revenue from the events that carry its recommendation ids', async () => {
    const now = Date.now();
    const events: unknown[] = [];
    const expected = new Map<string, { users: Set<string>; impressions: number; clicks: number; carts: number; buyers: Set<string>; revenue: number }>();
    for (let u = 100; u < 160; u++) {
      const r = await recommend({ userId: `u${u}`, limit: 2 });
      const e = expected.get(r.variant!) ?? { users: new Set(), impressions: 0, clicks: 0, carts: 0, buyers: new Set(), revenue: 0 };
      expected.set(r.variant!, e);
      const item = r.items[0]!.id;
      const at = (k: number) => new Date(now - 60_000 + k * 10).toISOString();
      const base = { userId: `u${u}`, itemIds: [item], recommendationId: r.recommendationId };
      events.push({ ...base, eventId: `imp-${u}`, type: 'impression', eventTime: at(u) });
      e.users.add(`u${u}`);
      e.impressions++;
      if (u % 3 === 0) {
        events.push({ ...base, eventId: `clk-${u}`, type: 'click', eventTime: at(u + 1) });
        e.clicks++;
      }
      if (u % 5 === 0) {
        events.push({ ...base, eventId: `cart-${u}`, type: 'add_to_cart', eventTime: at(u + 2) });
        e.carts++;
      }
      if (u % 6 === 0) {
        events.push({ ...base, eventId: `buy-${u}`, type: 'purchase', eventTime: at(u + 3), value: { amount: 1000 + u, currency: 'INR' } });
        e.buyers.add(`u${u}`);
        e.revenue += 1000 + u;
      }
    }
    // An event of another recommender's, and one outside the window, are not counted.
    events.push({ eventId: 'other', type: 'click', userId: 'u100', itemIds: ['x'], recommendationId: 'abc.other-rec.control', eventTime: new Date(now - 1000).toISOString() });
    const write = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/userEvents:write`, payload: { events } });
    expect(write.statusCode, write.body).toBe(200);
    const from = new Date(now - 3_600_000).toISOString();
    const to = new Date(now + 1000).toISOString();
    const res = await report(`?from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.variants.map((v: { name: string }) => v.name)).toEqual(['control', 'pinned']);
    for (const v of body.variants) {
      const e = expected.get(v.name)!;
      expect(v).toMatchObject({ users: e.users.size, impressions: e.impressions, clicks: e.clicks, addToCarts: e.carts, conversions: e.buyers.size, revenue: { amount: e.revenue, currency: 'INR' } });
      expect(v.ctr).toBeCloseTo(e.clicks / e.impressions, 9);
      expect(v.conversionRate).toBeCloseTo(e.buyers.size / e.users.size, 9);
      expect(v.ctrInterval[0]).toBeLessThanOrEqual(v.ctr);
      expect(v.ctrInterval[1]).toBeGreaterThanOrEqual(v.ctr);
      expect(v.conversionRateInterval[0]).toBeLessThanOrEqual(v.conversionRate);
    }

    const empty = (await report(`?from=${new Date(now - 7_200_000).toISOString()}&to=${new Date(now - 3_600_000).toISOString()}`)).json();
    expect(empty.variants.map((v: { users: number; ctrInterval: number[] }) => [v.users, v.ctrInterval])).toEqual([[0, [0, 1]], [0, [0, 1]]]);
    expect(empty.notes[0]).toMatch(/no events in this window/);
    expect(reasonOf(await report(`?from=${to}&to=${from}`))).toBe('REPORT_WINDOW_INVALID');
    expect((await report('?from=yesterday')).statusCode).toBe(400);
    await create({ name: 'plain-pop', kind: 'popular' });
    expect(reasonOf(await app.inject({ url: `/v1/projects/${PROJECT}/recommenders/plain-pop/experiments/report` }))).toBe('EXPERIMENT_MISSING');
  });

  it('ends the experiment with a PATCH: responses carry no variant again', async () => {
    const res = await app.inject({ method: 'PATCH', url: `/v1/projects/${PROJECT}/recommenders/ab?updateMask=experiment`, payload: { experiment: null } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().experiment).toBeUndefined();
    const r = await recommend({ userId: 'u1' });
    expect(r.variant).toBeUndefined();
    expect(r.recommendationId).not.toContain('.');
  });
});
