import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastLaneOf } from '../src/platform/index.js';
import { buildLogisticRegression, logisticRegressionParameters } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { until } from './helpers/until.js';

// The lane and Fastify must answer alike: every case runs with the lane on and
// with it off, over real HTTP (inject never reaches the lane). The store plays
// no part on the prediction path, so SQLite is enough here; test/serving.test.ts
// covers the protocols on both stores through Fastify.
const FEATURES = 4;
const P1 = logisticRegressionParameters({ features: FEATURES, seed: 1 });
const expected = (x: number[]) => 1 / (1 + Math.exp(-(x.reduce((s, v, i) => s + v * P1.weights[i]!, 0) + P1.bias)));
const PREDICT = '/v1/projects/ds/endpoints/ctr-prod:predict';
const INFER = '/v2/models/ds.ctr-prod/infer';
const JSON_TYPE = { 'content-type': 'application/json' };
const LIMIT = 4096;

/** A POST over a real socket; `chunks` sends the body with chunked transfer encoding. */
function post(base: string, path: string, body: string | string[], headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { method: 'POST', headers: { ...JSON_TYPE, ...bearer(ADMIN_KEY), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    if (Array.isArray(body)) for (const c of body) req.write(c);
    req.end(Array.isArray(body) ? undefined : body);
  });
}

