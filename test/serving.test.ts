import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { servingModule } from '../src/serving/index.js';
import { buildLogisticRegression, logisticRegressionParameters } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { STORE_KINDS, openTestStore } from './helpers/stores.js';
import { until } from './helpers/until.js';

const FEATURES = 4;
const ONNX_V1 = Buffer.from(buildLogisticRegression({ features: FEATURES, seed: 1 }));
const ONNX_V2 = Buffer.from(buildLogisticRegression({ features: FEATURES, seed: 2 }));
const P1 = logisticRegressionParameters({ features: FEATURES, seed: 1 });
const expected = (p: { weights: ArrayLike<number>; bias: number }, x: number[]) => 1 / (1 + Math.exp(-(x.reduce((s, v, i) => s + v * p.weights[i]!, 0) + p.bias)));

async function setup(app: FastifyInstance) {
  await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
  await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } });
  for (const data of [ONNX_V1, ONNX_V2]) {
    const { payload, headers } = multipart([{ name: 'metadata', value: '{"framework":"onnx"}' }, { name: 'artifact', filename: 'm.onnx', data }]);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions', headers, payload })).statusCode).toBe(200);
  }
  await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions/1:mergeVersionAliases', payload: { versionAliases: ['champion'] } });
}

async function deploy(app: FastifyInstance, body: object, endpoint = 'ctr-prod') {
  const res = await app.inject({ method: 'POST', url: `/v1/projects/ds/endpoints/${endpoint}:deployModel`, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  const name = res.json().name as string;
  return until(`${name} to finish`, async () => {
    const op = (await app.inject({ url: `/v1/${name}` })).json();
    return op.done ? op : undefined;
  });
}

describe.each(STORE_KINDS)('endpoints and online serving on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await setup(app);
    await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'ctr-prod' } });
  });
  afterEach(async () => {
    await app.close();
  });
  const predict = (instances: unknown[], headers: Record<string, string> = {}, url = '/v1/projects/ds/endpoints/ctr-prod:predict') =>
    app.inject({ method: 'POST', url, headers, payload: { instances } });

  it('deploys ctr@champion with an Operation and answers Vertex :predict with the right numbers', async () => {
    const op = await deploy(app, { deployedModel: { model: 'ctr@champion' }, trafficSplit: { '0': 100 } });
    expect(op.error).toBeUndefined();
    expect(op.response).toMatchObject({ model: 'projects/ds/models/ctr', modelVersionId: '1', state: 'READY' });
    const x = [[0.1, 0.2, 0.3, 0.4], [1, -1, 0.5, 2]];
    const res = await predict(x);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ deployedModelId: op.response.id, model: 'projects/ds/models/ctr', modelVersionId: '1', modelDisplayName: 'ctr@1' });
    expect(body.predictions[0]).toBeCloseTo(expected(P1, x[0]!), 5);
    expect(body.predictions[1]).toBeCloseTo(expected(P1, x[1]!), 5);
    const endpoint = (await app.inject({ url: '/v1/projects/ds/endpoints/ctr-prod' })).json();
    expect(endpoint.trafficSplit).toEqual({ [op.response.id]: 100 });
  });

  it('takes what Vertex clients send: a location segment, $alt query, labels, and {"0": ...} instances', async () => {
    await deploy(app, { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } });
    const res = await app.inject({
      method: 'POST', url: '/v1/projects/ds/locations/us-central1/endpoints/ctr-prod:predict?$alt=json;enum-encoding=int',
      payload: { instances: [{ '0': 0.1, '1': 0.2, '2': 0.3, '3': 0.4 }, { X: [0.1, 0.2, 0.3, 0.4] }], labels: { caller: 'storefront' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [a, b] = res.json().predictions;
    expect(a).toBeCloseTo(expected(P1, [0.1, 0.2, 0.3, 0.4]), 5);
    expect(b).toBeCloseTo(a, 6);
  });

  it('answers the Open Inference Protocol: metadata, readiness and infer', async () => {
    const op = await deploy(app, { deployedModel: { model: 'ctr' }, trafficSplit: { '0': 100 } });
    const meta = (await app.inject({ url: '/v2/models/ds.ctr-prod' })).json();
    expect(meta).toMatchObject({ name: 'ds.ctr-prod', versions: [op.response.id], platform: 'onnx_onnxv1', inputs: [{ name: 'X', datatype: 'FP32', shape: [-1, 4] }] });
    expect((await app.inject({ url: '/v2/models/ds.ctr-prod/ready' })).json()).toEqual({ name: 'ds.ctr-prod', ready: true });
    const res = await app.inject({ method: 'POST', url: '/v2/models/ds.ctr-prod/infer', payload: { id: 'r-1', inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [0.1, 0.2, 0.3, 0.4] }] } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ model_name: 'ds.ctr-prod', model_version: op.response.id, id: 'r-1', outputs: [{ name: 'probability', shape: [1, 1], datatype: 'FP32' }] });
    expect(body.outputs[0].data[0]).toBeCloseTo(expected(P1, [0.1, 0.2, 0.3, 0.4]), 5);
    expect((await app.inject({ url: '/v2/health/live', headers: { authorization: '' } })).json()).toEqual({ live: true });
    expect((await app.inject({ url: '/v2/health/ready', headers: { authorization: '' } })).json()).toEqual({ ready: true });
  });

  it('names the expected signature when a tensor has the wrong shape, type or name', async () => {
    await deploy(app, { deployedModel: { model: 'ctr' }, trafficSplit: { '0': 100 } });
    const vertex = await predict([[1, 2, 3]]);
    expect(vertex.statusCode).toBe(400);
    expect(vertex.json().error.details[0].reason).toBe('INPUT_INVALID');
    expect(vertex.json().error.message).toContain('X FP32 [-1,4]');
    const cases = [
      { name: 'X', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
      { name: 'X', shape: [1, 4], datatype: 'INT64', data: [1, 2, 3, 4] },
      { name: 'Y', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] },
      { name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3] },
      { name: 'X', shape: [1, 4], datatype: 'FP32', data: ['a', 'b', 'c', 'd'] },
    ];
    for (const input of cases) {
      const res = await app.inject({ method: 'POST', url: '/v2/models/ds.ctr-prod/infer', payload: { inputs: [input] } });
      expect(res.statusCode, JSON.stringify(input)).toBe(400);
      expect(Object.keys(res.json())).toEqual(['error']);
      expect(res.json().error).toContain('The model expects inputs X FP32 [-1,4]');
    }
  });

  it('answers a body that is not JSON with 400 MALFORMED_JSON, in each protocol\'s shape', async () => {
    await deploy(app, { deployedModel: { model: 'ctr' }, trafficSplit: { '0': 100 } });
    const headers = { 'content-type': 'application/json' };
    const vertex = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-prod:predict', headers, payload: '{"instances": [[1, 2' });
    expect(vertex.statusCode).toBe(400);
    expect(vertex.json().error.details[0].reason).toBe('MALFORMED_JSON');
    const oip = await app.inject({ method: 'POST', url: '/v2/models/ds.ctr-prod/infer', headers, payload: '{"inputs": [' });
    expect(oip.statusCode).toBe(400);
    expect(Object.keys(oip.json())).toEqual(['error']);
    expect(oip.json().error).toContain('not valid JSON');
    // A __proto__ key stays an own property of the parsed body and poisons nothing.
    const odd = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-prod:predict', headers, payload: '{"instances": [[1, 2, 3, 4]], "__proto__": {"polluted": true}}' });
    expect(odd.statusCode).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('serves the same predictions with batching at maxLatencyMs 0 (merging what arrives in one turn)', async () => {
    await deploy(app, { deployedModel: { model: 'ctr@1', batching: { maxBatchSize: 64, maxLatencyMs: 0 } }, trafficSplit: { '0': 100 } });
    const inputs = Array.from({ length: 12 }, (_, i) => [i / 5, -i / 3, i % 4, 2]);
    const results = await Promise.all(inputs.map((x) => predict([x]).then((r) => r.json().predictions[0] as number)));
    results.forEach((y, i) => expect(y).toBeCloseTo(expected(P1, inputs[i]!), 5));
  });

  it('answers an endpoint with no traffic with 503 NO_TRAFFIC, in each protocol\'s shape', async () => {
    const res = await predict([[1, 2, 3, 4]]);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.details[0].reason).toBe('NO_TRAFFIC');
    const oip = await app.inject({ method: 'POST', url: '/v2/models/ds.ctr-prod/infer', payload: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] } });
    expect(oip.statusCode).toBe(503);
    expect(oip.json().error).toContain('no traffic split');
    // Counted, with no deployed model to name.
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('rouge_predict_requests_total{endpoint="ds.ctr-prod",deployed_model="",protocol="vertex",code="NO_TRAFFIC"} 1');
    expect(metrics).toContain('rouge_predict_requests_total{endpoint="ds.ctr-prod",deployed_model="",protocol="oip",code="NO_TRAFFIC"} 1');
    // An unknown endpoint is not counted: its name is the caller's, and would grow the label set without bound.
    expect((await predict([[1, 2, 3, 4]], {}, '/v1/projects/ds/endpoints/no-such-thing:predict')).statusCode).toBe(404);
    expect((await app.inject({ url: '/metrics' })).body).not.toContain('no-such-thing');
  });

  it('runs a canary, routes stickily by X-Rouge-Routing-Key, promotes and rolls back', async () => {
    const v1 = (await deploy(app, { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } })).response.id as string;
    const v2 = (await deploy(app, { deployedModel: { model: 'ctr@2' }, trafficSplit: { '0': 10, [v1]: 90 } })).response.id as string;
    expect((await app.inject({ url: '/v1/projects/ds/endpoints/ctr-prod' })).json().trafficSplit).toEqual({ [v1]: 90, [v2]: 10 });
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 2; i++) seen.add((await predict([[1, 2, 3, 4]])).json().deployedModelId);
    expect(seen).toEqual(new Set([v1, v2]));
    const sticky = new Set<string>();
    for (let i = 0; i < 20; i++) sticky.add((await predict([[1, 2, 3, 4]], { 'x-rouge-routing-key': 'user-42' })).json().deployedModelId);
    expect(sticky.size).toBe(1);
    const promoted = await app.inject({ method: 'PATCH', url: '/v1/projects/ds/endpoints/ctr-prod?updateMask=trafficSplit', payload: { trafficSplit: { [v2]: 100 } } });
    expect(promoted.json().trafficSplit).toEqual({ [v2]: 100 });
    await until('v2 to take all traffic', async () => ((await predict([[1, 2, 3, 4]])).json().deployedModelId === v2 ? true : undefined));
    await app.inject({ method: 'PATCH', url: '/v1/projects/ds/endpoints/ctr-prod?updateMask=trafficSplit', payload: { trafficSplit: { [v1]: 100 } } });
    await until('the rollback', async () => ((await predict([[1, 2, 3, 4]])).json().deployedModelId === v1 ? true : undefined));
    const undeployed = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-prod:undeployModel', payload: { deployedModelId: v2 } });
    expect(undeployed.json().deployedModels.map((d: { id: string }) => d.id)).toEqual([v1]);
  });

  it('refuses a split that does not sum to 100 or names an unknown deployed model, changing nothing', async () => {
    const v1 = (await deploy(app, { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } })).response.id as string;
    for (const trafficSplit of [{ [v1]: 50 }, { '12345': 100 }]) {
      const res = await app.inject({ method: 'PATCH', url: '/v1/projects/ds/endpoints/ctr-prod?updateMask=trafficSplit', payload: { trafficSplit } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0].reason).toBe('TRAFFIC_SPLIT_INVALID');
    }
    const over = await app.inject({ method: 'PATCH', url: '/v1/projects/ds/endpoints/ctr-prod?updateMask=trafficSplit', payload: { trafficSplit: { [v1]: 101 } } });
    expect(over.statusCode).toBe(400);
    const bad = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-prod:deployModel', payload: { deployedModel: { model: 'ctr@2' }, trafficSplit: { '0': 60 } } });
    expect(bad.json().error.details[0].reason).toBe('TRAFFIC_SPLIT_INVALID');
    expect((await app.inject({ url: '/v1/projects/ds/endpoints/ctr-prod' })).json().trafficSplit).toEqual({ [v1]: 100 });
  });

  it('fails the Operation and leaves traffic alone when the model cannot be loaded', async () => {
    const v1 = (await deploy(app, { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } })).response.id as string;
    const row = await app.rouge.store.db.selectFrom('model_versions').select('artifact_key').where('version', '=', 2).executeTakeFirstOrThrow();
    const { Readable } = await import('node:stream');
    await app.rouge.blobs.put(row.artifact_key, Readable.from([Buffer.from('corrupted')]));
    const op = await deploy(app, { deployedModel: { model: 'ctr@2' }, trafficSplit: { '0': 100 } });
    expect(op.error).toMatchObject({ code: 9 });
    expect(op.error.details[0].reason).toBe('DEPLOY_FAILED');
    expect((await app.inject({ url: '/v1/projects/ds/endpoints/ctr-prod' })).json().trafficSplit).toEqual({ [v1]: 100 });
    expect((await predict([[1, 2, 3, 4]])).json().deployedModelId).toBe(v1);
  });

  it('refuses to delete a deployed version', async () => {
    await deploy(app, { deployedModel: { model: 'ctr@2' }, trafficSplit: { '0': 100 } });
    const res = await app.inject({ method: 'DELETE', url: '/v1/projects/ds/models/ctr/versions/2' });
    expect(res.json().error.details[0].reason).toBe('VERSION_DEPLOYED');
  });

  it('merges concurrent requests into batches and gives each caller its own rows', async () => {
    await deploy(app, { deployedModel: { model: 'ctr@1', batching: { maxBatchSize: 16, maxLatencyMs: 30 } }, trafficSplit: { '0': 100 } });
    const inputs = Array.from({ length: 16 }, (_, i) => [i / 10, -i / 7, i % 3, 1]);
    const results = await Promise.all(inputs.map((x, i) => (i % 2
      ? predict([x]).then((r) => r.json().predictions[0] as number)
      : app.inject({ method: 'POST', url: '/v2/models/ds.ctr-prod/infer', payload: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: x }] } }).then((r) => r.json().outputs[0].data[0] as number))));
    results.forEach((y, i) => expect(y).toBeCloseTo(expected(P1, inputs[i]!), 5));
    const metrics = (await app.inject({ url: '/metrics' })).body;
    const count = Number(/rouge_predict_batch_size_count\{[^}]*\} (\d+)/.exec(metrics)?.[1]);
    expect(count).toBeLessThan(16);
  });

  it('lets a predictor from another project call both protocols and nothing else', async () => {
    await deploy(app, { deployedModel: { model: 'ctr' }, trafficSplit: { '0': 100 } });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'storefront' } });
    await app.inject({ method: 'POST', url: '/v1/projects/storefront/serviceAccounts', payload: { name: 'web' } });
    const key = (await app.inject({ method: 'POST', url: '/v1/projects/storefront/serviceAccounts/web/keys', payload: {} })).json().key;
    await app.inject({ method: 'POST', url: '/v1/projects/ds/bindings', payload: { principal: 'serviceAccount:web@storefront', role: 'predictor', resource: 'endpoints/ctr-prod' } });
    const web = bearer(key);
    expect((await predict([[1, 2, 3, 4]], web)).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v2/models/ds.ctr-prod/infer', headers: web, payload: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-prod:deployModel', headers: web, payload: { deployedModel: { model: 'ctr' } } })).statusCode).toBe(403);
    expect((await app.inject({ url: '/v1/projects/ds/models', headers: web })).statusCode).toBe(403);
  });

  it('writes sampled request/response pairs as JSONL under requestLogs/', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'logged', requestLogging: { samplingRate: 1 } } });
    await deploy(app, { deployedModel: { model: 'ctr' }, trafficSplit: { '0': 100 } }, 'logged');
    await predict([[1, 2, 3, 4]], {}, '/v1/projects/ds/endpoints/logged:predict');
    await app.rouge.use(servingModule).requestLogs.flush();
    const keys = await app.rouge.blobs.list('requestLogs/ds/logged/');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^requestLogs\/ds\/logged\/dt=\d{4}-\d{2}-\d{2}\/[0-9A-Z]{26}\.jsonl$/);
    const { body } = await app.rouge.blobs.get(keys[0]!);
    let text = '';
    for await (const chunk of body) text += chunk;
    const line = JSON.parse(text.trim());
    expect(line).toMatchObject({ endpoint: 'projects/ds/endpoints/logged', protocol: 'vertex', request: { instances: [[1, 2, 3, 4]] } });
  });
});

