/**
 * Re-ranking a recommender's candidates with a model deployed on an endpoint
 * (issue #16): a real ONNX logistic regression on the in-process runtime, and
 * a slow custom model server over real HTTP; refusals when the recommender is
 * saved, and notes (never errors) when the endpoint fails at request time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonOf } from './catalog-helpers.js';
import { buildLogisticRegression } from './fixtures/onnx-builder.js';
import { buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';
import { PROJECT, stockShop, train, type Shop } from './recommendations-fixture.js';

type Rec = { items: Array<{ id: string; score: number; reason: string; price?: { amount: number } }>; notes: string[] };

/** Only the price feature (column 3) counts: the re-ranked order is by price, highest first. */
const BY_PRICE = Buffer.from(buildLogisticRegression({ features: 7, weights: [0, 0, 0, 8, 0, 0, 0], bias: -2 }));
const FOUR_FEATURES = Buffer.from(buildLogisticRegression({ features: 4, seed: 3 }));

describe.each(STORE_KINDS)('re-ranking on %s', (storeKind) => {
  let app: FastifyInstance;
  let shop: Shop;
  let slow: Server;

  const upload = async (model: string, metadata: object, artifact?: Buffer) => {
    await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/models`, payload: { name: model } });
    const parts = [{ name: 'metadata', value: JSON.stringify(metadata) }, ...(artifact ? [{ name: 'artifact', filename: 'm.onnx', data: artifact }] : [])];
    const { payload, headers } = multipart(parts);
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/models/${model}/versions`, headers, payload });
    expect(res.statusCode, res.body).toBe(200);
  };
  const deploy = async (endpoint: string, model: string) => {
    await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/endpoints`, payload: { name: endpoint } });
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/endpoints/${endpoint}:deployModel`, payload: { deployedModel: { model }, trafficSplit: { '0': 100 } } });
    expect(res.statusCode, res.body).toBe(200);
    const op = await until(`deploying ${model}`, async () => {
      const o = (await app.inject({ url: `/v1/${res.json().name}` })).json();
      return o.done ? o : undefined;
    });
    expect(op.error, JSON.stringify(op.error)).toBeUndefined();
    return op.response.id as string;
  };
  const create = (body: Record<string, unknown>) => app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recommenders`, payload: body });
  const recommend = async (name: string, body: Record<string, unknown>): Promise<Rec> => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/recommenders/${name}:recommend`, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Rec;
  };

  beforeAll(async () => {
    slow = createServer((req, res) => {
      if (req.url === '/health') return void res.end('ok');
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => setTimeout(() => res.end(JSON.stringify({ predictions: (JSON.parse(body).instances as unknown[]).map(() => 0.5) })), 300));
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    app = await buildTestApp(storeKind, {}, { workerPollMs: 10 });
    shop = await stockShop(app);
    await train(app);
    await upload('by-price', { framework: 'onnx' }, BY_PRICE);
    await deploy('ranker', 'by-price');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    slow?.close();
  });

  it('re-orders the best candidates by the endpoint model\'s scores, and keeps to them', async () => {
    expect((await create({ name: 'plain', kind: 'similar' })).statusCode).toBe(200);
    const res = await create({ name: 'ranked', kind: 'similar', rerank: { endpoint: 'ranker', topK: 20 }, fields: ['price'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rerank).toEqual({ endpoint: 'ranker', topK: 20, budgetMs: 20 });
    const anchor = `${shop.cat.kinds[2]}-4`;
    const pool = (await recommend('plain', { itemIds: [anchor], limit: 20 })).items.map((i) => i.id);
    const r = await recommend('ranked', { itemIds: [anchor], limit: 8 });
    expect(r.notes.filter((n) => n.startsWith('not re-ranked'))).toEqual([]);
    expect(r.items).toHaveLength(8);
    for (const i of r.items) expect(pool).toContain(i.id);
    const prices = r.items.map((i) => i.price!.amount);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    const poolPrices = (await recommend('plain', { itemIds: [anchor], limit: 20, fields: ['price'] })).items.map((i) => i.price!.amount).sort((a, b) => b - a);
    expect(prices).toEqual(poolPrices.slice(0, 8));
  });

  it('refuses, when the recommender is saved, an endpoint that does not exist or whose model takes other inputs', async () => {
    const missing = await create({ name: 'nowhere', kind: 'similar', rerank: { endpoint: 'no-such-endpoint' } });
    expect(missing.statusCode).toBe(400);
    expect(reasonOf(missing)).toBe('RERANK_ENDPOINT_NOT_FOUND');
    await upload('four', { framework: 'onnx' }, FOUR_FEATURES);
    await deploy('four-ep', 'four');
    const wrong = await create({ name: 'wrong', kind: 'similar', rerank: { endpoint: 'four-ep' } });
    expect(wrong.statusCode).toBe(400);
    expect(reasonOf(wrong)).toBe('RERANK_SIGNATURE_MISMATCH');
    expect(wrong.json().error.message).toContain('[-1, 7]');
    expect(wrong.json().error.message).toContain('[-1, 4]');
    expect(reasonOf(await app.inject({ method: 'PATCH', url: `/v1/projects/${PROJECT}/recommenders/plain?updateMask=rerank`, payload: { rerank: { endpoint: 'four-ep' } } }))).toBe('RERANK_SIGNATURE_MISMATCH');
    expect((await create({ name: 'bad-topk', kind: 'similar', rerank: { endpoint: 'ranker', topK: 0 } })).statusCode).toBe(400);
  });

  it('answers without re-ranking, saying why, when the endpoint is slower than the budget or gone', async () => {
    const { port } = slow.address() as AddressInfo;
    await upload('slow', { framework: 'http', spec: { upstreams: [`http://127.0.0.1:${port}`] } });
    await deploy('slow-ep', 'slow');
    expect((await create({ name: 'slowly', kind: 'similar', rerank: { endpoint: 'slow-ep', budgetMs: 30 } })).statusCode).toBe(200);
    const anchor = `${shop.cat.kinds[1]}-3`;
    const plain = await recommend('plain', { itemIds: [anchor], limit: 5 });
    const r = await recommend('slowly', { itemIds: [anchor], limit: 5 });
    expect(r.notes).toContain(`not re-ranked: projects/${PROJECT}/endpoints/slow-ep took longer than 30 ms`);
    expect(r.items.map((i) => i.id)).toEqual(plain.items.map((i) => i.id));

    expect((await app.inject({ method: 'DELETE', url: `/v1/projects/${PROJECT}/recommenders/slowly` })).statusCode).toBe(200);
    expect((await create({ name: 'gone', kind: 'similar', rerank: { endpoint: 'slow-ep' } })).statusCode).toBe(200);
    const endpoint = (await app.inject({ url: `/v1/projects/${PROJECT}/endpoints/slow-ep` })).json();
    const undeploy = await app.inject({ method: 'POST', url: `/v1/projects/${PROJECT}/endpoints/slow-ep:undeployModel`, payload: { deployedModelId: endpoint.deployedModels[0].id } });
    expect(undeploy.statusCode, undeploy.body).toBe(200);
    const gone = await until('the undeploy to reach the recommender', async () => {
      const g = await recommend('gone', { itemIds: [anchor], limit: 5 });
      return g.notes.some((n) => n.includes('failed')) ? g : undefined;
    });
    expect(gone.items.map((i) => i.id)).toEqual(plain.items.map((i) => i.id));
  });
});