describe.each([true, false])('the prediction routes over HTTP with the fast lane %s', (fastLane) => {
  let app: FastifyInstance;
  let base: string;
  let deployedModelId: string;
  const taken = () => fastLaneOf(app)!.taken;

  beforeAll(async () => {
    app = await buildTestApp('sqlite', { fastLane, bodyLimit: LIMIT, rateLimitPerSecond: 0 }, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
    await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } });
    const { payload, headers } = multipart([{ name: 'metadata', value: '{"framework":"onnx"}' }, { name: 'artifact', filename: 'm.onnx', data: Buffer.from(buildLogisticRegression({ features: FEATURES, seed: 1 })) }]);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions', headers, payload })).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'ctr-prod' } });
    await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'empty' } });
    const op = (await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-prod:deployModel', payload: { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } } })).json();
    const done = await until('deploy', async () => {
      const o = (await app.inject({ url: `/v1/${op.name}` })).json();
      return o.done ? o : undefined;
    });
    deployedModelId = done.response.id;
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // The first call reads the key from the store (always through Fastify); the rest find it cached.
    expect((await post(base, PREDICT, JSON.stringify({ instances: [[0, 0, 0, 0]] }))).status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers :predict, with and without a location segment, a query or a trailing slash', async () => {
    const before = taken();
    const x = [0.1, 0.2, 0.3, 0.4];
    for (const path of [PREDICT, '/v1/projects/ds/locations/us-central1/endpoints/ctr-prod:predict?$alt=json;enum-encoding=int', `${PREDICT}/`]) {
      const res = await post(base, path, JSON.stringify({ instances: [x], labels: { caller: 'storefront' } }), { 'x-request-id': 'req-42' });
      expect(res.status, path).toBe(200);
      expect(res.headers['x-request-id']).toBe('req-42');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.json).toMatchObject({ deployedModelId, model: 'projects/ds/models/ctr', modelVersionId: '1' });
      expect(res.json.predictions[0]).toBeCloseTo(expected(x), 5);
    }
    expect(taken() - before).toBe(fastLane ? 3 : 0);
  });

  it('answers OIP infer on the endpoint and on one deployed model, echoing the request id field', async () => {
    const x = [1, -1, 0.5, 2];
    for (const path of [INFER, `/v2/models/ds.ctr-prod/versions/${deployedModelId}/infer`]) {
      const res = await post(base, path, JSON.stringify({ id: 'r-1', inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: x }] }));
      expect(res.status, path).toBe(200);
      expect(res.json).toMatchObject({ model_name: 'ds.ctr-prod', model_version: deployedModelId, id: 'r-1', outputs: [{ name: 'probability', shape: [1, 1], datatype: 'FP32' }] });
      expect(res.json.outputs[0].data[0]).toBeCloseTo(expected(x), 5);
    }
    expect(typeof (await post(base, INFER, JSON.stringify({ inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: x }] }))).headers['x-request-id']).toBe('string');
  });

  it('answers bad bodies with the same reasons in each protocol\'s shape', async () => {
    const before = taken();
    const cases: Array<[string, string, number, string]> = [
      [PREDICT, '{"instances": [[1, 2', 400, 'MALFORMED_JSON'],
      [PREDICT, '', 400, 'EMPTY_BODY'],
      [PREDICT, '[1, 2]', 400, 'BODY_NOT_OBJECT'],
      [PREDICT, '{"parameters": {}}', 400, 'MISSING_FIELD'],
      [PREDICT, '{"instances": []}', 400, 'INVALID_FIELD'],
      [PREDICT, '{"instances": [[1, 2, 3]]}', 400, 'INPUT_INVALID'],
      [PREDICT, JSON.stringify({ instances: [Array.from({ length: 2000 }, () => 0.5)] }), 413, 'BODY_TOO_LARGE'],
    ];
    for (const [path, body, status, reason] of cases) {
      const res = await post(base, path, body);
      expect(res.status, body.slice(0, 40)).toBe(status);
      expect(res.json.error.details[0].reason, body.slice(0, 40)).toBe(reason);
      expect(res.json.error.message.length).toBeGreaterThan(10);
    }
    for (const body of ['{"inputs": [', '{"inputs": [{"name": "X"}]}', JSON.stringify({ inputs: [{ name: 'X', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] })]) {
      const res = await post(base, INFER, body);
      expect(res.status, body).toBe(400);
      expect(Object.keys(res.json)).toEqual(['error']);
    }
    expect(taken() - before).toBe(fastLane ? cases.length + 3 : 0);
  });

  it('refuses a chunked body that grows past the limit, and closes that connection', async () => {
    const chunk = `[${Array.from({ length: 200 }, () => '0.5').join(',')}]`;
    const res = await post(base, PREDICT, ['{"instances": [', ...Array.from({ length: 20 }, (_, i) => (i ? ',' : '') + chunk), ']}']);
    expect(res.status).toBe(413);
    expect(res.json.error.details[0].reason).toBe('BODY_TOO_LARGE');
    expect(res.headers.connection).toBe('close');
    // The server is still fine.
    expect((await post(base, PREDICT, JSON.stringify({ instances: [[1, 2, 3, 4]] }))).status).toBe(200);
  });

  it('leaves what it cannot decide to Fastify: no key, a bad key, a denied caller, another media type', async () => {
    const before = taken();
    const body = JSON.stringify({ instances: [[1, 2, 3, 4]] });
    const noKey = await post(base, PREDICT, body, { authorization: '' });
    expect(noKey.status).toBe(401);
    expect(noKey.json.error.details[0].reason).toBe('KEY_INVALID');
    const badKey = await post(base, PREDICT, body, bearer(`rk_nosuchkey1_${'x'.repeat(40)}`));
    expect(badKey.status).toBe(401);
    await app.inject({ method: 'POST', url: '/v1/projects/ds/serviceAccounts', payload: { name: 'reader' } });
    const key = (await app.inject({ method: 'POST', url: '/v1/projects/ds/serviceAccounts/reader/keys', payload: {} })).json().key as string;
    await app.inject({ method: 'POST', url: '/v1/projects/ds/bindings', payload: { principal: 'serviceAccount:reader@ds', role: 'viewer' } });
    // Twice: the second time the key and bindings are cached, and the lane must still not take it.
    for (let i = 0; i < 2; i++) {
      const denied = await post(base, PREDICT, body, bearer(key));
      expect(denied.status).toBe(403);
      expect(denied.json.error.details[0].reason).toBe('PERMISSION_DENIED');
    }
    const text = await post(base, PREDICT, body, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.json.error.details[0].reason).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(taken() - before).toBe(0);
  });

  it('answers an endpoint with no traffic with 503 NO_TRAFFIC in each protocol\'s shape', async () => {
    const vertex = await post(base, '/v1/projects/ds/endpoints/empty:predict', JSON.stringify({ instances: [[1, 2, 3, 4]] }));
    expect(vertex.status).toBe(503);
    expect(vertex.json.error.details[0].reason).toBe('NO_TRAFFIC');
    const oip = await post(base, '/v2/models/ds.empty/infer', JSON.stringify({ inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }));
    expect(oip.status).toBe(503);
    expect(Object.keys(oip.json)).toEqual(['error']);
  });

  it('counts its requests in the HTTP metrics under the route template', async () => {
    const read = async () => {
      const text = (await app.inject({ url: '/metrics' })).body;
      const line = text.split('\n').find((l) => l.startsWith('rouge_http_requests_total{') && l.includes('::predict"') && !l.includes('locations') && l.includes('status_code="200"'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const before = await read();
    for (let i = 0; i < 5; i++) await post(base, PREDICT, JSON.stringify({ instances: [[1, 2, 3, 4]] }));
    expect((await read()) - before).toBe(5);
  });
});

describe('the fast lane with a rate limit', () => {
  it('answers callers over their limit with 429 and Retry-After', async () => {
    const app = await buildTestApp('sqlite', { rateLimitPerSecond: 3 }, { workerPollMs: 10 });
    try {
      await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
      await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'empty' } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const statuses: number[] = [];
      let retryAfter: unknown;
      for (let i = 0; i < 12; i++) {
        const res = await post(base, '/v1/projects/ds/endpoints/empty:predict', JSON.stringify({ instances: [[1]] }));
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers['retry-after'];
      }
      // At most two one-second windows pass during the loop: at most 6 get through.
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
      expect(retryAfter).toBe('1');
      expect(fastLaneOf(app)!.taken).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