describe('a process restart', () => {
  it('reloads deployed models before it reports ready', async () => {
    const store = await openTestStore('sqlite');
    // A real data dir: the second process must find the first one's blobs.
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const config = { bootstrapAdminKey: ADMIN_KEY, keyPepper: 'p'.repeat(32), dataDir: mkdtempSync(`${tmpdir()}/rouge-restart-`) };
    const first = await buildApp({ store, config, workerPollMs: 10 });
    const auth = bearer(ADMIN_KEY);
    const inject = (o: { method?: string; url: string; headers?: Record<string, string>; payload?: unknown }) => first.inject({ ...o, headers: { ...auth, ...(o.headers ?? {}) } } as never) as unknown as ReturnType<FastifyInstance['inject']>;
    await setup({ inject } as unknown as FastifyInstance);
    await inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'ctr-prod' } });
    await deploy({ inject } as unknown as FastifyInstance, { deployedModel: { model: 'ctr' }, trafficSplit: { '0': 100 } });
    await first.close();
    const second = await buildApp({ store, config, closeStore: true });
    try {
      const ready = await second.inject({ url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(200);
      const res = await second.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-prod:predict', headers: auth, payload: { instances: [[1, 2, 3, 4]] } });
      expect(res.statusCode).toBe(200);
    } finally {
      await second.close();
    }
  });
});
